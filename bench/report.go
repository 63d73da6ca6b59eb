package bench

import (
	"fmt"
	"os"
)

// ReportPath is where make bench writes the report, from the module root.
const ReportPath = "bench/RESULTS.md"

// Report renders bench/RESULTS.md for r: how the figures were made and
// what is compared, the table of figures, the reliability tests, and
// badInputs (the table TestBadInputs writes, bench/bad-inputs.md).
func Report(r *Results, badInputs string) string {
	return `# Benchmark results

Written by ` + "`make bench`" + ` (about 15 minutes on 2 cores, 10 of them the large uploads) with ` + "`bench/results.json`" + `, which holds every figure with the
command that produced it; ` + "`make soak`" + ` runs the long reliability tests. Nothing here is edited by hand.

## What is measured

- **per call, in process**: the signer alone against an HMAC floor, the whole sign handler core (decode
  request, verify the HS256 JWT, build the policy, sign, encode the answer) with ` + "`go test -bench`" + `
  (` + "`function/internal/signbench`" + `); and ` + "`bench/node-alt`" + `, the usual Function Compute Node.js sample doing the
  same job with ` + "`ali-oss` 6.23.0" + ` and ` + "`jsonwebtoken` 9.0.3" + `, timed in process by ` + "`percall.js`" + `. The Node side is
  measured twice: with the JWT secret passed as a string (what samples do; ` + "`jsonwebtoken`" + ` then tries to parse
  it as a PEM key on every call) and with a ` + "`KeyObject`" + ` made once (tuned). Ratios are against both; the
  targets are read against the tuned one.
- **throughput per core over loopback HTTP**: the sign handler on a plain ` + "`net/http`" + ` server
  (` + "`function/internal/signbench/signserver`" + `, ` + "`GOMAXPROCS=1`" + `) and the Node server, each pinned to core 1 with
  ` + "`taskset`" + `, loaded by vegeta (library, 8 keep-alive workers, as fast as they go) from core 0.
- **through the FC runtime emulator** with the real binary: ` + "`/sign`" + ` against the ` + "`empty`" + ` function of the same
  binary, 2 instances each, the same ` + "`POST /sign`" + ` request and vegeta load (the emulator and vegeta share the
  2 cores with the instances, as they cannot in FC; the CPU time per request inside the function processes is
  shown too), the sign instances' peak RSS, and the record function's events per second against the local OSS
  endpoint.
- **start-up** (` + "`phase_cold.go`" + `): cold start (exec of ` + "`bootstrap`" + ` to the first answered ` + "`/sign`" + `), and in the same
  run, rounds alternating, a hello-world Go binary built the same way timed from exec to its first line: their
  ratio is the figure to compare across machines (the milliseconds vary several-fold between machines, the ratio
  much less). The binary's package init is every package's ` + "`init`" + ` summed as ` + "`GODEBUG=inittrace=1`" + ` reports it.
- **large uploads over a mobile link** (` + "`phase_multipart.go`" + `, one run each: every run moves 256 MiB through a
  shaping proxy, ` + "`internal/shaper`" + `, at 2 MB/s per connection, 12 MB/s in all, 40 ms added each way, in front of
  the whole stack; the sign function's own link shaped alike): the mini-program module (` + "`clients/test/mp-child.js`" + `,
  Node, wx shim) with 4 parts of 5 MiB in flight, against one form POST of the same file by the same module,
  and against ali-oss 6.23.0 ` + "`multipartUpload`" + ` (` + "`bench/node-alt/multipart.js`" + `, parallel 4, 5 MiB parts, STS-style
  credentials); the client SIGKILLed once half the file crossed the link and started again, with 1 and 4 parts
  in flight, the network staying up or dropping at the kill (the link cuts its connections), counting the part
  bytes that reached OSS beyond the file's size; the module's part memory (buffers alive and ArrayBuffer
  memory after a collection before each part read).

Every compared figure is the median of 3 rounds (` + "`go test -count 3`" + `, 3 Node runs, attacks alternating between
the compared sides). The machine is shared: the load average at start and end is recorded, and figures move
between runs by up to ±30%; read the ratios, not the third digit.

## Figures

` + r.Markdown() + `
## Record stores

` + r.StoresTable() + `
## Reliability

| test | what it does | where |
|---|---|---|
| ` + "`TestReliabilityConcurrentSign`" + ` | 1,000 concurrent ` + "`/sign`" + ` requests over 4 emulated instances: all 200, unique keys, no panic in any instance's output | ` + "`make test`" + ` |
| ` + "`TestReliabilityDuplicatedReorderedEvents`" + ` | real uploads (ticket from ` + "`/sign`" + `, form posted to the local OSS endpoint), every event delivered twice and shuffled: exactly one record per upload | 1,000 uploads in ` + "`make test`" + ` |
| ` + "`TestReliabilityRecordKillAndTransientReadFailures`" + ` | record instances SIGKILLed while one of their OSS calls is in flight, every third read of an upload answered 503: every upload recorded exactly once | 120 uploads / 3 kills; 400 / 10 in ` + "`make soak`" + ` |
| ` + "`TestReliabilityOSSRestartNoPartialObject`" + ` | the OSS endpoint cut off and restarted on the same data directory during 256 KiB uploads, a fifth of them abandoned mid-body: every visible object is byte-identical to what was sent, no abandoned one visible | 120 uploads / 3 restarts; 600 / 10 in ` + "`make soak`" + ` |
| ` + "`TestReliabilityDatabaseKillRestart`" + ` | the records database (MariaDB, then PostgreSQL, real servers) SIGKILLed and restarted between batches of real uploads while their events are being recorded: the record function's database errors are transient, FC retries, every upload ends with exactly one record | 200 uploads / 3 kills per database; 1,000 / 9 in ` + "`make soak`" + ` |
| ` + "`TestQuotaConcurrentSign`" + ` | 50 concurrent ` + "`/sign`" + ` of one user at a quota of 10 files, over 2 sign instances, with the OSS, MariaDB and PostgreSQL stores: 1 to 10 admitted (10 in every run so far), the rest 429 with Retry-After | ` + "`make test`" + ` |
| ` + "`TestSoakAllFaultsAtOnce`" + ` | 1,000 real uploads with duplicate+reorder, failed reads of uploads and 10 kills at once: exactly one record each | ` + "`make soak`" + ` |
| ` + "`TestSoakSignMemoryStable`" + ` | vegeta on ` + "`/sign`" + ` for 15 s then 60 s: no error, RSS growth ≤ 25%, peak ≤ 30 MiB | ` + "`make soak`" + ` |
| ` + "`TestNodeAltTicketAcceptedByOSS`" + ` | the Node alternative's form (both key forms) is accepted by the strict local OSS endpoint: it does the same job | ` + "`make test`" + ` |
| ` + "`make fuzz`" + ` | every ` + "`Fuzz`" + ` target for ` + "`FUZZTIME`" + ` (default 60 s) each; ` + "`make test`" + ` runs their seed corpora | ` + "`make fuzz`" + ` |

## Bad inputs

What ` + "`TestBadInputs`" + ` (in ` + "`make test`" + `) sends to the running stack, and the outcome it asserts for each (a 200 means the
hostile value was accepted and made harmless, as stated):

` + badInputs
}

// WriteReport writes Report(r, badInputs) to path.
func WriteReport(path string, r *Results, badInputs string) error {
	if err := os.WriteFile(path, []byte(Report(r, badInputs)), 0o644); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}
