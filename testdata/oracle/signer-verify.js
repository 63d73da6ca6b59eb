'use strict';
// Verifies forms signed by ossgate's signer with Alibaba's ali-oss package.
//
// stdin:  {"forms": [{"form": {<field>: <value>, ...}, "secret": "...", "region": "cn-hangzhou"}, ...]}
// stdout: {"results": [{"ok": true|false, "errors": ["..."]}, ...]} (same order)
//
// For each form: the signature must equal ali-oss' signUtils.getSignatureV4
// over the policy field; x-oss-credential must be <AccessKeyId>/<day>/<region>/oss/aliyun_v4_request
// with the day of x-oss-date; the policy must decode (base64, UTF-8, JSON) to
// {expiration, conditions} with an expiration after x-oss-date, and contain
// the V4 conditions (x-oss-signature-version, x-oss-credential, x-oss-date,
// x-oss-security-token when sent) with the values of the fields; every other
// field sent (except policy and x-oss-signature) must be pinned by an eq
// condition to the value sent.

const { getSignatureV4 } = require('ali-oss/lib/common/signUtils');

const V4 = ['x-oss-signature-version', 'x-oss-credential', 'x-oss-date', 'x-oss-security-token'];

function verify({ form, secret, region }) {
  const errors = [];
  const get = (name) => (Object.prototype.hasOwnProperty.call(form, name) ? form[name] : undefined);
  const date = get('x-oss-date') || '';
  const day = date.slice(0, 8);

  const signature = getSignatureV4(secret, day, region, get('policy') || '');
  if (signature !== get('x-oss-signature')) errors.push(`signature: ali-oss computes ${signature}, form has ${get('x-oss-signature')}`);
  if (get('x-oss-signature-version') !== 'OSS4-HMAC-SHA256') errors.push('x-oss-signature-version is not OSS4-HMAC-SHA256');
  if (!/^\d{8}T\d{6}Z$/.test(date)) errors.push(`x-oss-date ${JSON.stringify(date)} is not YYYYMMDDTHHMMSSZ`);
  const credential = get('x-oss-credential') || '';
  const suffix = `/${day}/${region}/oss/aliyun_v4_request`;
  if (!credential.endsWith(suffix) || credential.length === suffix.length) {
    errors.push(`x-oss-credential ${JSON.stringify(credential)} does not end with ${suffix}`);
  }

  let policy;
  try {
    const text = Buffer.from(get('policy') || '', 'base64').toString('utf8');
    if (Buffer.from(text, 'utf8').toString('base64') !== get('policy')) throw new Error('not canonical base64 of UTF-8');
    policy = JSON.parse(text);
  } catch (err) {
    errors.push(`policy does not decode: ${err.message}`);
    return { ok: false, errors };
  }
  if (typeof policy.expiration !== 'string' || !Array.isArray(policy.conditions)) {
    errors.push('policy lacks expiration or conditions');
    return { ok: false, errors };
  }
  const signedAt = Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13)}`);
  if (!(Date.parse(policy.expiration) > signedAt)) errors.push(`expiration ${policy.expiration} is not after x-oss-date ${date}`);

  // pinned: field (lowercase) -> values an exact condition pins it to.
  const pinned = new Map();
  const pin = (field, value) => {
    const k = field.toLowerCase();
    if (!pinned.has(k)) pinned.set(k, []);
    pinned.get(k).push(value);
  };
  for (const c of policy.conditions) {
    if (Array.isArray(c)) {
      if (c[0] === 'eq' && typeof c[1] === 'string' && c[1].startsWith('$')) pin(c[1].slice(1), c[2]);
    } else if (c && typeof c === 'object') {
      const keys = Object.keys(c);
      if (keys.length !== 1) errors.push(`simple condition with ${keys.length} properties`);
      else pin(keys[0], c[keys[0]]);
    }
  }
  for (const name of V4) {
    const sent = get(name);
    if (sent === undefined) {
      if (name !== 'x-oss-security-token') errors.push(`field ${name} missing`);
      if (pinned.has(name)) errors.push(`policy pins ${name}, which is not sent`);
      continue;
    }
    const values = pinned.get(name) || [];
    if (values.length !== 1 || values[0] !== sent) errors.push(`policy pins ${name} to ${JSON.stringify(values)}, form sends ${JSON.stringify(sent)}`);
  }
  for (const [name, value] of Object.entries(form)) {
    if (name === 'policy' || name === 'x-oss-signature' || V4.includes(name)) continue;
    const values = pinned.get(name.toLowerCase()) || [];
    if (!values.includes(value)) errors.push(`field ${name}=${JSON.stringify(value)} is not pinned by the policy`);
  }
  return { ok: errors.length === 0, errors };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const { forms } = JSON.parse(input);
  process.stdout.write(JSON.stringify({ results: forms.map(verify) }));
});
