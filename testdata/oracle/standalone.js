'use strict';
// standalone.js: an app team's first test against `go run ./local -oss-only`.
// stdin: the one JSON line -oss-only prints, as is:
//   {"endpoint","bucket","region","accessKeyId","accessKeySecret"}
// It does a put / get / list / delete round trip with Alibaba's official
// Node client (ali-oss, pinned in package.json), with V1 and with V4
// signatures, and prints {"v1": {...}, "v4": {...}}: what each step saw.
const OSS = require('ali-oss');

async function roundTrip(info, v4) {
  const client = new OSS({
    endpoint: info.endpoint, bucket: info.bucket, region: info.region,
    accessKeyId: info.accessKeyId, accessKeySecret: info.accessKeySecret,
    authorizationV4: v4, timeout: 10000,
  });
  const key = `standalone/${v4 ? 'v4' : 'v1'}/hello world.txt`;
  const out = {};
  out.put = (await client.put(key, Buffer.from('hello from ali-oss'), { mime: 'text/plain' })).res.status;
  out.get = (await client.get(key)).content.toString();
  out.list = ((await client.listV2({ prefix: `standalone/${v4 ? 'v4' : 'v1'}/` })).objects || []).map(o => o.name);
  out.delete = (await client.delete(key)).res.status;
  try {
    await client.head(key);
    out.afterDelete = 'still there';
  } catch (e) {
    out.afterDelete = e.status;
  }
  return out;
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', d => { input += d; });
process.stdin.on('end', async () => {
  const info = JSON.parse(input);
  const out = { v1: await roundTrip(info, false), v4: await roundTrip(info, true) };
  process.stdout.write(JSON.stringify(out));
});
