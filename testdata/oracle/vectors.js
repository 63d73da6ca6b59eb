'use strict';
// Known-answer vectors for ossgate's signer, produced by Alibaba's official
// ali-oss package (pinned in package.json / package-lock.json).
//
// Regenerate (from the repository root, after `make deps` or `npm ci` here):
//
//   node testdata/oracle/vectors.js > testdata/vectors/ali-oss-v4.json
//
// For every case below the script builds the policy document with
// JSON.stringify (keys and conditions in the order ossgate's signer writes
// them: expiration, conditions; the caller's conditions in order, then
// x-oss-signature-version, x-oss-credential, x-oss-date and
// x-oss-security-token when a token is set), base64-encodes it, and records
// every stage: x-oss-date (ali-oss's own dateformat call), scope, credential,
// policy JSON and base64 (= string to sign), signing key, signature
// (ali-oss signUtils.getSignatureV4) and the form fields.
//
// Escaping: ossgate encodes with encoding/json and HTML escaping off, which
// matches JSON.stringify byte for byte except that Go always escapes U+2028
// and U+2029 (as \u2028, \u2029). The script applies the same two escapes to
// its output (both forms decode to the same string); when it did not need
// to, it also checks the signature against ali-oss' client-level
// signPostObjectPolicyV4, which signs its own JSON.stringify of the policy.
//
// Secrets and keys here are made-up test values.

const crypto = require('crypto');
const dateFormat = require('dateformat');
const OSS = require('ali-oss');
const { getSignatureV4 } = require('ali-oss/lib/common/signUtils');
const aliOssVersion = require('ali-oss/package.json').version;

const plain = { accessKeyId: 'LTAI-TEST-ONLY-0001', accessKeySecret: 'test-secret-not-real-0001' };
const sts = {
  accessKeyId: 'STS.TestOnlyNotARealKeyId',
  accessKeySecret: 'test-sts-secret-not-real/+=',
  securityToken: 'CAIS-test-only-security-token-0123456789',
};
const longToken = 'CAIS' + 'TestOnlyToken0123456789abcdefghijklmnopqrstuvwxyz+/='.repeat(12);

const eq = (field, value) => ({ type: 'eq', field, value });
const startsWith = (field, value) => ({ type: 'starts-with', field, value });
const range = (min, max) => ({ type: 'content-length-range', min, max });
const inList = (field, values) => ({ type: 'in', field, values });
const bucket = (name) => ({ type: 'bucket', name });

// Each case: name, credentials, region, time (RFC 3339, any offset),
// expiration (RFC 3339, millisecond precision), conditions.
const cases = [
  ['basic-cn-hangzhou', plain, 'cn-hangzhou', '2024-07-13T13:34:14Z', '2024-07-13T13:49:14Z',
    [bucket('ossgate-test'), eq('key', 'uploads/a.png'), range(1, 10485760)]],
  ['sts-token-cn-hangzhou', sts, 'cn-hangzhou', '2024-07-13T13:34:14Z', '2024-07-13T13:49:14Z',
    [bucket('ossgate-test'), eq('key', 'uploads/a.png'), eq('success_action_status', '204')]],
  ['year-boundary-us-west-1', plain, 'us-west-1', '2023-12-31T23:59:59Z', '2024-01-01T00:09:59Z',
    [bucket('example-bucket'), eq('key', 'y/2023/last.bin')]],
  ['leap-day-ap-southeast-1', sts, 'ap-southeast-1', '2024-02-29T12:00:00Z', '2024-02-29T12:15:00.500Z',
    [bucket('sg-bucket-01'), eq('key', 'leap/2024-02-29.txt'), eq('Content-Type', 'text/plain')]],
  ['new-year-cn-beijing', plain, 'cn-beijing', '2025-01-01T00:00:00Z', '2025-01-01T00:00:01Z',
    [bucket('bj-bucket'), eq('key', 'ny/2025.txt')]],
  ['month-boundary-cn-shanghai', sts, 'cn-shanghai', '2024-01-31T23:59:59Z', '2024-02-01T00:29:59Z',
    [bucket('sh-bucket'), eq('key', 'm/jan-feb.bin'), range(0, 0)]],
  ['offset-time-crosses-day', plain, 'eu-central-1', '2024-01-01T07:59:59+08:00', '2024-01-01T00:30:00Z',
    [bucket('eu-bucket'), eq('key', 'tz/offset.txt')]],
  ['key-with-spaces', plain, 'cn-hangzhou', '2024-03-10T08:00:00Z', '2024-03-10T08:10:00Z',
    [bucket('ossgate-test'), eq('key', 'my photos/holiday 2024 (1).png')]],
  ['key-with-plus', sts, 'cn-hangzhou', '2024-03-10T08:00:00Z', '2024-03-10T08:10:00Z',
    [bucket('ossgate-test'), eq('key', 'a+b/c++ d+.txt')]],
  ['key-with-percent', plain, 'cn-shenzhen', '2024-03-10T08:00:00Z', '2024-03-10T08:10:00Z',
    [bucket('sz-bucket'), eq('key', '100%/50%25 off%2F.txt')]],
  ['key-chinese', sts, 'cn-hangzhou', '2024-05-01T04:05:06Z', '2024-05-01T04:20:06Z',
    [bucket('ossgate-test'), eq('key', '上传/头像/张三的照片.png'), eq('x-oss-meta-uploader', '张三')]],
  ['key-emoji', plain, 'ap-northeast-1', '2024-05-01T04:05:06Z', '2024-05-01T04:20:06Z',
    [bucket('tokyo-bucket'), eq('key', 'emoji/😀🎉 party👨‍👩‍👧.png')]],
  ['key-html-chars', plain, 'cn-hangzhou', '2024-06-01T00:00:00Z', '2024-06-01T00:05:00Z',
    [bucket('ossgate-test'), eq('key', 'a<b>&c/<script>&amp;.txt'), eq('x-oss-meta-note', '1 < 2 && 3 > 2')]],
  ['quotes-backslashes', sts, 'cn-hangzhou', '2024-06-01T00:00:00Z', '2024-06-01T00:05:00Z',
    [bucket('ossgate-test'), eq('key', 'q/"quoted" back\\slash.txt'), eq('x-oss-meta-said', 'he said "hi" \\o/')]],
  ['metadata-fields', sts, 'cn-hangzhou', '2024-07-13T13:34:14Z', '2024-07-13T13:44:14Z',
    [bucket('ossgate-uploads'), eq('key', 'uploads/avatar/u-42/2024/07/13/0f8fad5b.png'),
      eq('success_action_status', '204'), eq('Content-Type', 'image/png'), range(1, 5242880),
      eq('x-oss-meta-uploader', 'u-42'), eq('x-oss-meta-profile', 'avatar'),
      eq('x-oss-meta-filename', 'holiday%20photo%20%E5%BC%A0.png')]],
  ['in-content-type', plain, 'cn-hangzhou', '2024-07-13T13:34:14Z', '2024-07-13T13:44:14Z',
    [bucket('ossgate-test'), eq('key', 'in/a'), inList('Content-Type', ['image/png', 'image/jpeg', 'image/webp'])]],
  ['starts-with-key', sts, 'us-east-1', '2024-07-13T13:34:14Z', '2024-07-13T13:44:14Z',
    [bucket('us-bucket'), startsWith('key', 'uploads/u-42/'), startsWith('Content-Type', 'image/')]],
  ['large-range-5gb', plain, 'cn-qingdao', '2024-08-08T08:08:08Z', '2024-08-08T09:08:08Z',
    [bucket('qd-bucket'), eq('key', 'big/file.iso'), range(1, 5368709120)]],
  ['many-fields', sts, 'cn-hongkong', '2024-09-30T23:59:59Z', '2024-10-01T00:14:59Z',
    [bucket('hk-bucket'), eq('key', 'doc/report.pdf'), eq('success_action_status', '201'),
      eq('Content-Type', 'application/pdf'), eq('Cache-Control', 'no-cache'),
      eq('Content-Disposition', 'attachment; filename="report.pdf"'), eq('x-oss-forbid-overwrite', 'true'),
      eq('x-oss-object-acl', 'private'), range(1024, 1048576)]],
  ['long-key-1023-bytes', plain, 'cn-hangzhou', '2024-10-10T10:10:10Z', '2024-10-10T10:20:10Z',
    [bucket('ossgate-test'), eq('key', 'k/' + 'x'.repeat(1021))]],
  ['line-separator-in-meta', plain, 'cn-hangzhou', '2024-10-10T10:10:10Z', '2024-10-10T10:20:10Z',
    [bucket('ossgate-test'), eq('key', 'ls/a.txt'), eq('x-oss-meta-text', 'para\u2028line\u2029end')]],
  ['long-sts-token', { ...sts, securityToken: longToken }, 'us-west-1', '2024-11-11T11:11:11Z', '2024-11-11T11:26:11Z',
    [bucket('example-bucket'), eq('key', 'tok/a.bin'), range(1, 1024)]],
  ['expiration-millis', sts, 'cn-zhangjiakou', '2024-12-24T18:00:00.999Z', '2024-12-24T18:00:01.123Z',
    [bucket('zjk-bucket'), eq('key', 'ms/x')]],
  ['mixed-scripts', plain, 'eu-west-1', '2024-04-04T04:04:04Z', '2024-04-04T04:19:04Z',
    [bucket('eu-bucket'), eq('key', 'café/naïve-Ωμέγα-مرحبا-עברית.txt'), eq('x-oss-meta-lang', 'fr-el-ar-he')]],
  ['callback-var-and-redirect', sts, 'cn-hangzhou', '2024-04-04T04:04:04Z', '2024-04-04T04:19:04Z',
    [bucket('ossgate-test'), eq('key', 'cb/a.png'), eq('success_action_redirect', 'https://example.com/done?x=1&y=2'),
      eq('x:uid', '42')]],
];

// condition turns a case's condition description into the policy condition.
function condition(c) {
  switch (c.type) {
    case 'bucket': return { bucket: c.name };
    case 'eq': return ['eq', '$' + c.field, c.value];
    case 'starts-with': return ['starts-with', '$' + c.field, c.value];
    case 'content-length-range': return ['content-length-range', c.min, c.max];
    case 'in': return ['in', '$' + c.field, c.values];
    default: throw new Error('unknown condition ' + c.type);
  }
}

// goEscapes applies the two escapes Go's encoding/json adds to JSON.stringify's output.
const goEscapes = (s) => s.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

function hmac(key, data) {
  return crypto.createHmac('sha256', key).update(data).digest();
}

function vector([name, creds, region, time, expiration, conditions]) {
  const at = new Date(time);
  const date = dateFormat(at, "UTC:yyyymmdd'T'HHMMss'Z'");
  const day = date.slice(0, 8);
  const scope = `${day}/${region}/oss/aliyun_v4_request`;
  const credential = `${creds.accessKeyId}/${scope}`;
  const mandatory = [
    { 'x-oss-signature-version': 'OSS4-HMAC-SHA256' },
    { 'x-oss-credential': credential },
    { 'x-oss-date': date },
  ];
  if (creds.securityToken) mandatory.push({ 'x-oss-security-token': creds.securityToken });
  const policy = {
    expiration: new Date(expiration).toISOString(),
    conditions: conditions.map(condition).concat(mandatory),
  };
  const stringified = JSON.stringify(policy);
  const policyJSON = goEscapes(stringified);
  const policyBase64 = Buffer.from(policyJSON, 'utf8').toString('base64');
  const signature = getSignatureV4(creds.accessKeySecret, day, region, policyBase64);

  // The signing key, by the chain ali-oss' getSignatureV4 runs internally.
  let key = hmac(`aliyun_v4${creds.accessKeySecret}`, day);
  for (const part of [region, 'oss', 'aliyun_v4_request']) key = hmac(key, part);
  if (crypto.createHmac('sha256', key).update(policyBase64).digest('hex') !== signature) {
    throw new Error(`${name}: signing key does not reproduce ali-oss' signature`);
  }
  if (policyJSON === stringified) {
    const client = new OSS({ accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, region: 'oss-' + region });
    const viaClient = client.signPostObjectPolicyV4(policy, at);
    if (viaClient !== signature) throw new Error(`${name}: signPostObjectPolicyV4 disagrees`);
  }

  const form = conditions.filter((c) => c.type === 'eq').map((c) => [c.field, c.value]);
  form.push(['x-oss-signature-version', 'OSS4-HMAC-SHA256'], ['x-oss-credential', credential], ['x-oss-date', date]);
  if (creds.securityToken) form.push(['x-oss-security-token', creds.securityToken]);
  form.push(['policy', policyBase64], ['x-oss-signature', signature]);

  return {
    name,
    input: {
      credentials: { accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, securityToken: creds.securityToken || '' },
      region, time, expiration, conditions,
    },
    want: {
      date, day, scope, credential,
      expiration: policy.expiration,
      policyJSON, policy: policyBase64, stringToSign: policyBase64,
      signingKey: key.toString('hex'), signature, form,
    },
  };
}

const out = {
  source: `ali-oss ${aliOssVersion} (signUtils.getSignatureV4, client.signPostObjectPolicyV4), node ${process.version}`,
  regenerate: 'node testdata/oracle/vectors.js > testdata/vectors/ali-oss-v4.json',
  vectors: cases.map(vector),
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
