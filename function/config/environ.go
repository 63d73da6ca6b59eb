package config

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// VarPrefix starts the name of every variable ossgate reads.
const VarPrefix = "OSSGATE_"

// LoadEnviron is Load over an environment in os.Environ form ("KEY=VALUE"
// entries). Besides Load's problems it reports every OSSGATE_ variable no
// function reads (a misspelt OSSGATE_PROFILE= would otherwise be ignored
// silently), naming the closest known one.
func LoadEnviron(fn Function, environ []string) (Config, error) {
	vals := make(map[string]string, len(environ))
	names := make([]string, 0, len(environ))
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		vals[k] = v
		names = append(names, k)
	}
	unknown := UnknownVars(names)
	c, err := Load(fn, func(k string) string { return vals[k] })
	if len(unknown) == 0 {
		return c, err
	}
	problems := unknown
	if ce, ok := err.(*Error); ok {
		problems = append(problems, ce.Problems...)
	}
	return Config{}, &Error{Problems: problems}
}

// FromEnv loads the configuration of fn from the process environment
// (LoadEnviron of os.Environ).
func FromEnv(fn Function) (Config, error) { return LoadEnviron(fn, os.Environ()) }

// UnknownVars returns a problem for every name in names that starts with
// VarPrefix but is not in Vars, each naming the closest variable of Vars,
// sorted by name.
func UnknownVars(names []string) []error {
	known := map[string]bool{}
	for _, v := range Vars() {
		known[v] = true
	}
	var bad []string
	for _, n := range names {
		if strings.HasPrefix(n, VarPrefix) && !known[n] {
			bad = append(bad, n)
		}
	}
	sort.Strings(bad)
	var out []error
	for i, n := range bad {
		if i > 0 && bad[i-1] == n {
			continue
		}
		out = append(out, fmt.Errorf("%s: unknown variable, no function reads it; did you mean %s?", n, Closest(n, Vars())))
	}
	return out
}

// Closest returns the candidate with the smallest edit distance to name
// (the first of equals); "" when there are none.
func Closest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		if d := editDistance(name, c); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
