// Package deploy holds what ossgate's deployment needs besides s.yaml: the RAM
// policy documents under ram/ (with placeholders such as ${bucket}), their
// rendering from the values in s.yaml, a small evaluator the offline tests
// check the documents with, and the pre-flight check `make deploy` runs.
package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Strings is a policy field that RAM accepts as a string or a list of
// strings; it always marshals as a list.
type Strings []string

// UnmarshalJSON accepts "a" or ["a", "b"].
func (s *Strings) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = Strings{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("deploy: want a string or a list of strings: %w", err)
	}
	*s = many
	return nil
}

// Policy is a RAM policy document: a permission policy (Action, Resource,
// Condition), a trust policy (Action sts:AssumeRole, Principal) or an OSS
// bucket policy (Principal, Action, Resource, Condition).
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Policy.
type Statement struct {
	Effect    string                        `json:"Effect"`
	Action    Strings                       `json:"Action"`
	Resource  Strings                       `json:"Resource,omitempty"`
	Principal *Principal                    `json:"Principal,omitempty"`
	Condition map[string]map[string]Strings `json:"Condition,omitempty"`
}

// Principal is a statement's Principal: in a trust policy an object of
// principal kinds to names ({"Service": ["fc.aliyuncs.com"]}), in an OSS
// bucket policy a list of account or user ids, "*" for everyone.
type Principal struct {
	Kinds map[string]Strings // trust policy form
	IDs   Strings            // bucket policy form
}

// UnmarshalJSON accepts either form.
func (p *Principal) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		return json.Unmarshal(b, &p.Kinds)
	}
	return json.Unmarshal(b, &p.IDs)
}

// MarshalJSON writes the form it holds.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Kinds != nil {
		return json.Marshal(p.Kinds)
	}
	return json.Marshal(p.IDs)
}

// ParsePolicy decodes a rendered policy document strictly: unknown fields,
// trailing data, an empty statement list, a version other than "1" or an
// effect other than Allow/Deny are errors.
func ParsePolicy(doc []byte) (Policy, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return Policy{}, fmt.Errorf("deploy: policy: %w", err)
	}
	if dec.More() {
		return Policy{}, errors.New("deploy: policy: trailing data after the document")
	}
	if p.Version != "1" {
		return Policy{}, fmt.Errorf("deploy: policy: Version must be \"1\", got %q", p.Version)
	}
	if len(p.Statement) == 0 {
		return Policy{}, errors.New("deploy: policy: no Statement")
	}
	for i, s := range p.Statement {
		if s.Effect != "Allow" && s.Effect != "Deny" {
			return Policy{}, fmt.Errorf("deploy: policy: statement %d: Effect must be Allow or Deny, got %q", i, s.Effect)
		}
		if len(s.Action) == 0 {
			return Policy{}, fmt.Errorf("deploy: policy: statement %d: no Action", i)
		}
	}
	return p, nil
}

var placeholder = regexp.MustCompile(`\$\{([A-Za-z][A-Za-z0-9]*)\}`)

// Placeholders returns the names of the ${name} placeholders in doc, sorted
// and without duplicates.
func Placeholders(doc []byte) []string {
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllSubmatch(doc, -1) {
		seen[string(m[1])] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Render replaces every ${name} in doc with values[name]. A placeholder
// without a value, an empty value, or a value holding a character that
// could widen a RAM pattern or break the JSON string (`*`, `?`, `"`, `\`,
// `$`, whitespace) is an error naming every offending placeholder.
func Render(doc []byte, values map[string]string) ([]byte, error) {
	var bad []string
	for _, n := range Placeholders(doc) {
		v, ok := values[n]
		switch {
		case !ok || v == "":
			bad = append(bad, n+" (no value)")
		case strings.ContainsAny(v, "*?\"\\$ \t\r\n"):
			bad = append(bad, fmt.Sprintf("%s (value %q has a wildcard or unsafe character)", n, v))
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("deploy: render: %s", strings.Join(bad, ", "))
	}
	return placeholder.ReplaceAllFunc(doc, func(m []byte) []byte {
		return []byte(values[string(placeholder.FindSubmatch(m)[1])])
	}), nil
}
