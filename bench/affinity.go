package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// PinSelf sets the CPU affinity of every thread of this process to cpus
// (threads created later inherit it from their creator). It runs the pass
// twice so that a thread started during the first pass is caught too. With
// no cpus it allows every CPU again.
func PinSelf(cpus ...int) error {
	var set unix.CPUSet
	if len(cpus) == 0 {
		for i := range NumCPU() {
			set.Set(i)
		}
	}
	for _, c := range cpus {
		set.Set(c)
	}
	for range 2 {
		ents, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return fmt.Errorf("bench: pin: %w", err)
		}
		for _, e := range ents {
			tid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
				return fmt.Errorf("bench: pin thread %d: %w", tid, err)
			}
		}
	}
	return nil
}

// NumCPU is the number of CPUs online (not the affinity of this process),
// read from /sys/devices/system/cpu/online ("0-1"); 1 when unreadable.
func NumCPU() int {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return 1
	}
	s := strings.TrimSpace(string(b))
	if _, last, ok := strings.Cut(s, "-"); ok {
		if n, err := strconv.Atoi(last); err == nil {
			return n + 1
		}
	}
	return 1
}
