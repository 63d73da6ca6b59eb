package deploy

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
)

// Project is the part of a Serverless Devs project (s.yaml, or the JSON that
// `s preview -o json` renders from it) that ossgate relies on. Decoding is
// strict: a misspelt fc3 property is an error, not a silently ignored key.
type Project struct {
	Edition   string              `yaml:"edition"`
	Name      string              `yaml:"name"`
	Access    string              `yaml:"access"`
	Vars      map[string]string   `yaml:"vars"`
	Resources map[string]Resource `yaml:"resources"`
}

// Resource is one resource of the project.
type Resource struct {
	Component string `yaml:"component"`
	Props     Props  `yaml:"props"`
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
		OnSuccess *struct {
			Destination string `yaml:"destination"`
		} `yaml:"onSuccess"`
		OnFailure *struct {
			Destination string `yaml:"destination"`
		} `yaml:"onFailure"`
	} `yaml:"destinationConfig"`
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

// ParseProject decodes s.yaml text or `s preview -o json` output.
func ParseProject(text []byte) (Project, error) {
	var p Project
	if err := yaml.UnmarshalWithOptions(text, &p, yaml.Strict()); err != nil {
		return Project{}, fmt.Errorf("deploy: project: %w", err)
	}
	if p.Edition != "3.0.0" {
		return Project{}, fmt.Errorf("deploy: project: edition must be 3.0.0, got %q", p.Edition)
	}
	return p, nil
}

// LoadProject reads and decodes the project file at path.
func LoadProject(path string) (Project, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Project{}, fmt.Errorf("deploy: %w", err)
	}
	return ParseProject(b)
}

// Function returns the name of the resource whose OSSGATE_FUNCTION is fn
// ("sign", "record" or "sweep") and the resource; ok is false when there is
// none.
func (p Project) Function(fn string) (name string, r Resource, ok bool) {
	for n, r := range p.Resources {
		if r.Props.EnvironmentVariables["OSSGATE_FUNCTION"] == fn {
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

// Resolve interpolates s the way Serverless Devs does for the forms ossgate
// uses: ${vars.name}, ${env('X')}, ${env('X', 'default')} and
// ${config('Key')}. A reference it cannot resolve (an unknown var, a
// missing config key) is an error; an unset env() without default is "".
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
			return v
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
	if strings.Contains(out, "${") {
		return "", fmt.Errorf("deploy: resolve %q: unsupported ${...} form", s)
	}
	return out, nil
}

// Rendered returns a copy of p with every string property ossgate sets
// resolved by Resolve (vars are literal and stay as they are). The first
// unresolvable reference is returned as the error.
func (p Project) Rendered(e Env) (Project, error) {
	out := p
	out.Resources = make(map[string]Resource, len(p.Resources))
	var first error
	res := func(s string) string {
		v, err := p.Resolve(s, e)
		if err != nil && first == nil {
			first = err
		}
		return v
	}
	for name, r := range p.Resources {
		pr := r.Props
		for _, f := range []*string{&pr.Region, &pr.FunctionName, &pr.Runtime, &pr.Handler, &pr.Code, &pr.Role, &pr.LogConfig} {
			*f = res(*f)
		}
		env := make(map[string]string, len(pr.EnvironmentVariables))
		for k, v := range pr.EnvironmentVariables {
			env[k] = res(v)
		}
		pr.EnvironmentVariables = env
		if v := pr.VPCConfig; v != nil {
			rv := VPCConfig{VpcID: res(v.VpcID), SecurityGroupID: res(v.SecurityGroupID)}
			for _, id := range v.VSwitchIDs {
				rv.VSwitchIDs = append(rv.VSwitchIDs, res(id))
			}
			pr.VPCConfig = &rv
		}
		pr.Triggers = append([]Trigger(nil), pr.Triggers...)
		for i := range pr.Triggers {
			t := &pr.Triggers[i]
			t.SourceArn, t.InvocationRole = res(t.SourceArn), res(t.InvocationRole)
			if t.TriggerConfig.Filter != nil {
				f := *t.TriggerConfig.Filter
				f.Key.Prefix, f.Key.Suffix = res(f.Key.Prefix), res(f.Key.Suffix)
				t.TriggerConfig.Filter = &f
			}
		}
		out.Resources[name] = Resource{Component: r.Component, Props: pr}
	}
	return out, first
}
