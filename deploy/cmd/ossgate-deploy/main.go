// Command ossgate-deploy is the helper `make deploy` and the one-time RAM
// setup use:
//
//	ossgate-deploy check -s S -a ACCESS          run s preview; refuse to deploy, naming every missing setting
//	s preview -o json | ossgate-deploy check    the same on a rendered project
//	ossgate-deploy deploy -s S -a ACCESS         run s deploy; print what was deployed and the sign function's URL
//	ossgate-deploy ram -account ID [-out DIR]    render deploy/ram/*.json with the values in s.yaml
//	ossgate-deploy ros                           regenerate the ROS template deploy/ros/ossgate.json
//	s deploy -o json | ossgate-deploy endpoint  print what was deployed and the sign function's URL
//
// When s fails, its own error text and the path of its log are printed and
// the exit status is non-zero.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/ossgate/ossgate/deploy"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ossgate-deploy:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: ossgate-deploy check|deploy|ram|ros|endpoint")
	}
	switch args[0] {
	case "check":
		return check(args[1:], stdin, stdout)
	case "deploy":
		return deployCmd(args[1:], stdout)
	case "ram":
		return ram(args[1:], stdout)
	case "ros":
		return rosTemplate(stdout)
	case "endpoint":
		return endpoint(stdin, stdout)
	}
	return fmt.Errorf("unknown command %q: want check, deploy, ram, ros or endpoint", args[0])
}

func check(args []string, stdin io.Reader, stdout io.Writer) error {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	dir := fl.String("dir", ".", "project directory (code paths are relative to it)")
	sBin := fl.String("s", "", "the s CLI: run `s preview -a ACCESS -o json --silent` instead of reading the project from standard input")
	access := fl.String("a", "default", "the s access alias (with -s)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	var p deploy.Project
	if *sBin != "" {
		var tmpl string
		var err error
		if p, tmpl, err = preview(*sBin, *access); err != nil {
			return err
		}
		if tmpl != deploy.ProjectFile {
			fmt.Fprintf(stdout, "deploy: with the custom domain %v (%s)\n", p.Vars["domain"], tmpl)
		}
	} else {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return errors.New("check: no project on standard input (s preview failed?)")
		}
		if p, err = deploy.ParseProject(b); err != nil {
			return err
		}
	}
	problems := deploy.Check(p, *dir)
	if len(problems) == 0 {
		fmt.Fprintln(stdout, "deploy: configuration complete")
		return nil
	}
	fmt.Fprintln(stdout, "deploy: refusing to deploy, the configuration is incomplete:")
	for _, line := range problems {
		fmt.Fprintln(stdout, "  -", line)
	}
	return fmt.Errorf("%d problem(s); edit the vars block of s.yaml or the environment (README § Deployment)", len(problems))
}

// preview renders the project with `s preview`: s.yaml, or s.domain.yaml
// (s.yaml plus the custom domain) when s.yaml's vars set a domain. It
// returns the project and the template it rendered.
func preview(sBin, access string) (deploy.Project, string, error) {
	tmpl := deploy.ProjectFile
	for {
		b, err := deploy.RunS(context.Background(), sBin, "preview", "-t", tmpl, "-a", access, "-o", "json", "--silent")
		if err != nil {
			return deploy.Project{}, "", err
		}
		p, err := deploy.ParseProject(b)
		if err != nil || tmpl == deploy.DomainProjectFile {
			return p, tmpl, err
		}
		if d, _ := p.Vars["domain"].(string); d == "" {
			return p, tmpl, nil
		}
		tmpl = deploy.DomainProjectFile
	}
}

// deployCmd runs `s deploy` quietly (its result holds the functions'
// environment, the JWT secret too) and prints what endpoint prints of its
// result; a failing s is reported with its own error text and log.
func deployCmd(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("deploy", flag.ContinueOnError)
	sBin := fl.String("s", "s", "the s CLI")
	access := fl.String("a", "default", "the s access alias")
	if err := fl.Parse(args); err != nil {
		return err
	}
	_, tmpl, err := preview(*sBin, *access)
	if err != nil {
		return err
	}
	out, err := deploy.RunS(context.Background(), *sBin, "deploy", "-t", tmpl, "-a", *access, "-y", "--silent", "-o", "json")
	if err != nil {
		return err
	}
	return endpoint(bytes.NewReader(out), stdout)
}

// rosTemplate writes the ROS template (run from the repository root).
func rosTemplate(stdout io.Writer) error {
	b, err := deploy.ROSTemplate()
	if err != nil {
		return err
	}
	if err := os.WriteFile(deploy.ROSTemplateFile, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, deploy.ROSTemplateFile)
	return nil
}

func ram(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("ram", flag.ContinueOnError)
	account := fl.String("account", "", "Alibaba Cloud account ID (required)")
	project := fl.String("project", "s.yaml", "the Serverless Devs project")
	out := fl.String("out", "build/ram", "directory for the rendered documents")
	if err := fl.Parse(args); err != nil {
		return err
	}
	p, err := deploy.LoadProject(*project)
	if err != nil {
		return err
	}
	if p, err = p.Rendered(deploy.Env{Getenv: os.Getenv, Config: map[string]string{"AccountID": *account}}); err != nil {
		return err
	}
	values, err := deploy.RAMValues(p, *account)
	if err != nil {
		return err
	}
	docs, err := deploy.RenderRAM(values)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		path := filepath.Join(*out, n)
		if err := os.WriteFile(path, docs[n], 0o644); err != nil {
			return err
		}
		fmt.Fprintln(stdout, path)
	}
	return nil
}

// endpoint reads the JSON result of `s deploy -o json` (or `s info -o
// json`), which holds each function's configuration, secrets included, and
// prints only the deployed function names and every "system_url" and
// "custom_domain" in it.
func endpoint(stdin io.Reader, stdout io.Writer) error {
	text, err := io.ReadAll(stdin)
	if err != nil {
		return fmt.Errorf("endpoint: %w", err)
	}
	var v any
	if err := json.Unmarshal(text, &v); err != nil {
		// Not the result object, so no configuration to hide: the CLI's own words.
		return fmt.Errorf("endpoint: s printed no JSON result (%v):\n%s", err, deploy.ParseSFailure(string(text)).Text)
	}
	if m, ok := v.(map[string]any); ok {
		for _, name := range find(m, map[string]bool{"functionName": true}) {
			fmt.Fprintln(stdout, "deployed:", name)
		}
	}
	urls := find(v, map[string]bool{"system_url": true, "custom_domain": true})
	if len(urls) == 0 {
		return errors.New("endpoint: no system_url in the output")
	}
	for _, u := range urls {
		fmt.Fprintln(stdout, "sign endpoint:", u)
	}
	return nil
}

func find(v any, keys map[string]bool) []string {
	var out []string
	switch t := v.(type) {
	case map[string]any:
		ks := make([]string, 0, len(t))
		for k := range t {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			if s, ok := t[k].(string); ok && keys[k] && s != "" {
				out = append(out, s)
				continue
			}
			out = append(out, find(t[k], keys)...)
		}
	case []any:
		for _, e := range t {
			out = append(out, find(e, keys)...)
		}
	}
	return out
}
