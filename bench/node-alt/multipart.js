'use strict';
// multipart.js: the Node alternative for a large upload, as an app holding
// STS credentials would do it: ali-oss's multipartUpload (pinned in
// package.json), parallel parts of one size. `make bench` runs it through
// the same shaped link as ossgate's client.
// argv[2]: {endpoint, bucket, region, accessKeyId, accessKeySecret, stsToken,
//           file, key, partSize, parallel}
// stdout: {"ms": upload time, "etag": ..., "status": ...}
const OSS = require('ali-oss');

async function main() {
  const c = JSON.parse(process.argv[2]);
  const client = new OSS({
    endpoint: c.endpoint, bucket: c.bucket, region: c.region,
    accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, stsToken: c.stsToken,
    authorizationV4: true, timeout: 600000,
  });
  const t0 = Date.now();
  const res = await client.multipartUpload(c.key, c.file, {
    parallel: c.parallel, partSize: c.partSize, mime: 'video/mp4', timeout: 600000,
  });
  process.stdout.write(JSON.stringify({ ms: Date.now() - t0, etag: res.etag, status: res.res.status }));
}

main().catch((err) => {
  process.stderr.write(String((err && err.stack) || err));
  process.exit(1);
});
