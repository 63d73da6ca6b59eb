'use strict';
// callback.js: ali-oss's upload callback option against a local OSS endpoint
// (local/ossemu): put and multipartUpload with `callback` ({url, body,
// contentType, customValue}, which ali-oss encodes into x-oss-callback and
// x-oss-callback-var, lib/common/callback.js), V1 and V4 signed, path style.
//
// stdin: {endpoint, bucket, region, accessKeyId, accessKeySecret, callbackUrl, failingUrl}
// stdout: {<case>: {status, data} | {error: {status, code}}}
const http = require('http');
const OSS = require('ali-oss');

const lookup = (host, opts, cb) => {
  if (opts && opts.all) return cb(null, [{ address: '127.0.0.1', family: 4 }]);
  return cb(null, '127.0.0.1', 4);
};
const agent = new http.Agent({ keepAlive: true, lookup });

const callbackOf = url => ({
  url,
  body: '{"object":${object},"size":${size},"who":${x:who}}',
  contentType: 'application/json',
  customValue: { who: 'dave' },
});

async function run(fn) {
  try {
    const r = await fn();
    return { status: r.res.status, data: r.data };
  } catch (e) {
    if (e.status === undefined) throw e;
    return { error: { status: e.status, code: e.code } };
  }
}

async function main() {
  const cfg = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const out = {};
  for (const v4 of [false, true]) {
    const c = new OSS({
      endpoint: cfg.endpoint.replace('127.0.0.1', 'localhost'), bucket: cfg.bucket, region: `oss-${cfg.region}`,
      accessKeyId: cfg.accessKeyId, accessKeySecret: cfg.accessKeySecret, authorizationV4: v4, sldEnable: true,
      agent, timeout: 20000, retryMax: 0,
    });
    const sig = v4 ? 'v4' : 'v1';
    out[`put-${sig}`] = await run(() => c.put(`cb/ali-${sig}.txt`, Buffer.from('hello'), { callback: callbackOf(cfg.callbackUrl) }));
    out[`multipart-${sig}`] = await run(() => c.multipartUpload(`cb/ali-mp-${sig}.bin`, Buffer.alloc(200 << 10, 'a'),
      { partSize: 100 << 10, callback: callbackOf(cfg.callbackUrl) }));
    out[`put-failing-${sig}`] = await run(() => c.put(`cb/ali-fail-${sig}.txt`, Buffer.from('x'), { callback: callbackOf(cfg.failingUrl) }));
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch(e => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
