'use strict';
// The alternative users would pick: the usual Function Compute Node.js sample
// for "server-side signature, client direct upload" (V4), doing the same job
// as ossgate's sign function so that make bench can compare the two fairly.
//
// Per call it does what ossgate's sign handler core does: parse the JSON
// request, verify the caller's HS256 JWT (jsonwebtoken, the usual choice),
// build a client from the invocation's STS credentials (new OSS per call, as
// the FC sample does with context.credentials), pin the same conditions in a
// V4 policy, sign it with client.signPostObjectPolicyV4, and encode the answer.
const crypto = require('node:crypto');
const OSS = require('ali-oss');
const jwt = require('jsonwebtoken');
const { getCredential } = require('ali-oss/lib/common/signUtils');
const { getStandardRegion } = require('ali-oss/lib/common/utils/getStandardRegion');
const { policy2Str } = require('ali-oss/lib/common/utils/policy2Str');

// The profile both sides sign for in the benchmark (ossgate's built-in avatar).
const PROFILE = {
  name: 'avatar',
  types: { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/webp': '.webp' },
  minSize: 1,
  maxSize: 5 * 1024 * 1024,
  expiryMinutes: 10,
  successActionStatus: '200',
  maxFiles: 1,
};

function pad2(n) {
  return n.toString().padStart(2, '0');
}

// ossDate formats d as YYYYMMDDTHHMMSSZ (UTC), as the FC sample does.
function ossDate(d) {
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}T` +
    `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}Z`;
}

// keySafe keeps a user id usable as one path segment.
function keySafe(s) {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || '_';
}

function fail(status, code, message) {
  return { status, body: JSON.stringify({ error: { code, message } }) };
}

// ticket builds and signs one upload ticket for file on behalf of user.
function ticket(cfg, creds, user, file, now) {
  const client = new OSS({
    region: cfg.region,
    accessKeyId: creds.accessKeyId,
    accessKeySecret: creds.accessKeySecret,
    stsToken: creds.securityToken,
    bucket: cfg.bucket,
    // As the official V4 sample does: the invocation's credentials are the
    // fresh ones (and without these two, ali-oss warns on every new client).
    refreshSTSTokenInterval: 0,
    refreshSTSToken: async () => ({
      accessKeyId: creds.accessKeyId,
      accessKeySecret: creds.accessKeySecret,
      stsToken: creds.securityToken,
    }),
  });
  const date = ossDate(now);
  const expiration = new Date(now.getTime() + PROFILE.expiryMinutes * 60000);
  const credential = getCredential(date.split('T')[0], getStandardRegion(client.options.region), client.options.accessKeyId);
  const key = `uploads/${PROFILE.name}/${keySafe(user)}/${date.slice(0, 4)}/${date.slice(4, 6)}/${date.slice(6, 8)}/` +
    `${crypto.randomUUID()}${PROFILE.types[file.type]}`;
  const fields = {
    key,
    'Content-Type': file.type,
    success_action_status: PROFILE.successActionStatus,
    'x-oss-meta-uploader': user,
    'x-oss-meta-profile': PROFILE.name,
    'x-oss-meta-filename': encodeURIComponent(file.name),
  };
  const conditions = [{ bucket: cfg.bucket }];
  for (const [k, v] of Object.entries(fields)) conditions.push(['eq', `$${k}`, v]);
  conditions.push(['content-length-range', PROFILE.minSize, PROFILE.maxSize]);
  conditions.push({ 'x-oss-signature-version': 'OSS4-HMAC-SHA256' });
  conditions.push({ 'x-oss-credential': credential });
  conditions.push({ 'x-oss-date': date });
  if (client.options.stsToken) conditions.push({ 'x-oss-security-token': client.options.stsToken });
  const policy = { expiration: expiration.toISOString(), conditions };
  const signature = client.signPostObjectPolicyV4(policy, now);
  Object.assign(fields, {
    policy: Buffer.from(policy2Str(policy), 'utf8').toString('base64'),
    'x-oss-signature-version': 'OSS4-HMAC-SHA256',
    'x-oss-credential': credential,
    'x-oss-date': date,
    'x-oss-signature': signature,
  });
  if (client.options.stsToken) fields['x-oss-security-token'] = client.options.stsToken;
  const url = `https://${cfg.bucket}.oss-${cfg.region}.aliyuncs.com`;
  return { url, key, fields, expiresAt: expiration.toISOString(), maxSize: PROFILE.maxSize, objectUrl: `${url}/${key}` };
}

// newSigner returns sign(creds, authorization, body, now) for cfg
// ({bucket, region, jwtSecret, jwtKey}). jwtKey 'string' passes the secret to
// jwt.verify as a string, as most samples do (jsonwebtoken 9 then first tries
// to parse it as a public key on every call, which is costly); 'keyobject'
// makes a crypto KeyObject once, the tuned form. sign answers one POST /sign:
// authorization is the Authorization header, body the raw request body, creds
// the invocation's STS credentials; it returns {status, body}, body JSON text.
function newSigner(cfg) {
  const key = cfg.jwtKey === 'keyobject' ? crypto.createSecretKey(Buffer.from(cfg.jwtSecret, 'utf8')) : cfg.jwtSecret;
  return (creds, authorization, body, now) => sign(cfg, key, creds, authorization, body, now);
}

function sign(cfg, key, creds, authorization, body, now) {
  const m = /^Bearer (.+)$/.exec(authorization || '');
  if (!m) return fail(401, 'Unauthorized', 'missing bearer token');
  let claims;
  try {
    claims = jwt.verify(m[1], key, { algorithms: ['HS256'] });
  } catch (e) {
    return fail(401, 'Unauthorized', 'invalid token');
  }
  let req;
  try {
    req = JSON.parse(body);
  } catch (e) {
    return fail(400, 'BadRequest', 'malformed JSON');
  }
  if (req.profile !== PROFILE.name || !Array.isArray(req.files) || req.files.length < 1 || req.files.length > PROFILE.maxFiles) {
    return fail(400, 'BadRequest', 'bad profile or files');
  }
  for (const f of req.files) {
    if (!PROFILE.types[f.type]) return fail(415, 'UnsupportedMediaType', 'type not allowed');
    if (!(f.size >= PROFILE.minSize && f.size <= PROFILE.maxSize)) return fail(413, 'TooLarge', 'size not allowed');
  }
  const uploads = req.files.map((f) => ticket(cfg, creds, String(claims.sub), f, now));
  return { status: 200, body: JSON.stringify({ uploads }) };
}

module.exports = { newSigner, ossDate };
