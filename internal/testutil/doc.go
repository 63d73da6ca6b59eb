// Package testutil holds the helpers the tests and the bench harness share:
// a goroutine-safe output buffer, the /proc scan for a function's processes,
// a bounded worker pool, and a small client of the sign function and the
// local OSS endpoint that knows no more of ossgate than its HTTP API (the
// upload contract itself lives in function/internal/upload).
package testutil
