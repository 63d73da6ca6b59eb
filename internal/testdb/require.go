package testdb

import (
	"context"
	"os"
	"testing"
)

// RequireVar is the environment variable that turns a server that cannot
// start from a skipped test into a failed one. `make test` sets it, so CI
// never skips the database tests.
const RequireVar = "OSSGATE_REQUIRE_DB"

// Require starts a server of kind k for tb and closes it when tb ends. If
// the server cannot start, tb fails when OSSGATE_REQUIRE_DB=1 and is
// skipped otherwise (a developer machine without the packages).
func Require(tb testing.TB, k Kind) *Server {
	tb.Helper()
	s, err := Start(context.Background(), k)
	if err != nil {
		if os.Getenv(RequireVar) == "1" {
			tb.Fatalf("testdb: %v", err)
		}
		tb.Skipf("testdb: %v (set %s=1 to fail instead; `make deps` installs the servers)", err, RequireVar)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}
