// Command stand-in-s stands in for the Serverless Devs CLI in the deploy
// tests (README.md): `preview` prints $STANDIN_PREVIEW, `deploy` fails as
// $STANDIN_FAIL says or records what it was asked to deploy in
// $STANDIN_STATE and logs there, per resource, whether that changed
// anything.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "stand-in s:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	switch {
	case slices.Contains(args, "preview"):
		b, err := os.ReadFile(os.Getenv("STANDIN_PREVIEW"))
		if err != nil {
			return err
		}
		_, err = os.Stdout.Write(b)
		return err
	case slices.Contains(args, "deploy"):
		if name := os.Getenv("STANDIN_FAIL"); name != "" {
			return fail(name)
		}
		return deploy()
	}
	return fmt.Errorf("unknown command %q", args)
}

// fail prints failures/<name>.txt as the real CLI prints a failed deploy,
// writes the error.json it keeps beside its log, and exits 101.
func fail(name string) error {
	text, err := os.ReadFile(filepath.Join(here(), "failures", name+".txt"))
	if err != nil {
		return err
	}
	logDir := filepath.Join(os.Getenv("HOME"), ".s", "logs", "1205093012")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(logDir, "error.json"), []byte("[]\n"), 0o644); err != nil {
		return err
	}
	os.Stdout.Write(bytes.ReplaceAll(text, []byte("@LOGDIR@"), []byte(logDir)))
	os.Exit(101)
	return nil
}

// deploy "deploys" the project $STANDIN_PREVIEW holds: each resource's
// props, and the content of a ROS template file they name, are compared
// with the last run's in $STANDIN_STATE.
func deploy() error {
	b, err := os.ReadFile(os.Getenv("STANDIN_PREVIEW"))
	if err != nil {
		return err
	}
	var p struct {
		Resources map[string]struct {
			Component string         `json:"component"`
			Props     map[string]any `json:"props"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	state := os.Getenv("STANDIN_STATE")
	if err := os.MkdirAll(state, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(p.Resources))
	for n := range p.Resources {
		names = append(names, n)
	}
	slices.Sort(names)
	result := map[string]any{}
	for _, n := range names {
		r := p.Resources[n]
		props, err := json.Marshal(r.Props)
		if err != nil {
			return err
		}
		if t, ok := r.Props["template"].(string); ok {
			tb, err := os.ReadFile(t)
			if err != nil {
				return fmt.Errorf("%s: template: %w", n, err)
			}
			props = append(props, tb...)
		}
		sum := sha256.Sum256(props)
		file := filepath.Join(state, n)
		old, err := os.ReadFile(file)
		verdict := "unchanged"
		switch {
		case os.IsNotExist(err):
			verdict = "created"
		case err != nil:
			return err
		case string(old) != hex.EncodeToString(sum[:]):
			verdict = "updated"
		}
		if err := os.WriteFile(file, []byte(hex.EncodeToString(sum[:])), 0o644); err != nil {
			return err
		}
		if err := appendLine(filepath.Join(state, "log"), fmt.Sprintf("%s %s %s", r.Component, n, verdict)); err != nil {
			return err
		}
		out := map[string]any{"region": r.Props["region"]}
		if fn, ok := r.Props["functionName"].(string); ok {
			out["functionName"] = fn
			if strings.HasSuffix(fn, "-sign") {
				out["url"] = map[string]any{"system_url": "https://" + fn + "-abcdefghij.cn-hangzhou.fcapp.run"}
			}
		}
		result[n] = out
	}
	return json.NewEncoder(os.Stdout).Encode(result)
}

// appendLine appends line to the file at path.
func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// here is the directory of this stand-in's failure texts.
func here() string {
	if d := os.Getenv("STANDIN_DIR"); d != "" {
		return d
	}
	return "."
}
