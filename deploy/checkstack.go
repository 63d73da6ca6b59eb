package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
)

// checkStack returns the problems of the project's ros resources: the
// template must be the one ROSTemplate generates, the switches true or
// false, the lifecycle rule no earlier than the sweep plus AbortMarginDays,
// and every parameter the functions also see must agree with them.
func checkStack(p Project, baseDir string) []string {
	var out []string
	names := make([]string, 0, len(p.Resources))
	for n, r := range p.Resources {
		if r.ROS != nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		for _, problem := range checkROS(p, *p.Resources[n].ROS, baseDir) {
			out = append(out, n+": "+problem)
		}
	}
	for _, n := range sortedNames(p) {
		if p.Resources[n].Component == "fc3-domain" {
			for _, problem := range checkDomain(p.Resources[n].Other, baseDir) {
				out = append(out, n+": "+problem)
			}
		}
	}
	return append(out, checkSchemas(p)...)
}

func sortedNames(p Project) []string {
	names := make([]string, 0, len(p.Resources))
	for n := range p.Resources {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// checkDomain returns the problems of the custom domain: a name, and
// certificate files that exist (a certId, or https:// and oss:// URLs, are
// the component's to fetch).
func checkDomain(props map[string]any, baseDir string) []string {
	var out []string
	if name, _ := props["domainName"].(string); name == "" || strings.ContainsAny(name, "/: ") {
		out = append(out, fmt.Sprintf("domainName %q is not a domain name: set vars.domain", props["domainName"]))
	}
	cert, _ := props["certConfig"].(map[string]any)
	for _, k := range []string{"certificate", "privateKey"} {
		path, ok := cert[k].(string)
		if !ok || strings.Contains(path, "://") {
			continue
		}
		if _, err := os.Stat(filepath.Join(baseDir, path)); err != nil {
			out = append(out, fmt.Sprintf("certConfig.%s %s is missing (vars.domainCert: PEM files, or certId)", k, path))
		}
	}
	return out
}

// checkSchemas checks every resource's props against its component's
// schema (ValidateProps), as the component itself would once downloaded.
func checkSchemas(p Project) []string {
	var out []string
	for _, n := range sortedNames(p) {
		problems, err := ValidateProps(p.Resources[n].Component, p.Resources[n].Raw)
		if err != nil {
			problems = []string{err.Error()}
		}
		for _, pr := range problems {
			out = append(out, fmt.Sprintf("%s: %s schema: %s", n, p.Resources[n].Component, pr))
		}
	}
	return out
}

func checkROS(p Project, r ROSProps, baseDir string) []string {
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	want, err := ROSTemplate()
	if err != nil {
		add("%v", err)
	}
	got, err := os.ReadFile(filepath.Join(baseDir, r.Template))
	switch {
	case err != nil:
		add("template: %v", err)
	case want != nil && !bytes.Equal(got, want):
		add("template %s is not what deploy/ram generates: run go run ./deploy/cmd/ossgate-deploy ros", r.Template)
	}
	for _, k := range []string{"CreateBucket", "CreateRoles"} {
		if v := r.Parameters[k]; v != "true" && v != "false" {
			add("parameter %s must be 'true' or 'false', got %q", k, v)
		}
	}
	if _, sw, ok := p.Function("sweep"); ok {
		age, err := time.ParseDuration(sw.Props.EnvironmentVariables[config.VarSweepAge])
		if err != nil {
			age = config.DefaultSweepAge
		}
		min := int((age+24*time.Hour-1)/(24*time.Hour)) + AbortMarginDays
		if days, err := strconv.Atoi(r.Parameters["AbortMultipartDays"]); err != nil || days < min {
			add("parameter AbortMultipartDays (vars.abortMultipartDays) must be at least %d (the sweep age %s in whole days, plus %d), got %q",
				min, age, AbortMarginDays, r.Parameters["AbortMultipartDays"])
		}
	}
	if name, rec, ok := p.Function("record"); ok {
		if got := r.Parameters["RecordFunctionName"]; got != rec.Props.FunctionName {
			add("parameter RecordFunctionName %q is not the record function %s's name %q (the trigger role may invoke only it)", got, name, rec.Props.FunctionName)
		}
		env := rec.Props.EnvironmentVariables
		for param, v := range map[string]string{"BucketName": config.VarBucket, "UploadPrefix": config.VarUploadPrefix,
			"RecordsPrefix": config.VarRecordsPrefix, "QuarantinePrefix": config.VarQuarantinePrefix, "QuarantineMode": config.VarQuarantineMode} {
			if got := r.Parameters[param]; got != env[v] {
				add("parameter %s %q differs from the record function's %s %q", param, got, v, env[v])
			}
		}
	}
	return out
}
