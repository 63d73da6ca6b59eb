package deploy

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// go1Props are the fc3 function properties ossgate sets for a function on
// the go1 runtime, each one FC 3.0 accepts for a built-in runtime. FC 3.0
// rejects instanceConcurrency for built-in runtimes (its 2-to-3 converter
// deletes it), so it is not among them; adding a property to Props means
// adding it here, after checking the fc3 component accepts it for go1.
var go1Props = []string{
	"asyncInvokeConfig", "code", "description", "environmentVariables", "functionName", "handler", "logConfig",
	"memorySize", "region", "role", "runtime", "timeout", "triggers", "vpcConfig",
}

// TestSYAMLNoInstanceConcurrencyOnGo1 checks that s.yaml and the strict
// decoder agree with FC 3.0 about go1: the decoder knows exactly the
// properties of go1Props, and a project that sets instanceConcurrency on a
// go1 function is refused with a message that names it.
func TestSYAMLNoInstanceConcurrencyOnGo1(t *testing.T) {
	var known []string
	rt := reflect.TypeFor[Props]()
	for i := range rt.NumField() {
		known = append(known, strings.Split(rt.Field(i).Tag.Get("yaml"), ",")[0])
	}
	slices.Sort(known)
	if d := cmp.Diff(go1Props, known); d != "" {
		t.Errorf("Props decodes other fc3 properties than go1Props lists (-go1Props +Props):\n%s", d)
	}
	loadSYAML(t) // s.yaml itself must decode
	text := `edition: 3.0.0
name: x
resources:
  sign:
    component: fc3
    props:
      runtime: go1
      instanceConcurrency: 1
`
	_, err := ParseProject([]byte(text))
	if err == nil || !strings.Contains(err.Error(), "instanceConcurrency") {
		t.Errorf("a go1 function with instanceConcurrency: got %v, want an error naming instanceConcurrency", err)
	}
}
