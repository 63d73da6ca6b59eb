package fcemu

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// FC3Async is one function's asyncInvokeConfig in a Serverless Devs
// project (s.yaml), as the fc3 component's schema defines it (src/schema.json
// in github.com/devsapp/fc3: IAsyncInvokeConfig, IDestinationConfig).
type FC3Async struct {
	MaxAsyncRetryAttempts     *int            `yaml:"maxAsyncRetryAttempts"`     // 0 to 8; default 3
	MaxAsyncEventAgeInSeconds *int            `yaml:"maxAsyncEventAgeInSeconds"` // 1 to 2592000; default 18000
	DestinationConfig         FC3Destinations `yaml:"destinationConfig"`
	AsyncTask                 bool            `yaml:"asyncTask"`
	Qualifier                 string          `yaml:"qualifier"`
}

// FC3Destinations is an asyncInvokeConfig's destinationConfig.
type FC3Destinations struct {
	OnSuccess *FC3Destination `yaml:"onSuccess"`
	OnFailure *FC3Destination `yaml:"onFailure"`
}

// FC3Destination names a destination by its ARN.
type FC3Destination struct {
	Destination string `yaml:"destination"`
}

// ReadFC3Async returns the asyncInvokeConfig of resource in the project
// text sYAML, and whether it has one. Only that part of the project is
// read; ${...} variables are left as they are.
func ReadFC3Async(sYAML []byte, resource string) (FC3Async, bool, error) {
	var p struct {
		Resources map[string]struct {
			Props struct {
				AsyncInvokeConfig *FC3Async `yaml:"asyncInvokeConfig"`
			} `yaml:"props"`
		} `yaml:"resources"`
	}
	if err := yaml.Unmarshal(sYAML, &p); err != nil {
		return FC3Async{}, false, fmt.Errorf("fcemu: project: %w", err)
	}
	r, ok := p.Resources[resource]
	if !ok {
		return FC3Async{}, false, fmt.Errorf("fcemu: project: no resource %q", resource)
	}
	if r.Props.AsyncInvokeConfig == nil {
		return FC3Async{}, false, nil
	}
	return *r.Props.AsyncInvokeConfig, true, nil
}

// Apply sets c's retries and maximum event age from f, refusing values
// outside the ranges the fc3 schema allows. Destinations are the caller's
// to resolve (FunctionOf names the function of an ARN).
func (f FC3Async) Apply(c *AsyncConfig) error {
	if n := f.MaxAsyncRetryAttempts; n != nil {
		if *n < 0 || *n > 8 {
			return fmt.Errorf("fcemu: maxAsyncRetryAttempts %d: want 0 to 8", *n)
		}
		c.MaxRetries = *n
		if *n == 0 {
			c.MaxRetries = -1
		}
	}
	if s := f.MaxAsyncEventAgeInSeconds; s != nil {
		if *s < 1 || *s > 2592000 {
			return fmt.Errorf("fcemu: maxAsyncEventAgeInSeconds %d: want 1 to 2592000", *s)
		}
		c.MaxEventAge = time.Duration(*s) * time.Second
	}
	return nil
}

// FunctionOf returns the name of the function an FC destination ARN names
// (acs:fc:{region}:{account}:functions/{name}, optionally followed by
// /{qualifier} or :{qualifier}). Other destinations (MNS, EventBridge,
// RocketMQ) are an error: the emulator delivers to functions only.
func FunctionOf(arn string) (string, error) {
	if !strings.HasPrefix(arn, "acs:fc:") {
		return "", fmt.Errorf("fcemu: destination %q: only FC function destinations (acs:fc:...:functions/NAME) are emulated", arn)
	}
	_, name, ok := strings.Cut(arn, ":functions/")
	if i := strings.IndexAny(name, "/:"); i >= 0 {
		name = name[:i]
	}
	if !ok || name == "" {
		return "", errors.New("fcemu: destination " + arn + ": no function name after :functions/")
	}
	return name, nil
}
