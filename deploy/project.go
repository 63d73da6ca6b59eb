package deploy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
)

// Project is the part of a Serverless Devs project (s.yaml, or the JSON that
// `s preview -o json` renders from it) that ossgate relies on. Decoding is
// strict: a misspelt fc3 or ros property is an error, not a silently
// ignored key.
type Project struct {
	Edition   string              `yaml:"edition"`
	Name      string              `yaml:"name"`
	Access    string              `yaml:"access"`
	Vars      map[string]any      `yaml:"vars"`
	Resources map[string]Resource `yaml:"resources"`
}

// Resource is one resource of the project: an fc3 function (Props), the
// ros stack (ROS), or another component's props as they are (Other, e.g.
// fc3-domain's, checked against that component's schema).
type Resource struct {
	Component string
	Props     Props
	ROS       *ROSProps
	Other     map[string]any
	// Raw is the props exactly as written, for the vendors' schemas.
	Raw any
}

// MarshalYAML writes the resource as s.yaml holds it: its component and,
// as written, its props.
func (r Resource) MarshalYAML() (any, error) {
	return map[string]any{"component": r.Component, "props": r.Raw}, nil
}

// ROSProps are the props of Serverless Devs' ros component (devsapp/ros:
// region, stack name, template path, parameters).
type ROSProps struct {
	Region     string            `yaml:"region"`
	Name       string            `yaml:"name"`
	Template   string            `yaml:"template"`
	Parameters map[string]string `yaml:"parameters"`
}

// Props are the fc3 function properties ossgate sets (names as in the fc3
// component's IFunction type), each one FC 3.0 accepts for the go1 runtime.
// instanceConcurrency is deliberately absent: FC 3.0 does not support it for
// built-in runtimes, so the strict decoder refuses it.
type Props struct {
	Region               string            `yaml:"region"`
	FunctionName         string            `yaml:"functionName"`
	Description          string            `yaml:"description"`
	Runtime              string            `yaml:"runtime"`
	Handler              string            `yaml:"handler"`
	Code                 string            `yaml:"code"`
	MemorySize           int               `yaml:"memorySize"`
	Timeout              int               `yaml:"timeout"`
	Role                 string            `yaml:"role"`
	LogConfig            string            `yaml:"logConfig"`
	VPCConfig            *VPCConfig        `yaml:"vpcConfig"`
	EnvironmentVariables map[string]string `yaml:"environmentVariables"`
	Triggers             []Trigger         `yaml:"triggers"`
	AsyncInvokeConfig    *AsyncInvoke      `yaml:"asyncInvokeConfig"`
}

// AsyncInvoke is an fc3 function's asyncInvokeConfig (the fc3 schema's
// IAsyncInvokeConfig): retries, the maximum event age and the destinations
// of its asynchronous (OSS-triggered) invocations.
type AsyncInvoke struct {
	MaxAsyncRetryAttempts     *int `yaml:"maxAsyncRetryAttempts"`
	MaxAsyncEventAgeInSeconds *int `yaml:"maxAsyncEventAgeInSeconds"`
	DestinationConfig         struct {
		OnSuccess *Destination `yaml:"onSuccess"`
		OnFailure *Destination `yaml:"onFailure"`
	} `yaml:"destinationConfig"`
}

// Destination is an async invocation destination: an ARN (a function's,
// for ossgate).
type Destination struct {
	Destination string `yaml:"destination"`
}

// VPCConfig is an fc3 function's vpcConfig: the VPC its instances join,
// to reach a database by its internal address.
type VPCConfig struct {
	VpcID           string   `yaml:"vpcId"`
	VSwitchIDs      []string `yaml:"vSwitchIds"`
	SecurityGroupID string   `yaml:"securityGroupId"`
}

// Trigger is an fc3 trigger (names as in the fc3 component's ITrigger).
type Trigger struct {
	TriggerName    string        `yaml:"triggerName"`
	TriggerType    string        `yaml:"triggerType"`
	Description    string        `yaml:"description"`
	Qualifier      string        `yaml:"qualifier"`
	SourceArn      string        `yaml:"sourceArn"`
	InvocationRole string        `yaml:"invocationRole"`
	TriggerConfig  TriggerConfig `yaml:"triggerConfig"`
}

// TriggerConfig holds the fields of the HTTP, OSS and timer trigger
// configurations.
type TriggerConfig struct {
	AuthType           string    `yaml:"authType"`
	Methods            []string  `yaml:"methods"`
	DisableURLInternet bool      `yaml:"disableURLInternet"`
	Events             []string  `yaml:"events"`
	Filter             *OSSFiler `yaml:"filter"`

	// The timer trigger's (FC 3.0 TimerTriggerConfig).
	CronExpression string `yaml:"cronExpression"`
	Enable         *bool  `yaml:"enable"`
	Payload        string `yaml:"payload"`
}

// OSSFiler is the key filter of an OSS trigger.
type OSSFiler struct {
	Key struct {
		Prefix string `yaml:"prefix"`
		Suffix string `yaml:"suffix"`
	} `yaml:"key"`
}

// rawProject is a project file as written: s.yaml, or a file that extends
// one (`extend: s.yaml`, adding resources).
type rawProject struct {
	Extend    string         `yaml:"extend"`
	Edition   string         `yaml:"edition"`
	Name      string         `yaml:"name"`
	Access    string         `yaml:"access"`
	Vars      map[string]any `yaml:"vars"`
	Resources map[string]struct {
		Component string `yaml:"component"`
		Props     any    `yaml:"props"`
	} `yaml:"resources"`
}

// ParseProject decodes s.yaml text or `s preview -o json` output.
func ParseProject(text []byte) (Project, error) {
	var raw rawProject
	if err := yaml.UnmarshalWithOptions(text, &raw, yaml.Strict()); err != nil {
		return Project{}, fmt.Errorf("deploy: project: %w", err)
	}
	if raw.Extend != "" {
		return Project{}, errors.New("deploy: project: extends another: load it with LoadProject")
	}
	if raw.Edition != "3.0.0" {
		return Project{}, fmt.Errorf("deploy: project: edition must be 3.0.0, got %q", raw.Edition)
	}
	p := Project{Edition: raw.Edition, Name: raw.Name, Access: raw.Access, Vars: raw.Vars, Resources: map[string]Resource{}}
	return p, p.addResources(raw)
}

// addResources decodes the resources of raw into p, each strictly by its
// component.
func (p Project) addResources(raw rawProject) error {
	for name, r := range raw.Resources {
		res := Resource{Component: r.Component, Raw: r.Props}
		var target any
		switch r.Component {
		case "fc3":
			target = &res.Props
		case "ros":
			res.ROS = &ROSProps{}
			target = res.ROS
		default:
			res.Other, _ = r.Props.(map[string]any)
			p.Resources[name] = res
			continue
		}
		b, err := yaml.Marshal(r.Props)
		if err == nil {
			err = yaml.UnmarshalWithOptions(b, target, yaml.Strict())
		}
		if err != nil {
			return fmt.Errorf("deploy: project: %s (%s): %w", name, r.Component, err)
		}
		p.Resources[name] = res
	}
	return nil
}

// LoadProject reads and decodes the project file at path. A file that
// extends another (`extend: s.yaml`, a path relative to it) is that project
// plus its own resources, as Serverless Devs merges them.
func LoadProject(path string) (Project, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Project{}, fmt.Errorf("deploy: %w", err)
	}
	var raw rawProject
	if err := yaml.UnmarshalWithOptions(b, &raw, yaml.Strict()); err != nil {
		return Project{}, fmt.Errorf("deploy: %s: %w", path, err)
	}
	if raw.Extend == "" {
		return ParseProject(b)
	}
	if raw.Edition != "" || raw.Vars != nil || raw.Access != "" {
		return Project{}, fmt.Errorf("deploy: %s: an extension adds resources only", path)
	}
	p, err := LoadProject(filepath.Join(filepath.Dir(path), raw.Extend))
	if err != nil {
		return Project{}, err
	}
	return p, p.addResources(raw)
}

// Function returns the name of the resource whose OSSGATE_FUNCTION is fn
// ("sign", "record" or "sweep") and the resource; ok is false when there is
// none.
func (p Project) Function(fn string) (name string, r Resource, ok bool) {
	for n, r := range p.Resources {
		if r.Component == "fc3" && r.Props.EnvironmentVariables["OSSGATE_FUNCTION"] == fn {
			return n, r, true
		}
	}
	return "", Resource{}, false
}

var magic = regexp.MustCompile(`\$\{\s*(vars\.([A-Za-z0-9_]+)|env\('([^']*)'(?:\s*,\s*'([^']*)')?\)|config\('([A-Za-z]+)'\))\s*\}`)

// Env is where Resolve finds the values of ${env('X')} and
// ${config('AccountID')}: Getenv for the first, Config (the access's keys)
// for the second; either may be nil.
type Env struct {
	Getenv func(string) string
	Config map[string]string
}

// Resolve interpolates s the way `s preview` does for the forms ossgate
// uses: ${vars.name}, ${env('X')}, ${env('X', 'default')} and
// ${config('Key')}; ${resources.NAME.output.KEY}, known only once that
// resource is deployed, stays as it is (see WithStackOutputs). A reference
// it cannot resolve (an unknown var, a missing config key) is an error; an
// unset env() without default is "".
func (p Project) Resolve(s string, e Env) (string, error) {
	var errs []string
	out := magic.ReplaceAllStringFunc(s, func(m string) string {
		g := magic.FindStringSubmatch(m)
		switch {
		case strings.HasPrefix(g[1], "vars."):
			v, ok := p.Vars[g[2]]
			if !ok {
				errs = append(errs, "unknown var "+g[2])
			}
			if v == nil {
				return ""
			}
			return fmt.Sprint(v)
		case strings.HasPrefix(g[1], "env("):
			if e.Getenv != nil {
				if v := e.Getenv(g[3]); v != "" {
					return v
				}
			}
			return g[4]
		default:
			v, ok := e.Config[g[5]]
			if !ok {
				errs = append(errs, "no config key "+g[5])
			}
			return v
		}
	})
	if len(errs) > 0 {
		return "", fmt.Errorf("deploy: resolve %q: %s", s, strings.Join(errs, ", "))
	}
	if strings.Contains(stackOutput.ReplaceAllString(out, ""), "${") {
		return "", fmt.Errorf("deploy: resolve %q: unsupported ${...} form", s)
	}
	return out, nil
}

// Rendered returns a copy of p with every string property ossgate sets
// resolved by Resolve (vars are literal and stay as they are). The first
// unresolvable reference is returned as the error.
func (p Project) Rendered(e Env) (Project, error) {
	var first error
	p = p.wholeVars()
	out := p.mapStrings(func(s string) string {
		v, err := p.Resolve(s, e)
		if err != nil && first == nil {
			first = err
		}
		return v
	})
	return out, first
}

var wholeVar = regexp.MustCompile(`^\$\{vars\.([A-Za-z0-9_]+)\}$`)

// wholeVars returns a copy of p in which a Raw prop that is exactly
// ${vars.name} of a var that is not a string (an object, a list) becomes
// that value, as Serverless Devs substitutes it.
func (p Project) wholeVars() Project {
	out := p
	out.Resources = make(map[string]Resource, len(p.Resources))
	var walk func(v any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case string:
			if m := wholeVar.FindStringSubmatch(t); m != nil {
				if val, ok := p.Vars[m[1]]; ok {
					if _, isString := val.(string); !isString {
						return mapAny(val, func(s string) string { return s })
					}
				}
			}
		case []any:
			out := make([]any, len(t))
			for i, e := range t {
				out[i] = walk(e)
			}
			return out
		case map[string]any:
			out := make(map[string]any, len(t))
			for k, e := range t {
				out[k] = walk(e)
			}
			return out
		}
		return v
	}
	for name, r := range p.Resources {
		r.Raw = walk(r.Raw)
		if r.Other != nil {
			r.Other, _ = r.Raw.(map[string]any)
		}
		out.Resources[name] = r
	}
	return out
}

// mapStrings returns a copy of p with f applied to every string property
// ossgate sets (the fc3 functions' and the ros stack's) and to every string
// of each resource's Raw props.
func (p Project) mapStrings(f func(string) string) Project {
	out := p
	out.Resources = make(map[string]Resource, len(p.Resources))
	for name, r := range p.Resources {
		if r.ROS != nil {
			ros := ROSProps{Region: f(r.ROS.Region), Name: f(r.ROS.Name), Template: f(r.ROS.Template), Parameters: map[string]string{}}
			for k, v := range r.ROS.Parameters {
				ros.Parameters[k] = f(v)
			}
			r.ROS = &ros
		}
		pr := r.Props
		for _, fld := range []*string{&pr.Region, &pr.FunctionName, &pr.Runtime, &pr.Handler, &pr.Code, &pr.Role, &pr.LogConfig} {
			*fld = f(*fld)
		}
		if pr.EnvironmentVariables != nil {
			env := make(map[string]string, len(pr.EnvironmentVariables))
			for k, v := range pr.EnvironmentVariables {
				env[k] = f(v)
			}
			pr.EnvironmentVariables = env
		}
		if v := pr.VPCConfig; v != nil {
			rv := VPCConfig{VpcID: f(v.VpcID), SecurityGroupID: f(v.SecurityGroupID)}
			for _, id := range v.VSwitchIDs {
				rv.VSwitchIDs = append(rv.VSwitchIDs, f(id))
			}
			pr.VPCConfig = &rv
		}
		if a := pr.AsyncInvokeConfig; a != nil {
			ra := *a
			for _, d := range []**Destination{&ra.DestinationConfig.OnSuccess, &ra.DestinationConfig.OnFailure} {
				if *d != nil {
					*d = &Destination{Destination: f((*d).Destination)}
				}
			}
			pr.AsyncInvokeConfig = &ra
		}
		pr.Triggers = append([]Trigger(nil), pr.Triggers...)
		for i := range pr.Triggers {
			t := &pr.Triggers[i]
			t.SourceArn, t.InvocationRole = f(t.SourceArn), f(t.InvocationRole)
			if t.TriggerConfig.Filter != nil {
				fl := *t.TriggerConfig.Filter
				fl.Key.Prefix, fl.Key.Suffix = f(fl.Key.Prefix), f(fl.Key.Suffix)
				t.TriggerConfig.Filter = &fl
			}
		}
		r.Props = pr
		r.Raw = mapAny(r.Raw, f)
		if r.Other != nil {
			r.Other, _ = r.Raw.(map[string]any)
		}
		out.Resources[name] = r
	}
	return out
}

var stackOutput = regexp.MustCompile(`\$\{resources\.([A-Za-z0-9_-]+)\.output\.([A-Za-z0-9_]+)\}`)

// StackOutputs returns what the ros resource's stack outputs (the
// template's Outputs, see ROSTemplate) for its parameters and the account:
// the bucket name and the four role ARNs (left out when account is "").
func (r ROSProps) StackOutputs(account string) map[string]string {
	out := map[string]string{"BucketName": r.Parameters["BucketName"]}
	if account != "" {
		for _, role := range ROSRoles {
			out[role.Output] = "acs:ram::" + account + ":role/" + r.Parameters[role.NameParam]
		}
	}
	return out
}

// WithStackOutputs returns a copy of p in which every
// ${resources.NAME.output.KEY} of a ros resource NAME is replaced by what
// its stack will output (StackOutputs); references it cannot know stay.
func (p Project) WithStackOutputs(account string) Project {
	outputs := map[string]map[string]string{}
	for name, r := range p.Resources {
		if r.ROS != nil {
			outputs[name] = r.ROS.StackOutputs(account)
		}
	}
	return p.mapStrings(func(s string) string {
		return stackOutput.ReplaceAllStringFunc(s, func(m string) string {
			g := stackOutput.FindStringSubmatch(m)
			if v, ok := outputs[g[1]][g[2]]; ok {
				return v
			}
			return m
		})
	})
}

// mapAny returns a copy of v, a decoded YAML or JSON value, with f applied
// to every string in it.
func mapAny(v any, f func(string) string) any {
	switch t := v.(type) {
	case string:
		return f(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = mapAny(e, f)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = mapAny(e, f)
		}
		return out
	}
	return v
}
