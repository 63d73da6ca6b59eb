package testutil

import (
	"errors"
	"sync"
)

// Parallel calls fn(i) for every i in [0, n) from workers goroutines and
// returns every error fn returned, joined (nil when none did).
func Parallel(n, workers int, fn func(i int) error) error {
	jobs := make(chan int)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				errs[i] = fn(i)
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return errors.Join(errs...)
}
