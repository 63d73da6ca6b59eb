// sign-verify.js: checks upload tickets made by the sign function with
// Alibaba's own code (ali-oss signUtils.getSignatureV4, pinned in
// package.json). Input on stdin:
//   {"secret": "...", "tickets": [{"fields": {name: value, ...}}, ...]}
// Output on stdout:
//   {"results": [{"signature": "<hex by ali-oss>", "errors": ["..."]}, ...]}
// A ticket is good when errors is empty: the signature matches, the
// credential's date, region and x-oss-date agree with the policy, and every
// form field except policy and x-oss-signature is pinned by the policy.
'use strict';

const { getSignatureV4 } = require('ali-oss/lib/common/signUtils');

function check(secret, fields) {
  const errors = [];
  const cred = (fields['x-oss-credential'] || '').split('/');
  if (cred.length !== 5 || cred[3] !== 'oss' || cred[4] !== 'aliyun_v4_request') {
    errors.push(`malformed x-oss-credential ${fields['x-oss-credential']}`);
  }
  const [, day, region] = cred;
  const signature = getSignatureV4(secret, day, region, fields.policy || '');
  if (signature !== fields['x-oss-signature']) {
    errors.push(`signature: ali-oss ${signature}, ticket ${fields['x-oss-signature']}`);
  }
  if (fields['x-oss-signature-version'] !== 'OSS4-HMAC-SHA256') {
    errors.push(`x-oss-signature-version ${fields['x-oss-signature-version']}`);
  }
  if (!(fields['x-oss-date'] || '').startsWith(day)) {
    errors.push(`x-oss-date ${fields['x-oss-date']} not on credential day ${day}`);
  }
  let policy;
  try {
    policy = JSON.parse(Buffer.from(fields.policy || '', 'base64').toString('utf8'));
  } catch (e) {
    errors.push(`policy is not base64 JSON: ${e.message}`);
    return { signature, errors };
  }
  if (Number.isNaN(Date.parse(policy.expiration))) {
    errors.push(`policy expiration ${policy.expiration}`);
  }
  const pinned = new Map();
  for (const c of policy.conditions || []) {
    if (Array.isArray(c) && c[0] === 'eq') {
      pinned.set(c[1].slice(1).toLowerCase(), c[2]);
    } else if (!Array.isArray(c) && typeof c === 'object') {
      for (const [k, v] of Object.entries(c)) pinned.set(k.toLowerCase(), v);
    }
  }
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'policy' || name === 'x-oss-signature') continue;
    if (pinned.get(name.toLowerCase()) !== value) {
      errors.push(`field ${name}=${JSON.stringify(value)} not pinned by the policy`);
    }
  }
  return { signature, errors };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  const results = req.tickets.map((t) => check(req.secret, t.fields));
  process.stdout.write(JSON.stringify({ results }));
});
