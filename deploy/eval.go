package deploy

import (
	"fmt"
	"path"
	"strings"
)

// Request is one access a role's policy is asked about: an action such as
// "oss:GetObject" on a resource ARN, with the request's condition keys (for
// example "oss:Prefix" for oss:ListObjects).
type Request struct {
	Action   string
	Resource string
	Context  map[string]string
}

// Allows reports whether p allows r the way RAM evaluates it: some Allow
// statement matches and no Deny statement does. Action and resource
// patterns use RAM's wildcards (`*` any run, `?` one character); actions
// compare case-insensitively. Conditions support StringEquals and
// StringLike; a condition key absent from r.Context does not match, and an
// unsupported operator never matches (so the evaluator errs on "denied").
func (p Policy) Allows(r Request) bool {
	allowed := false
	for _, s := range p.Statement {
		if !s.matches(r) {
			continue
		}
		if s.Effect == "Deny" {
			return false
		}
		allowed = true
	}
	return allowed
}

func (s Statement) matches(r Request) bool {
	if !anyMatch(s.Action, strings.ToLower(r.Action), strings.ToLower) {
		return false
	}
	if !anyMatch(s.Resource, r.Resource, func(x string) string { return x }) {
		return false
	}
	for op, keys := range s.Condition {
		for key, values := range keys {
			got, ok := r.Context[key]
			if !ok || !conditionHolds(op, values, got) {
				return false
			}
		}
	}
	return true
}

func anyMatch(patterns []string, v string, norm func(string) string) bool {
	for _, p := range patterns {
		if wildcardMatch(norm(p), v) {
			return true
		}
	}
	return false
}

func conditionHolds(op string, values []string, got string) bool {
	for _, v := range values {
		switch op {
		case "StringEquals":
			if v == got {
				return true
			}
		case "StringLike":
			if wildcardMatch(v, got) {
				return true
			}
		}
	}
	return false
}

// wildcardMatch reports whether s matches pattern, where `*` matches any run
// of characters (including "/") and `?` exactly one.
func wildcardMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcardMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcardMatch(pattern[1:], s[1:])
	default:
		return s != "" && s[0] == pattern[0] && wildcardMatch(pattern[1:], s[1:])
	}
}

// Lint returns every breach of ossgate's wildcard rule in a permission
// policy: no action may hold a wildcard at all (no "*", no "oss:*", no
// "oss:Get*"); no resource may be a bare "*" (but in a statement of the
// actions of services that authorize by operation only, operationLevel); in a resource ARN
// acs:service:region:account:relative, the region may be "*" (OSS ARNs are
// region-less), but the service, the account and the first segment of the
// relative part (the bucket, or "functions") must be literal, and a `*`
// elsewhere is allowed only as a whole trailing "/*" segment below a literal
// prefix. An empty result means the policy keeps the rule.
func Lint(p Policy) []string {
	var out []string
	for i, s := range p.Statement {
		for _, a := range s.Action {
			if strings.ContainsAny(a, "*?") || !strings.Contains(a, ":") {
				out = append(out, fmt.Sprintf("statement %d: action %q is not one literal service:Action", i, a))
			}
		}
		for _, res := range s.Resource {
			if res == "*" && operationLevelOnly(s.Action) {
				continue
			}
			if msg := lintResource(res); msg != "" {
				out = append(out, fmt.Sprintf("statement %d: resource %q: %s", i, res, msg))
			}
		}
	}
	return out
}

// operationLevel are the services that authorize by operation only, with
// no resource ARN: a policy grants their actions on Resource "*". Content
// Moderation (RAM code yundun-greenweb) is one: "the supported
// authorization granularity is OPERATION", every action on "all resources"
// (help.aliyun.com/zh/document_detail/2528739).
var operationLevel = map[string]bool{"yundun-greenweb": true}

// operationLevelOnly reports whether every action of acts is of an
// operationLevel service.
func operationLevelOnly(acts []string) bool {
	for _, a := range acts {
		service, _, _ := strings.Cut(a, ":")
		if !operationLevel[service] {
			return false
		}
	}
	return len(acts) > 0
}

func lintResource(res string) string {
	if res == "*" {
		return "bare wildcard"
	}
	parts := strings.SplitN(res, ":", 5)
	if len(parts) != 5 || parts[0] != "acs" {
		return "not an acs:service:region:account:relative ARN"
	}
	service, account, rel := parts[1], parts[3], parts[4]
	if service == "" || account == "" || strings.ContainsAny(service+account, "*?") {
		return "service and account must be literal"
	}
	if strings.ContainsAny(parts[2], "?") || (strings.Contains(parts[2], "*") && parts[2] != "*") {
		return "region must be literal or *"
	}
	literal := strings.TrimSuffix(rel, "/*")
	if literal == "" || strings.ContainsAny(literal, "*?") {
		return "wildcard outside a trailing /* segment"
	}
	if path.Clean(literal) != literal {
		return "relative part is not a clean path"
	}
	return ""
}
