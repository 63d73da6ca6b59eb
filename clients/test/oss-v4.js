// OSS V4 query signing (OSS4-HMAC-SHA256 presigned URLs) for the fake
// server: presign builds the URLs the fake sign function hands out, and
// verifyPresigned recomputes the signature from the request the fake OSS
// receives, as OSS does, so a client that sends another Content-Type or
// another body size is refused. Checked against ali-oss signatureUrlV4
// vectors (testdata/vectors/ali-oss-presign-v4.json) in fake.test.js.
import crypto from 'node:crypto';

const ALGORITHM = 'OSS4-HMAC-SHA256';

/** escapeQuery percent-encodes every byte but A-Z a-z 0-9 - _ . ~ (RFC 3986). */
export function escapeQuery(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** escapePath is escapeQuery that keeps '/'. */
export function escapePath(p) {
  return escapeQuery(p).replace(/%2F/g, '/');
}

/** encodeQuery is the canonical query: escaped names and values, sorted by escaped name, a=b&c=d (a bare name for an empty value). */
export function encodeQuery(query) {
  return Object.keys(query)
    .map((k) => [escapeQuery(k), escapeQuery(String(query[k]))])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => (v === '' ? k : k + '=' + v))
    .join('&');
}

const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

function signingKey(secret, day, region) {
  return hmac(hmac(hmac(hmac('aliyun_v4' + secret, day), region), 'oss'), 'aliyun_v4_request');
}

function amzDate(d) {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** signedHeaderNames: content-type, content-md5, x-oss-* and the additional ones are signed. */
function signedAnyway(name) {
  return name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-');
}

/**
 * canonicalRequest is the V4 canonical request; headers has lower-case names,
 * additional is the sorted list of additional header names.
 */
export function canonicalRequest(method, bucket, key, canonicalQuery, headers, additional) {
  const names = Object.keys(headers).sort();
  let s = method + '\n' + escapePath('/' + (bucket ? bucket + '/' : '') + key) + '\n' + canonicalQuery + '\n';
  for (const n of names) s += n + ':' + String(headers[n]).trim() + '\n';
  return s + '\n' + additional.join(';') + '\n' + 'UNSIGNED-PAYLOAD';
}

/**
 * presign signs {method, bucket, key, query, headers, additionalHeaders,
 * expiresSec} with creds {accessKeyId, accessKeySecret, securityToken} at
 * time at (a Date) for region, and returns {query (the URL's query string),
 * canonicalRequest, stringToSign, signature}.
 */
export function presign(creds, r, region, at) {
  const date = amzDate(at);
  const day = date.slice(0, 8);
  const headers = {};
  for (const k of Object.keys(r.headers || {})) headers[k.toLowerCase()] = r.headers[k];
  const additional = [...new Set((r.additionalHeaders || []).map((h) => h.toLowerCase()))].filter((h) => !signedAnyway(h)).sort();
  const q = { ...(r.query || {}) };
  q['x-oss-signature-version'] = ALGORITHM;
  q['x-oss-credential'] = `${creds.accessKeyId}/${day}/${region}/oss/aliyun_v4_request`;
  q['x-oss-date'] = date;
  q['x-oss-expires'] = String(r.expiresSec);
  if (additional.length) q['x-oss-additional-headers'] = additional.join(';');
  if (creds.securityToken) q['x-oss-security-token'] = creds.securityToken;
  const cq = encodeQuery(q);
  const canonical = canonicalRequest(r.method, r.bucket, r.key, cq, headers, additional);
  const sts = `${ALGORITHM}\n${date}\n${day}/${region}/oss/aliyun_v4_request\n` + crypto.createHash('sha256').update(canonical).digest('hex');
  const signature = hmac(signingKey(creds.accessKeySecret, day, region), sts).toString('hex');
  return { query: cq + '&x-oss-signature=' + signature, canonicalRequest: canonical, stringToSign: sts, signature };
}

/** parseQuery decodes a raw query string into {name: value} (the last value of a repeated name wins). */
export function parseQuery(raw) {
  const out = {};
  for (const kv of (raw || '').split('&')) {
    if (!kv) continue;
    const i = kv.indexOf('=');
    const k = decodeURIComponent(i < 0 ? kv : kv.slice(0, i));
    out[k] = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1));
  }
  return out;
}

/**
 * verifyPresigned checks a presigned request as OSS does and returns null
 * when it is good, or {status, code, message} when it is not. req:
 * {method, bucket, key (decoded), query ({name: value}), headers (lower-case
 * names)}; credsFor(accessKeyId) gives the secret's credentials or null; now
 * is a Date.
 */
export function verifyPresigned(req, credsFor, region, now) {
  const q = req.query;
  const need = ['x-oss-signature-version', 'x-oss-credential', 'x-oss-date', 'x-oss-expires', 'x-oss-signature'];
  for (const n of need) {
    if (q[n] === undefined) return { status: 403, code: 'AccessDenied', message: `Missing query parameter ${n} in a V4 presigned request.` };
  }
  if (q['x-oss-signature-version'] !== ALGORITHM) return { status: 400, code: 'InvalidArgument', message: 'Unsupported signature version.' };
  const [ak, day, reg, svc, term] = q['x-oss-credential'].split('/');
  const creds = credsFor(ak);
  if (!creds) return { status: 403, code: 'InvalidAccessKeyId', message: 'The OSS Access Key Id you provided does not exist in our records.' };
  if (reg !== region || svc !== 'oss' || term !== 'aliyun_v4_request' || day !== q['x-oss-date'].slice(0, 8)) {
    return { status: 403, code: 'SignatureDoesNotMatch', message: 'The credential scope of the request is invalid.' };
  }
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(q['x-oss-date']);
  const expires = Number(q['x-oss-expires']);
  if (!m || !Number.isInteger(expires) || expires < 1 || expires > 7 * 86400) {
    return { status: 400, code: 'InvalidArgument', message: 'x-oss-date or x-oss-expires is invalid.' };
  }
  const signedAt = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (now.getTime() > signedAt + expires * 1000) return { status: 403, code: 'AccessDenied', message: 'Request has expired.' };
  if (creds.securityToken && q['x-oss-security-token'] !== creds.securityToken) {
    return { status: 403, code: 'InvalidSecurityToken', message: 'The security token you provided is invalid.' };
  }
  const additional = q['x-oss-additional-headers'] ? q['x-oss-additional-headers'].split(';') : [];
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (signedAnyway(name) || additional.includes(name)) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  for (const name of additional) if (headers[name] === undefined) headers[name] = '';
  const { 'x-oss-signature': given, ...rest } = q;
  const canonical = canonicalRequest(req.method, req.bucket, req.key, encodeQuery(rest), headers, additional);
  const sts = `${ALGORITHM}\n${q['x-oss-date']}\n${day}/${region}/oss/aliyun_v4_request\n` + crypto.createHash('sha256').update(canonical).digest('hex');
  const want = hmac(signingKey(creds.accessKeySecret, day, region), sts).toString('hex');
  if (want !== given) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      canonicalRequest: canonical,
    };
  }
  return null;
}
