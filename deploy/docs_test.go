package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
)

func readDoc(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section returns the text of the markdown section of doc headed title,
// up to the next heading of the same or a higher level.
func section(t *testing.T, doc, title string) string {
	t.Helper()
	i := strings.Index(doc, "\n"+title+"\n")
	if i < 0 {
		t.Fatalf("no section %q", title)
	}
	rest := doc[i+len(title)+2:]
	level := strings.Index(title, " ")
	for _, m := range regexp.MustCompile(`(?m)^#{1,6} `).FindAllStringIndex(rest, -1) {
		if m[1]-m[0]-1 <= level {
			return rest[:m[0]]
		}
	}
	return rest
}

var varName = regexp.MustCompile(`OSSGATE_[A-Z_]*[A-Z]`)

// TestREADMEConfigurationTableNamesEveryVariable checks that the README's
// configuration table names every variable config reads, and no other.
func TestREADMEConfigurationTableNamesEveryVariable(t *testing.T) {
	sec := section(t, readDoc(t, "README.md"), "## Configuration")
	var table []string
	for _, line := range strings.Split(sec, "\n") {
		if strings.HasPrefix(line, "| `OSSGATE_") {
			cell := strings.Split(line, "|")[1]
			table = append(table, varName.FindAllString(cell, -1)...)
		}
	}
	sort.Strings(table)
	want := slices.Clone(config.Vars())
	sort.Strings(want)
	if d := cmp.Diff(want, slices.Compact(table)); d != "" {
		t.Errorf("README's configuration table (-config.Vars +table):\n%s", d)
	}
}

// TestDocsListTheBuiltInProfiles checks that the README names every
// built-in profile and docs/configuration.md shows the built-in set as it
// is.
func TestDocsListTheBuiltInProfiles(t *testing.T) {
	var builtIn map[string]json.RawMessage
	if err := json.Unmarshal([]byte(config.DefaultProfiles), &builtIn); err != nil {
		t.Fatal(err)
	}
	readme := section(t, readDoc(t, "README.md"), "## Configuration")
	row := regexp.MustCompile("(?m)^\\| `OSSGATE_PROFILES` \\|.*$").FindString(readme)
	for name := range builtIn {
		if !strings.Contains(row, "`"+name+"`") {
			t.Errorf("README's OSSGATE_PROFILES row does not name the built-in profile %q: %s", name, row)
		}
	}
	conf := section(t, readDoc(t, "docs/configuration.md"), "## Upload profiles")
	block := regexp.MustCompile("(?s)```json\n(.*?)```").FindStringSubmatch(conf)
	if block == nil {
		t.Fatal("docs/configuration.md shows no built-in profile set")
	}
	got, err := config.ParseProfiles([]byte(block[1]))
	if err != nil {
		t.Fatal(err)
	}
	want, err := config.ParseProfiles([]byte(config.DefaultProfiles))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("docs/configuration.md's built-in profiles differ from config.DefaultProfiles (-code +doc):\n%s", d)
	}
}

// TestOneCORSRule checks that deploy/README's bucket CORS rule is the one
// the stack creates, and that the other docs point to it rather than state
// another.
func TestOneCORSRule(t *testing.T) {
	sec := section(t, readDoc(t, "deploy/README.md"), "## Bucket CORS")
	cell := func(field string) []string {
		m := regexp.MustCompile(`(?m)^\| ` + field + ` \| (.*) \|$`).FindStringSubmatch(sec)
		if m == nil {
			t.Fatalf("deploy/README's CORS table has no %q row", field)
		}
		return regexp.MustCompile("`([^`]*)`").FindAllString(m[1], -1)
	}
	asStrings := func(v []any) []string {
		var out []string
		for _, x := range v {
			out = append(out, "`"+x.(string)+"`")
		}
		return out
	}
	if got, want := cell("allowed methods"), asStrings(CORSMethods); !slices.Equal(got, want) {
		t.Errorf("allowed methods: README %q, stack %q", got, want)
	}
	if got, want := cell("allowed headers"), asStrings(CORSHeaders); !slices.Equal(got, want) {
		t.Errorf("allowed headers: README %q, stack %q", got, want)
	}
	if got := cell("exposed headers"); len(got) != 0 {
		t.Errorf("exposed headers: README %q, the stack exposes none", got)
	}
	clients := readDoc(t, "clients/README.md")
	for _, link := range []string{"deploy/README.md#bucket-cors", "deploy/README.md#mini-program-legal-domains"} {
		if !strings.Contains(clients, link) {
			t.Errorf("clients/README.md does not point to %s", link)
		}
	}
	if strings.Contains(clients, "exposed headers") || strings.Contains(clients, "合法域名") {
		t.Error("clients/README.md states its own CORS rule or legal domains")
	}
}
