#!/usr/bin/env bash
# The adaptation that points ali-oss's own integration tests at the local
# OSS: adapt-alioss.sh SRC DIR copies the checkout SRC (ali-oss's tagged
# source; its tests are not in the npm package) to DIR and changes the copy,
# never this repository. Every change carries its number here, and a sed
# whose target is gone fails the run (check).
#   1. test/config.js, which reads a real account's keys, an STS role and a
#      region, is replaced by alioss/config.js: the emulator's endpoint, keys
#      and region, the bucket in the path (sldEnable), one signing per run.
#   2. the suites' own bucket names (one per file and signing) become the
#      emulator's one bucket, OSSEMU_BUCKET; other buckets the tests name
#      but one are left alone (the archive bucket: the local OSS answers
#      NoSuchBucket for it, as OSS would); the copy tests' source bucket
#      becomes the emulator's second bucket, OSSEMU_BUCKET2.
#   3. bucket creation and deletion are no-ops, and names under .localhost
#      resolve to 127.0.0.1 (alioss/hooks.js, loaded by mocha before the
#      tests; the buckets are fresh for each file).
set -euo pipefail
src=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)

check() { # file, pattern: the pattern must occur in the file
	grep -q -- "$2" "$1" || { echo "adapt-alioss.sh: $1 no longer contains: $2" >&2; exit 1; }
}

mkdir -p "$dir"
cp -r "$src/package.json" "$src/lib" "$src/test" "$dir/"
chmod -R u+w "$dir"

# 1.
check "$dir/test/config.js" 'config.conditions'
cp "$here/alioss/config.js" "$dir/test/config.js"

# 2.
for f in object multipart; do
	check "$dir/test/node/$f.test.js" "bucket = \`ali-oss-test-$f-bucket-"
	sed -i "s/^\( *\)bucket = \`ali-oss-test-$f-bucket-.*;\$/\1bucket = process.env.OSSEMU_BUCKET;/" "$dir/test/node/$f.test.js"
done
check "$dir/test/node/object.test.js" 'otherBucket = `ali-oss-copy-source-bucket-'
sed -i 's/^\( *\)otherBucket = `ali-oss-copy-source-bucket-.*;$/\1otherBucket = process.env.OSSEMU_BUCKET2;/' "$dir/test/node/object.test.js"
