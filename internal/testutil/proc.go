package testutil

import (
	"bytes"
	"os"
	"sort"
	"strconv"
)

// ExePIDs returns, sorted, the ids of the running processes whose executable
// is exe (an absolute path). bootstrap execs the function binary in place,
// so /proc/<pid>/exe names it.
func ExePIDs(exe string) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if l, err := os.Readlink("/proc/" + e.Name() + "/exe"); err == nil && l == exe {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids
}

// PIDsWithEnv returns the processes of ExePIDs(exe) whose environment holds
// the entry kv ("KEY=VALUE"), e.g. one function role of the binary.
func PIDsWithEnv(exe, kv string) []int {
	var out []int
	for _, pid := range ExePIDs(exe) {
		env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
		if err == nil && bytes.Contains(append([]byte{0}, env...), []byte("\x00"+kv+"\x00")) {
			out = append(out, pid)
		}
	}
	return out
}
