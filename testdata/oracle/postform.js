'use strict';
// postform.js: signs complete OSS PostObject forms with Alibaba's official
// ali-oss package (pinned in package.json), independently of ossgate's Go
// signer. Used by local/ossemu's tests.
//
// stdin: a JSON array of specs:
//   {name, accessKeyId, accessKeySecret, securityToken?, region, bucket, key,
//    date: ISO time of signing, expiration: ISO expiration,
//    conditions?: extra policy conditions (appended as given),
//    fields?: [[name, value], ...] extra form fields, each also covered by an
//             ["eq", "$name", value] condition unless listed in uncovered,
//    uncovered?: [names], rawPolicy?: a policy text signed as is (not JSON-checked)}
// stdout: a JSON array of {name, fields: [[name, value], ...], policy, signature}
// holding every form field except `file`, in the order a client sends them.
const OSS = require('ali-oss');
const { getSignatureV4, getCredential } = require('ali-oss/lib/common/signUtils');
const { getStandardRegion } = require('ali-oss/lib/common/utils/getStandardRegion');

function v4Date(d) {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function sign(spec) {
  const date = new Date(spec.date);
  const xOssDate = v4Date(date);
  const day = xOssDate.split('T')[0];
  const region = getStandardRegion(spec.region);
  const credential = getCredential(day, region, spec.accessKeyId);
  const extra = spec.fields || [];
  const uncovered = new Set(spec.uncovered || []);
  const conditions = [
    { bucket: spec.bucket },
    { 'x-oss-signature-version': 'OSS4-HMAC-SHA256' },
    { 'x-oss-credential': credential },
    { 'x-oss-date': xOssDate },
  ];
  if (spec.securityToken) conditions.push({ 'x-oss-security-token': spec.securityToken });
  conditions.push(['eq', '$key', spec.key]);
  for (const [k, v] of extra) if (!uncovered.has(k)) conditions.push(['eq', `$${k}`, v]);
  conditions.push(...(spec.conditions || []));
  const policy = { expiration: spec.expiration, conditions };
  const policyText = spec.rawPolicy !== undefined ? spec.rawPolicy : JSON.stringify(policy);
  const policyB64 = Buffer.from(policyText, 'utf8').toString('base64');
  const signature = getSignatureV4(spec.accessKeySecret, day, region, policyB64);
  if (spec.rawPolicy === undefined) {
    // Cross-check with the client's public method (same chain, policy2Str).
    const client = new OSS({
      region: spec.region, accessKeyId: spec.accessKeyId, accessKeySecret: spec.accessKeySecret,
      stsToken: spec.securityToken, bucket: spec.bucket,
    });
    const viaClient = client.signPostObjectPolicyV4(policy, date);
    if (viaClient !== signature) throw new Error(`${spec.name}: signPostObjectPolicyV4 disagrees`);
  }
  const fields = [['key', spec.key], ...extra, ['policy', policyB64],
    ['x-oss-signature-version', 'OSS4-HMAC-SHA256'], ['x-oss-credential', credential],
    ['x-oss-date', xOssDate]];
  if (spec.securityToken) fields.push(['x-oss-security-token', spec.securityToken]);
  fields.push(['x-oss-signature', signature]);
  return { name: spec.name, fields, policy: policyB64, signature };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(sign);
  process.stdout.write(JSON.stringify(out));
});
