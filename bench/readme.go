package bench

// ReadmeSection is the README's bench section for r: how to run, what is
// compared, and the table generated from bench/results.json.
func ReadmeSection(r *Results) string {
	return `## Benchmarks

` + "`make bench`" + ` (a few minutes on 2 cores) runs every measurement and rewrites ` + "`bench/results.json`" + ` and this
table; ` + "`make soak`" + ` runs the long reliability tests. What is measured:

- **per call, in process**: the signer alone against an HMAC floor, the whole sign handler core (decode
  request, verify the HS256 JWT, build the policy, sign, encode the answer) with ` + "`go test -bench`" + `; and
  ` + "`bench/node-alt`" + `, the usual Function Compute Node.js sample doing the same job with ` + "`ali-oss` 6.23.0" + ` and
  ` + "`jsonwebtoken` 9.0.3" + `, timed in process by ` + "`percall.js`" + `. The Node side is measured twice: with the JWT
  secret passed as a string (what samples do; ` + "`jsonwebtoken`" + ` then tries to parse it as a PEM key on every
  call) and with a ` + "`KeyObject`" + ` made once (tuned). Ratios are against both; the targets are read against the
  tuned one.
- **throughput per core over loopback HTTP**: the sign handler on a plain ` + "`net/http`" + ` server
  (` + "`bench/cmd/signserver`" + `, ` + "`GOMAXPROCS=1`" + `) and the Node server, each pinned to core 1 with ` + "`taskset`" + `,
  loaded by vegeta (library) from core 0.
- **through the FC runtime emulator** with the real binary: ` + "`/sign`" + ` against the ` + "`empty`" + ` function of the same
  binary under the same vegeta load, the sign instances' peak RSS, cold start (exec of ` + "`bootstrap`" + ` to the
  first answered ` + "`/sign`" + `), and the record function's events per second against the local OSS endpoint.

` + r.Markdown()
}
