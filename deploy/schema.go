package deploy

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Schemas holds the vendors' JSON schemas of the components' props (see
// schemas/SOURCE.md): fc3.schema.json and fc3-domain.schema.json.
//
//go:embed schemas/*.schema.json
var Schemas embed.FS

var schemas struct {
	once      sync.Once
	byC       map[string]*jsonschema.Schema
	byTrigger map[string]*jsonschema.Schema // fc3's trigger configs by triggerType
	err       error
}

// triggerConfigs names fc3's definition of each trigger type's
// triggerConfig. The schema lets a triggerConfig be any of them (and one,
// IOtsConfig, is any object), so the type picks the one it must match.
var triggerConfigs = map[string]string{
	"oss": "IOssTriggerConfig", "http": "IHttpTriggerConfig", "timer": "ITimerTriggerConfig",
	"log": "ILogTriggerConfig", "mns_topic": "IMnsTriggerConfig", "cdn_events": "ICdnTriggerConfig",
	"eventbridge": "IEventBridge",
}

// componentSchema returns the closed schema of component ("fc3",
// "fc3-domain"), nil when there is none.
func componentSchema(component string) (*jsonschema.Schema, error) {
	schemas.once.Do(func() {
		schemas.byC, schemas.byTrigger = map[string]*jsonschema.Schema{}, map[string]*jsonschema.Schema{}
		c := jsonschema.NewCompiler()
		for _, name := range []string{"fc3", "fc3-domain"} {
			b, err := Schemas.ReadFile("schemas/" + name + ".schema.json")
			if err != nil {
				schemas.err = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				schemas.err = fmt.Errorf("deploy: %s schema: %w", name, err)
				return
			}
			url := "file:///" + name + ".schema.json"
			if err := c.AddResource(url, closeSchema(doc)); err != nil {
				schemas.err = err
				return
			}
			if schemas.byC[name], err = c.Compile(url); err != nil {
				schemas.err = fmt.Errorf("deploy: %s schema: %w", name, err)
				return
			}
		}
		for typ, def := range triggerConfigs {
			var err error
			if schemas.byTrigger[typ], err = c.Compile("file:///fc3.schema.json#/definitions/" + def); err != nil {
				schemas.err = fmt.Errorf("deploy: fc3 schema: %w", err)
				return
			}
		}
	})
	return schemas.byC[component], schemas.err
}

// closeSchema sets additionalProperties to false in every object schema
// of doc that lists properties and says nothing about others, so that a
// property the vendor does not define is refused. The conditions of
// if/then/else are left open: they test one property of the whole.
func closeSchema(doc any) any {
	switch t := doc.(type) {
	case map[string]any:
		for k, v := range t {
			if k != "if" {
				t[k] = closeSchema(v)
			}
		}
		if _, ok := t["properties"].(map[string]any); ok {
			if _, set := t["additionalProperties"]; !set {
				t["additionalProperties"] = false
			}
		}
	case []any:
		for i, v := range t {
			t[i] = closeSchema(v)
		}
	}
	return doc
}

// ValidateProps checks the props of a resource of component against the
// component's closed schema and returns one line per violation, sorted;
// none for a component without a schema.
func ValidateProps(component string, props any) ([]string, error) {
	sch, err := componentSchema(component)
	if err != nil || sch == nil {
		return nil, err
	}
	b, err := json.Marshal(props)
	if err != nil {
		return nil, fmt.Errorf("deploy: %s props: %w", component, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("deploy: %s props: %w", component, err)
	}
	out := violations("", sch.Validate(inst))
	if component == "fc3" {
		out = append(out, triggerViolations(inst)...)
	}
	sort.Strings(out)
	return out, nil
}

// triggerViolations checks each trigger's triggerConfig of fc3 props inst
// against the definition of its triggerType.
func triggerViolations(inst any) []string {
	m, _ := inst.(map[string]any)
	triggers, _ := m["triggers"].([]any)
	var out []string
	for i, t := range triggers {
		tm, _ := t.(map[string]any)
		typ, _ := tm["triggerType"].(string)
		loc := fmt.Sprintf("/triggers/%d/triggerConfig", i)
		sch, ok := schemas.byTrigger[typ]
		if !ok {
			out = append(out, fmt.Sprintf("/triggers/%d/triggerType: no triggerConfig definition for %q", i, typ))
			continue
		}
		out = append(out, violations(loc, sch.Validate(tm["triggerConfig"]))...)
	}
	return out
}

// violations renders a validation error as one line per innermost cause,
// its instance location under prefix.
func violations(prefix string, err error) []string {
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return nil
	}
	var out []string
	en := message.NewPrinter(language.English)
	for _, u := range leaves(verr) {
		loc := prefix + "/" + strings.Join(u.InstanceLocation, "/")
		out = append(out, fmt.Sprintf("%s: %s", loc, u.ErrorKind.LocalizedString(en)))
	}
	return out
}

// leaves returns the innermost causes of e (the violations themselves).
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}
