package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The ROS template is checked against the property definitions of the
// official ROS CDK packages (@alicloud/ros-cdk-oss and -ram, pinned in
// deploy/package.json): their lib/*.generated.js maps each resource type's
// properties to the template (rosXxxPropsToRosTemplate: every property the
// type defines, nested types through their own mappers) and validates them
// (XxxPropsValidator: required properties, allowed values, types). The
// definitions are read from that generated code, not run.

// rosMapper is one generated ...ToRosTemplate function: the template
// properties it writes, and the validator it runs.
type rosMapper struct {
	props     map[string]rosProp // by template (PascalCase) name
	validator string
}

type rosProp struct {
	camel  string // the CDK property name the validator checks
	nested string // the mapper of an object-typed property; "" for scalars and free-form values
	list   bool   // a list of nested
	kind   string // "string", "number", "boolean" or "" (any)
}

type rosValidator struct {
	required map[string]bool
	allowed  map[string][]string
}

type rosSpec struct {
	types      map[string]string // resource type → its props mapper
	mappers    map[string]rosMapper
	validators map[string]rosValidator
}

var (
	reType      = regexp.MustCompile(`(?s)class (Ros\w+) extends ros\.RosResource \{.*?renderProperties\(props\) \{\s*return (\w+)\(props`)
	reTypeName  = regexp.MustCompile(`(Ros\w+)\.ROS_RESOURCE_TYPE_NAME = "([^"]+)"`)
	reMapper    = regexp.MustCompile(`(?s)\nfunction (\w+ToRosTemplate)\(properties[^)]*\) \{(.*?)\n\}\n`)
	reEntry     = regexp.MustCompile(`'(\w+)': (.*)\(properties\.(\w+)\),`)
	reValidate  = regexp.MustCompile(`(\w+Validator)\(properties\)\.assertSuccess\(\)`)
	reValidator = regexp.MustCompile(`(?s)\nfunction (\w+Validator)\(properties\) \{(.*?)\n\}\n`)
	reRequired  = regexp.MustCompile(`ros\.propertyValidator\('(\w+)', ros\.requiredValidator\)`)
	reAllowed   = regexp.MustCompile(`(?s)ros\.propertyValidator\('(\w+)', ros\.validateAllowedValues\)\(\{\s*data: properties\.\w+,\s*allowedValues: (\[[^\]]*\])`)
	reNested    = regexp.MustCompile(`(ros\w+PropertyToRosTemplate)`)
)

// loadROSSpec reads the generated definitions of the given packages from
// deploy/node_modules.
func loadROSSpec(t *testing.T, packages ...string) rosSpec {
	t.Helper()
	spec := rosSpec{types: map[string]string{}, mappers: map[string]rosMapper{}, validators: map[string]rosValidator{}}
	for _, pkg := range packages {
		files, _ := filepath.Glob(filepath.Join(repoRoot, "deploy", "node_modules", "@alicloud", pkg, "lib", "*.generated.js"))
		if len(files) == 0 {
			msg := "the ROS CDK package " + pkg + " is not installed (make deps installs deploy/node_modules)"
			if os.Getenv("OSSGATE_REQUIRE_ORACLE") == "1" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			spec.add(string(b))
		}
	}
	return spec
}

func (s rosSpec) add(js string) {
	classMapper := map[string]string{}
	for _, m := range reType.FindAllStringSubmatch(js, -1) {
		classMapper[m[1]] = m[2]
	}
	for _, m := range reTypeName.FindAllStringSubmatch(js, -1) {
		if mapper, ok := classMapper[m[1]]; ok {
			s.types[m[2]] = mapper
		}
	}
	for _, m := range reMapper.FindAllStringSubmatch(js, -1) {
		mp := rosMapper{props: map[string]rosProp{}}
		if v := reValidate.FindStringSubmatch(m[2]); v != nil {
			mp.validator = v[1]
		}
		for _, e := range reEntry.FindAllStringSubmatch(m[2], -1) {
			p := rosProp{camel: e[3], list: strings.Contains(e[2], "listMapper(")}
			if n := reNested.FindStringSubmatch(e[2]); n != nil {
				p.nested = n[1]
			}
			for _, k := range []string{"string", "number", "boolean"} {
				if e[2] == "ros."+k+"ToRosTemplate" {
					p.kind = k
				}
			}
			mp.props[e[1]] = p
		}
		s.mappers[m[1]] = mp
	}
	for _, m := range reValidator.FindAllStringSubmatch(js, -1) {
		v := rosValidator{required: map[string]bool{}, allowed: map[string][]string{}}
		for _, r := range reRequired.FindAllStringSubmatch(m[2], -1) {
			v.required[r[1]] = true
		}
		for _, a := range reAllowed.FindAllStringSubmatch(m[2], -1) {
			var vals []any
			if json.Unmarshal([]byte(a[2]), &vals) == nil {
				for _, x := range vals {
					v.allowed[a[1]] = append(v.allowed[a[1]], fmt.Sprint(x))
				}
			}
		}
		s.validators[m[1]] = v
	}
}

// check returns the problems of the template's resources: a type the
// packages do not define, a property the type does not define (at any
// depth), a missing required property, a value outside the allowed ones or
// of the wrong type. Intrinsic functions are followed where their result
// is a literal (both branches of Fn::If) and trusted elsewhere.
func (s rosSpec) check(template map[string]any) []string {
	var out []string
	resources, _ := template["Resources"].(map[string]any)
	for id, r := range resources {
		rm, _ := r.(map[string]any)
		typ, _ := rm["Type"].(string)
		mapper, ok := s.types[typ]
		if !ok {
			out = append(out, fmt.Sprintf("Resources.%s: type %q is not defined by the ROS CDK packages checked", id, typ))
			continue
		}
		out = append(out, s.object("Resources."+id+".Properties", mapper, rm["Properties"])...)
	}
	sort.Strings(out)
	return out
}

func (s rosSpec) object(path, mapper string, v any) []string {
	var out []string
	for _, alt := range literal(v) {
		m, ok := alt.(map[string]any)
		if !ok {
			out = append(out, fmt.Sprintf("%s: want an object, got %v", path, alt))
			continue
		}
		mp, ok := s.mappers[mapper]
		if !ok {
			out = append(out, fmt.Sprintf("%s: no definition %s", path, mapper))
			continue
		}
		val := s.validators[mp.validator]
		present := map[string]bool{}
		for key, pv := range m {
			p, ok := mp.props[key]
			if !ok {
				known := make([]string, 0, len(mp.props))
				for k := range mp.props {
					known = append(known, k)
				}
				sort.Strings(known)
				out = append(out, fmt.Sprintf("%s.%s: not a property the vendor defines (defined: %s)", path, key, strings.Join(known, ", ")))
				continue
			}
			present[p.camel] = true
			out = append(out, s.value(path+"."+key, p, val.allowed[p.camel], pv)...)
		}
		for camel := range val.required {
			if !present[camel] {
				out = append(out, fmt.Sprintf("%s: required property %s missing", path, pascal(mp, camel)))
			}
		}
	}
	return out
}

func (s rosSpec) value(path string, p rosProp, allowed []string, v any) []string {
	var out []string
	for _, alt := range literal(v) {
		switch {
		case p.nested != "" && p.list:
			list, ok := alt.([]any)
			if !ok {
				out = append(out, fmt.Sprintf("%s: want a list, got %v", path, alt))
				continue
			}
			for i, e := range list {
				out = append(out, s.object(fmt.Sprintf("%s[%d]", path, i), p.nested, e)...)
			}
		case p.nested != "":
			out = append(out, s.object(path, p.nested, alt)...)
		default:
			if !kindOK(p.kind, alt) {
				out = append(out, fmt.Sprintf("%s: want a %s, got %v", path, p.kind, alt))
			}
			if str, ok := alt.(string); ok && len(allowed) > 0 && !slices.Contains(allowed, str) {
				out = append(out, fmt.Sprintf("%s: %q is not one of %q", path, str, allowed))
			}
		}
	}
	return out
}

// literal returns the values v may take: v itself, both branches of an
// Fn::If (without ALIYUN::NoValue), nothing for another intrinsic function
// (its value is the engine's).
func literal(v any) []any {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return []any{v}
	}
	for k, arg := range m {
		if k == "Fn::If" {
			args, _ := arg.([]any)
			if len(args) != 3 {
				return []any{v}
			}
			return append(literal(args[1]), literal(args[2])...)
		}
		if k == "Ref" || strings.HasPrefix(k, "Fn::") { // a parameter (or ALIYUN::NoValue), or the engine's value
			return nil
		}
	}
	return []any{v}
}

func kindOK(kind string, v any) bool {
	switch kind {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	}
	return true
}

func pascal(mp rosMapper, camel string) string {
	for k, p := range mp.props {
		if p.camel == camel {
			return k
		}
	}
	return camel
}

// TestROSTemplateMatchesTheCDK checks every resource of the ROS template
// against the vendor's definitions.
func TestROSTemplateMatchesTheCDK(t *testing.T) {
	spec := loadROSSpec(t, "ros-cdk-oss", "ros-cdk-ram")
	for _, typ := range []string{"ALIYUN::OSS::Bucket", "ALIYUN::RAM::Role"} {
		if _, ok := spec.types[typ]; !ok {
			t.Fatalf("no definition of %s found in the ROS CDK packages (their generated code changed?)", typ)
		}
	}
	for _, p := range spec.check(template(t)) {
		t.Error(p)
	}
}

// TestROSSpecRefuses checks that the definitions refuse what the vendor
// does not define, at the top and deep inside, and its own rules.
func TestROSSpecRefuses(t *testing.T) {
	spec := loadROSSpec(t, "ros-cdk-oss", "ros-cdk-ram")
	tests := []struct {
		name string
		edit func(res map[string]any)
		want string
	}{
		{"unknown bucket property", func(r map[string]any) { prop(r, "Bucket")["Acl"] = "private" }, "Resources.Bucket.Properties.Acl: not a property the vendor defines"},
		{"unknown lifecycle field", func(r map[string]any) {
			rule := prop(r, "Bucket")["LifecycleConfiguration"].(map[string]any)["Rule"].([]any)[0].(map[string]any)
			rule["AbortIncompleteMultipartUpload"] = rule["AbortMultipartUpload"]
		}, "Rule[0].AbortIncompleteMultipartUpload: not a property the vendor defines"},
		{"unknown CORS field in a branch", func(r map[string]any) {
			cors := prop(r, "Bucket")["CORSConfiguration"].(map[string]any)["Fn::If"].([]any)[1].(map[string]any)
			cors["CORSRule"].([]any)[0].(map[string]any)["AllowedMethods"] = []any{"GET"}
		}, "CORSRule[0].AllowedMethods: not a property the vendor defines"},
		{"bad ACL", func(r map[string]any) { prop(r, "Bucket")["AccessControl"] = "secret" }, `"secret" is not one of`},
		{"role without trust", func(r map[string]any) { delete(prop(r, "SignRole"), "AssumeRolePolicyDocument") }, "Resources.SignRole.Properties: required property AssumeRolePolicyDocument missing"},
		{"unknown policy field", func(r map[string]any) {
			prop(r, "SignRole")["Policies"].([]any)[0].(map[string]any)["Document"] = map[string]any{}
		}, "Policies[0].Document: not a property the vendor defines"},
		{"unknown type", func(r map[string]any) { r["Bucket"].(map[string]any)["Type"] = "ALIYUN::OSS::Buckets" }, `type "ALIYUN::OSS::Buckets" is not defined`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := template(t)
			tt.edit(tm["Resources"].(map[string]any))
			if got := strings.Join(spec.check(tm), "\n"); !strings.Contains(got, tt.want) {
				t.Errorf("problems lack %q; got:\n%s", tt.want, got)
			}
		})
	}
}

func prop(resources map[string]any, id string) map[string]any {
	return resources[id].(map[string]any)["Properties"].(map[string]any)
}
