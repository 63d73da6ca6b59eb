'use strict';
// Known-answer vectors for signer.Presign (V4 query signing), produced by
// Alibaba's official ali-oss package (pinned in package.json /
// package-lock.json) through its public client.signatureUrlV4.
//
// Regenerate (from the repository root, after `make deps`):
//
//   node testdata/oracle/presign-vectors.js > testdata/vectors/ali-oss-presign-v4.json
//
// signatureUrlV4 reads the clock (new Date()); the script runs each case
// with Date frozen at the case's time, and records the canonical request
// and string to sign that ali-oss computed (by wrapping its signUtils
// helpers, which signatureUrlV4 calls) besides the URL it returned.
//
// Secrets and keys here are made-up test values.

const OSS = require('ali-oss');
const signUtils = require('ali-oss/lib/common/signUtils');
const aliOssVersion = require('ali-oss/package.json').version;

const plain = { accessKeyId: 'LTAI-TEST-ONLY-0001', accessKeySecret: 'test-secret-not-real-0001' };
const sts = {
  accessKeyId: 'STS.TestOnlyNotARealKeyId',
  accessKeySecret: 'test-sts-secret-not-real/+=',
  stsToken: 'CAIS-test-only-security-token-0123456789+/=',
};

// Each case: name, credentials, region, bucket, time, method, key, expires
// (seconds), headers, queries, additional headers.
const cases = [
  ['get-plain', plain, 'cn-hangzhou', 'ossgate-test', '2024-07-13T13:34:14Z', 'GET', 'uploads/a.png', 300, {}, {}, []],
  ['get-sts', sts, 'cn-hangzhou', 'ossgate-test', '2024-07-13T13:34:14Z', 'GET', 'uploads/a.png', 300, {}, {}, []],
  ['get-thumbnail-process', sts, 'cn-shanghai', 'sh-bucket', '2024-02-29T23:59:59Z', 'GET', 'uploads/avatar/u1/2024/02/29/x.jpg', 300,
    {}, { 'x-oss-process': 'image/resize,w_256' }, []],
  ['get-response-disposition', plain, 'cn-beijing', 'bj-bucket', '2025-01-01T00:00:00Z', 'GET', 'docs/report 2024.pdf', 60,
    {}, { 'response-content-disposition': 'attachment; filename="report 2024.pdf"' }, []],
  ['put-content-length', sts, 'cn-hangzhou', 'ossgate-test', '2024-05-01T04:05:06Z', 'PUT', 'uploads/video/u-42/2024/05/01/id.mp4', 900,
    { 'Content-Length': '5242880', 'Content-Type': 'application/octet-stream' }, {}, ['content-length']],
  ['upload-part', sts, 'cn-hangzhou', 'ossgate-test', '2024-05-01T04:05:06Z', 'PUT', 'uploads/video/u-42/2024/05/01/id.mp4', 900,
    { 'content-length': '102400', 'content-type': 'application/octet-stream' },
    { partNumber: '7', uploadId: '0004B9895DBBB6EC98E36D2D2A5EA1DF' }, ['content-length']],
  ['upload-part-last', plain, 'us-west-1', 'example-bucket', '2023-12-31T23:59:59Z', 'PUT', 'big/file.bin', 604800,
    { 'content-length': '1', 'content-type': 'application/octet-stream' },
    { partNumber: '10000', uploadId: 'A1B2C3' }, ['content-length']],
  ['additional-host-and-length', plain, 'ap-southeast-1', 'sg-bucket-01', '2024-02-29T12:00:00Z', 'PUT', 'p/q.bin', 1,
    { host: 'sg-bucket-01.oss-ap-southeast-1.aliyuncs.com', 'content-length': '10' }, {}, ['Host', 'content-length', 'host']],
  ['oss-headers-signed', sts, 'cn-hangzhou', 'ossgate-test', '2024-03-10T08:00:00Z', 'PUT', 'uploads/x.txt', 600,
    { 'x-oss-forbid-overwrite': 'true', 'Content-Type': 'text/plain', 'x-oss-meta-uploader': 'alice' }, {}, []],
  ['key-with-spaces', plain, 'cn-hangzhou', 'ossgate-test', '2024-03-10T08:00:00Z', 'GET', 'my photos/holiday 2024 (1).png', 300, {}, {}, []],
  ['key-with-plus', sts, 'cn-hangzhou', 'ossgate-test', '2024-03-10T08:00:00Z', 'GET', 'a+b/c++ d+.txt', 300, {}, {}, []],
  ['key-with-percent', plain, 'cn-shenzhen', 'sz-bucket', '2024-03-10T08:00:00Z', 'GET', '100%/50%25 off%2F.txt', 300, {}, {}, []],
  ['key-chinese', sts, 'cn-hangzhou', 'ossgate-test', '2024-05-01T04:05:06Z', 'GET', '上传/头像/张三的照片.png', 300, {}, {}, []],
  ['key-reserved-chars', plain, 'eu-central-1', 'eu-bucket', '2024-01-01T00:30:00Z', 'DELETE', "a!b'c(d)e*f~g;h:i@j&k=l$m,n.txt", 120, {}, {}, []],
  ['key-1023-bytes', plain, 'cn-hangzhou', 'ossgate-test', '2024-06-01T00:00:00Z', 'HEAD', 'k/' + 'x'.repeat(1021), 300, {}, {}, []],
  ['query-special-values', sts, 'cn-hangzhou', 'ossgate-test', '2024-06-01T00:00:00Z', 'GET', 'q/a.txt', 300,
    {}, { 'response-content-type': 'text/plain; charset=utf-8', versionId: 'CAEQ+/=' }, []],
];

const RealDate = Date;
function freeze(iso) {
  const fixed = new RealDate(iso).getTime();
  global.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(fixed); else super(...args);
    }
    static now() { return fixed; }
  };
}

async function vector([name, cred, region, bucket, time, method, key, expires, headers, queries, additional]) {
  const client = new OSS({
    region: 'oss-' + region,
    bucket,
    accessKeyId: cred.accessKeyId,
    accessKeySecret: cred.accessKeySecret,
    stsToken: cred.stsToken,
    authorizationV4: true,
    secure: true,
  });
  let canonicalRequest;
  let stringToSign;
  const origCanonical = signUtils.getCanonicalRequest;
  const origStringToSign = signUtils.getStringToSign;
  signUtils.getCanonicalRequest = (...a) => (canonicalRequest = origCanonical.apply(signUtils, a));
  signUtils.getStringToSign = (...a) => (stringToSign = origStringToSign.apply(signUtils, a));
  freeze(time);
  let url;
  try {
    url = await client.signatureUrlV4(method, expires, { headers, queries }, key, additional);
  } finally {
    global.Date = RealDate;
    signUtils.getCanonicalRequest = origCanonical;
    signUtils.getStringToSign = origStringToSign;
  }
  const u = new URL(url);
  return {
    name,
    input: {
      credentials: { accessKeyId: cred.accessKeyId, accessKeySecret: cred.accessKeySecret, securityToken: cred.stsToken || '' },
      region, bucket, time, method, key, expires, headers, queries, additionalHeaders: additional,
    },
    want: {
      canonicalRequest,
      stringToSign,
      signature: u.searchParams.get('x-oss-signature'),
      query: Object.fromEntries(u.searchParams.entries()),
      url,
    },
  };
}

(async () => {
  const vectors = [];
  for (const c of cases) vectors.push(await vector(c));
  process.stdout.write(JSON.stringify({
    source: `ali-oss ${aliOssVersion} client.signatureUrlV4 (testdata/oracle/presign-vectors.js)`,
    vectors,
  }, null, 2) + '\n');
})().catch((e) => { console.error(e); process.exit(1); });
