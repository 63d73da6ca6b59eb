package deploy

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

// RAM holds the policy documents under ram/, with ${name} placeholders:
//
//	sign-policy.json     permission policy of the sign function's execution role
//	record-policy.json   permission policy of the record function's execution role
//	sweep-policy.json    permission policy of the sweep function's execution role
//	trigger-policy.json  permission policy of the role OSS assumes to invoke the record function
//	fc-trust.json        trust policy of the three execution roles (fc.aliyuncs.com)
//	oss-trust.json       trust policy of the trigger role (oss.aliyuncs.com)
//	quarantine-tag-bucket-policy.json
//	                     bucket policy for quarantineMode tag: nobody reads an upload tagged quarantined
//
//go:embed ram/*.json
var RAM embed.FS

// RAMDocuments returns the names of the documents in RAM, sorted.
func RAMDocuments() []string {
	names, _ := fs.Glob(RAM, "ram/*.json")
	for i, n := range names {
		names[i] = strings.TrimPrefix(n, "ram/")
	}
	sort.Strings(names)
	return names
}

var accountID = regexp.MustCompile(`^[0-9]{10,20}$`)

// RAMValues returns the placeholder values of the RAM documents for the
// rendered project p (see Project.Rendered; the stack's outputs it refers
// to are filled in, see WithStackOutputs) and the Alibaba Cloud account
// ID: bucket, region and the three key prefixes as the record function reads
// them from its environment (the sign function must agree), the record
// function's name, and accountId.
func RAMValues(p Project, account string) (map[string]string, error) {
	if !accountID.MatchString(account) {
		return nil, fmt.Errorf("deploy: account ID must be 10-20 digits, got %q", account)
	}
	p = p.WithStackOutputs(account)
	_, rec, ok := p.Function("record")
	if !ok {
		return nil, fmt.Errorf("deploy: no resource with OSSGATE_FUNCTION=record")
	}
	_, sign, ok := p.Function("sign")
	if !ok {
		return nil, fmt.Errorf("deploy: no resource with OSSGATE_FUNCTION=sign")
	}
	v := map[string]string{
		"accountId":      account,
		"region":         rec.Props.Region,
		"recordFunction": rec.Props.FunctionName,
	}
	for name, env := range map[string]string{
		"bucket": "OSSGATE_BUCKET", "uploadPrefix": "OSSGATE_UPLOAD_PREFIX",
		"recordsPrefix": "OSSGATE_RECORDS_PREFIX", "quarantinePrefix": "OSSGATE_QUARANTINE_PREFIX",
	} {
		v[name] = strings.Trim(rec.Props.EnvironmentVariables[env], "/")
		if s := strings.Trim(sign.Props.EnvironmentVariables[env], "/"); s != v[name] {
			return nil, fmt.Errorf("deploy: %s differs between the functions: sign %q, record %q", env, s, v[name])
		}
	}
	if sign.Props.Region != rec.Props.Region {
		return nil, fmt.Errorf("deploy: the functions are in different regions: %q and %q", sign.Props.Region, rec.Props.Region)
	}
	if err := sweepAgrees(p, v); err != nil {
		return nil, err
	}
	return v, nil
}

// RenderRAM renders every document of RAM with values (see Render) and
// checks that each parses as a policy; it returns the documents by name.
func RenderRAM(values map[string]string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, name := range RAMDocuments() {
		raw, err := RAM.ReadFile("ram/" + name)
		if err != nil {
			return nil, fmt.Errorf("deploy: %w", err)
		}
		doc, err := Render(raw, values)
		if err != nil {
			return nil, fmt.Errorf("deploy: %s: %w", name, err)
		}
		if _, err := ParsePolicy(doc); err != nil {
			return nil, fmt.Errorf("deploy: %s: %w", name, err)
		}
		out[name] = doc
	}
	return out, nil
}

// sweepAgrees checks that the sweep function, whose policy uses the same
// bucket and upload prefix, sees the values v holds and runs in their
// region.
func sweepAgrees(p Project, v map[string]string) error {
	_, sw, ok := p.Function("sweep")
	if !ok {
		return fmt.Errorf("deploy: no resource with OSSGATE_FUNCTION=sweep")
	}
	for name, env := range map[string]string{"bucket": "OSSGATE_BUCKET", "uploadPrefix": "OSSGATE_UPLOAD_PREFIX"} {
		if s := strings.Trim(sw.Props.EnvironmentVariables[env], "/"); s != v[name] {
			return fmt.Errorf("deploy: %s differs between the functions: sweep %q, record %q", env, s, v[name])
		}
	}
	if sw.Props.Region != v["region"] {
		return fmt.Errorf("deploy: the sweep function is in region %q, the others in %q", sw.Props.Region, v["region"])
	}
	return nil
}
