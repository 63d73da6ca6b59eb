#!/usr/bin/env bash
# Runs the official OSS SDKs' own object-level integration tests against the
# local OSS (`go run ./local -oss-only`), in V1 and V4 signing, and writes the
# table into local/ossemu/CONFORMANCE.md, between its "conformance:begin"
# and "conformance:end" markers (or to $OUT when set).
#
# The SDKs come from the Go module proxy at the versions go.mod pins (their
# _test.go files are in the module zip) and are copied to a temp directory;
# adapt.sh applies the adaptation, documented line by line there. Nothing of
# the SDKs is copied into this repository.
#
# ali-oss's tests are not in its npm package; they run from a checkout of its
# tagged source (v6.23.0) named by ALI_OSS_SRC (e.g. `git archive v6.23.0` of
# its repository, extracted): adapt-alioss.sh copies and adapts
# test/node/object.test.js and multipart.test.js, their dependencies come
# from the checkout's own package-lock.json (npm ci), mocha and the test
# tools from its devDependencies' ranges, into the temp directory. Without
# ALI_OSS_SRC the table says the suite was skipped.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${OUT:-}
work=$(mktemp -d)
trap 'kill "${emu_pid:-0}" 2>/dev/null || true; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

v2mod=github.com/aliyun/alibabacloud-oss-go-sdk-v2
v3mod=github.com/aliyun/aliyun-oss-go-sdk
v2ver=$(cd "$root" && go list -m -f '{{.Version}}' "$v2mod")
v3ver=$(cd "$root" && go list -m -f '{{.Version}}' "$v3mod")
bucket=ossemu-conformance
bucket2=ossemu-conformance-2 # the second bucket (ali-oss's copy tests)
region=cn-hangzhou

fetch() { # module@version → a writable copy of its source in $work/$2
	local dir
	dir=$(cd "$work" && go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	cp -r "$dir" "$work/$2"
	chmod -R u+w "$work/$2"
}

start_emulator() { # starts -oss-only on a fresh data dir; sets endpoint, ak, sk
	rm -rf "$work/data"
	coproc EMU { "$work/local" -oss-only -oss-port 0 -bucket "$bucket,$bucket2" -region "$region" \
		-data "$work/data" -log-level error -until-stdin-closes 2>>"$work/emulator.log"; }
	emu_pid=$EMU_PID
	local line
	read -r line <&"${EMU[0]}"
	endpoint=$(sed -n 's/.*"endpoint":"http:\/\/\([^"]*\)".*/\1/p' <<<"$line")
	ak=$(sed -n 's/.*"accessKeyId":"\([^"]*\)".*/\1/p' <<<"$line")
	sk=$(sed -n 's/.*"accessKeySecret":"\([^"]*\)".*/\1/p' <<<"$line")
}

stop_emulator() {
	kill "$emu_pid" 2>/dev/null || true
	wait "$emu_pid" 2>/dev/null || true
}

echo "conformance: building the local OSS and fetching $v2mod@$v2ver, $v3mod@$v3ver" >&2
(cd "$root" && go build -o "$work/local" ./local)
fetch "$v2mod@$v2ver" v2
fetch "$v3mod@$v3ver" v3
"$here/adapt.sh" "$work/v2" "$work/v3"

# The object-level tests: the Go SDK v2's integration tests of objects,
# multipart, tagging, ACL and presigning; the Go SDK v3's OssBucketSuite
# (bucket_test.go, every test of which works on objects).
v2files="client_integration_object_basic_test.go client_integration_object_extension_test.go
	client_integration_object_multipart_test.go client_integration_object_tagging_test.go
	client_integration_object_acl_test.go client_integration_presign_test.go"
v2tests=$(cd "$work/v2/oss" && sed -n 's/^func \(Test[A-Za-z0-9_]*\)(t \*testing.T).*/\1/p' $v2files | paste -sd'|')
echo "conformance: $(tr "|" "\n" <<<"$v2tests" | wc -l) Go SDK v2 tests selected" >&2

(cd "$work/v2/oss" && go test -tags integration -vet=off -c -o "$work/v2.test" .)
(cd "$work/v3/oss" && go test -vet=off -c -o "$work/v3.test" .)

start=$(date +%s)
results="$work/results.tsv" # suite, signing, test, pass|fail
: >"$results"
for sig in v1 v4; do
	start_emulator
	echo "conformance: Go SDK v2 $v2ver, $sig, on $endpoint" >&2
	# One process per test: a test that panics (the suite dereferences
	# results after failed assertions) must not take the others with it.
	for t in ${v2tests//|/ }; do
		(cd "$work/v2/oss" && OSS_TEST_ENDPOINT="http://$endpoint" OSS_TEST_REGION=$region \
			OSS_TEST_ACCESS_KEY_ID=$ak OSS_TEST_ACCESS_KEY_SECRET=$sk OSS_TEST_SIGNATURE_VERSION=$sig \
			OSSEMU_BUCKET=$bucket "$work/v2.test" -test.count=1 -test.timeout 300s -test.v -test.run "^$t\$" \
			>>"$work/v2-$sig.log" 2>&1) && r=pass || r=fail
		printf 'go-sdk-v2 %s\t%s\t%s\t%s\n' "$v2ver" "$sig" "$t" "$r" >>"$results"
	done
	stop_emulator

	start_emulator
	echo "conformance: Go SDK v3 $v3ver, $sig, on $endpoint" >&2
	(cd "$work/v3/oss" && OSS_TEST_ENDPOINT="$endpoint" OSS_TEST_REGION=$region \
		OSS_TEST_ACCESS_KEY_ID=$ak OSS_TEST_ACCESS_KEY_SECRET=$sk OSSEMU_SIGNATURE_VERSION=$sig \
		OSSEMU_BUCKET=$bucket "$work/v3.test" -test.count=1 -test.timeout 900s -check.v -check.f 'OssBucketSuite' \
		>"$work/v3-$sig.log" 2>&1) || true
	sed -n 's/^\(PASS\|FAIL\|PANIC\|MISS\|SKIP\): [^ ]* OssBucketSuite\.\(Test[A-Za-z0-9_]*\).*/\2\t\1/p' "$work/v3-$sig.log" |
		awk -v s="go-sdk-v3 $v3ver" -v g=$sig -F'\t' '{print s "\t" g "\t" $1 "\t" tolower($2)}' >>"$results"
	stop_emulator
done

# ali-oss's tests are in its source repository only (not in the npm package).
alioss_files="object multipart"
if [ -n "${ALI_OSS_SRC:-}" ]; then
	alisrc=$(cd "$ALI_OSS_SRC" && pwd)
	aliver=$(node -p "require('$alisrc/package.json').version")
	"$here/adapt-alioss.sh" "$alisrc" "$work/alioss"
	echo "conformance: installing ali-oss $aliver's dependencies (its package-lock.json) and test tools" >&2
	(cd "$work/alioss" && cp "$alisrc/package-lock.json" . &&
		npm ci --omit=dev --ignore-scripts --no-audit --no-fund >"$work/npm.log" 2>&1)
	mkdir -p "$work/alitools"
	tools=$(node -e "const d = require('$alisrc/package.json').devDependencies;
		console.log(['mocha', 'should', 'mm', 'sinon', 'stream-equal', 'axios', 'form-data', 'filereader'].map(n => n + '@' + d[n]).join(' '))")
	(cd "$work/alitools" && echo '{"private": true}' >package.json &&
		npm install --no-package-lock --ignore-scripts --no-audit --no-fund $tools >>"$work/npm.log" 2>&1)
	alistart=$(date +%s)
	for sig in v1 v4; do
		for f in $alioss_files; do
			start_emulator # a fresh bucket per test file, as the suite creates one per file
			echo "conformance: ali-oss $aliver $f.test.js, $sig, on $endpoint" >&2
			(cd "$work/alioss" && OSSEMU_ENDPOINT="http://$endpoint" OSSEMU_ACCESS_KEY_ID=$ak \
				OSSEMU_ACCESS_KEY_SECRET=$sk OSSEMU_REGION=$region OSSEMU_BUCKET=$bucket OSSEMU_BUCKET2=$bucket2 \
				OSSEMU_SIGNATURE_VERSION=$sig OSSEMU_SUITE="ali-oss $aliver" OSSEMU_RESULTS="$results" \
				OSSEMU_ALIOSS_DIR="$work/alioss" NODE_PATH="$work/alitools/node_modules" \
				"$work/alitools/node_modules/.bin/mocha" -t 120000 -r should -r "$here/alioss/hooks.js" \
				--reporter "$here/alioss/reporter.js" "test/node/$f.test.js" >>"$work/alioss-$sig.log" 2>&1) || true
			stop_emulator
		done
	done
	alioss="ran test/node/object.test.js and multipart.test.js of its source, each signing and file on a fresh emulator ($(($(date +%s) - alistart)) s)"
else
	alioss="skipped: ALI_OSS_SRC is not set (ali-oss's tests are not in its npm package; it names a checkout of v6.23.0)"
fi
echo "conformance: ali-oss 6.23.0 $alioss" >&2
elapsed=$(($(date +%s) - start))

logs=$(mktemp -d -t ossemu-conformance.XXXXXX)
cp "$work"/v2-*.log "$work"/v3-*.log "$work"/alioss-*.log "$work"/emulator.log "$logs/" 2>/dev/null || true
echo "conformance: the suites' logs are in $logs" >&2
table=$("$here/table.sh" "$results" "$here/reasons.tsv" "$elapsed" "$alioss")
if [ -n "$out" ]; then
	printf '%s\n' "$table" >"$out"
else
	doc="$here/../CONFORMANCE.md"
	awk -v table="$table" '/<!-- conformance:begin -->/ {print; print table; skip=1; next}
		/<!-- conformance:end -->/ {skip=0} !skip' "$doc" >"$work/doc.md"
	cp "$work/doc.md" "$doc"
fi
printf '%s\n' "$table"
