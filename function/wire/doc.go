// Package wire is what crosses the wire between a client and the sign
// function: the request and response bodies of every endpoint (POST /sign,
// the multipart endpoints, GET and DELETE /uploads, GET /quota), the JSON
// error body, its codes and the one table mapping a code to its HTTP
// status. docs/api.md describes the same contract for readers; the JS
// clients' copy of the codes (clients/core/codes.js) is checked against
// Codes by this package's tests.
//
// The package holds types and constants only: the sign function
// (function/internal/sign) fills them, test helpers (internal/testutil)
// decode them.
package wire
