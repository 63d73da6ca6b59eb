'use strict';
// matrix.js: the ali-oss columns of the client matrix (local/ossemu/matrix).
// Alibaba's official Node client (ali-oss, pinned in package.json) runs every
// row of the matrix against a local OSS endpoint (ossemu) and reports what it
// observed; the Go test compares the observations with the expected facts.
//
// stdin: {endpoint: "http://127.0.0.1:PORT", bucket, region,
//         sts: {accessKeyId, accessKeySecret, securityToken},
//         expired: {...same, an STS credential past its expiry},
//         unknownAccessKeyId,
//         rows: ["put-get", ...],
//         columns: [{name, v4: bool, style: "path"|"vhost", prefix}]}
// stdout: {<column>: {<row>: {facts: {name: value}} | {cannot: reason} | {error: message}}}
//
// Path style is sldEnable with the endpoint host "localhost" (requests to
// /bucket/key); virtual-host style is the bucket as a subdomain of localhost
// (Host: bucket.localhost:PORT). Every name resolves to 127.0.0.1 through the
// agent's lookup: nothing leaves the loopback interface.
const http = require('http');
const crypto = require('crypto');
const OSS = require('ali-oss');

const lookup = (host, opts, cb) => {
  if (opts && opts.all) return cb(null, [{ address: '127.0.0.1', family: 4 }]);
  return cb(null, '127.0.0.1', 4);
};
const agent = new http.Agent({ keepAlive: true, lookup });

const md5hex = b => crypto.createHash('md5').update(b).digest('hex');
const sleep = ms => new Promise(r => setTimeout(r, ms));

// outcome runs fn and renders its HTTP result: "200", or "403 Code" for an
// OSS error (the status alone when the answer has no code, e.g. HEAD).
async function outcome(fn) {
  try {
    const r = await fn();
    const status = r.res ? r.res.status : r.status;
    return status >= 200 && status < 300 ? 'ok' : String(status);
  } catch (e) {
    if (e.status === undefined || e.status < 0) throw e;
    return e.code && !e.code.startsWith('Unknown') ? `${e.status} ${e.code}` : String(e.status);
  }
}

// fetchURL sends one request to a (presigned) URL on loopback.
function fetchURL(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, lookup, agent: false }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// xmlField reads one element of an OSS error body.
const xmlField = (body, name) => {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(body.toString());
  return m ? m[1] : '';
};
const urlOutcome = r => (r.status < 300 ? String(r.status) : `${r.status} ${xmlField(r.body, 'Code')}`);

const PART1 = Buffer.alloc(100 << 10, 'a');
const PART2 = Buffer.alloc(100 << 10, 'b');
const PART3 = Buffer.from('c');

function makeClient(cfg, col, cred, extra = {}) {
  return new OSS({
    endpoint: cfg.endpoint.replace('127.0.0.1', 'localhost'),
    bucket: cfg.bucket,
    region: `oss-${cfg.region}`,
    accessKeyId: cred.accessKeyId,
    accessKeySecret: cred.accessKeySecret,
    stsToken: cred.securityToken || undefined,
    authorizationV4: col.v4,
    sldEnable: col.style === 'path',
    agent,
    timeout: 20000,
    retryMax: 0,
    ...extra,
  });
}

// rows maps each matrix row to its ali-oss implementation: c is the column's
// client, p the column's key prefix. A row returns its facts, or
// {cannot: reason} when the client cannot express it.
const rows = {
  async 'put-get'(c, p) {
    const put = await c.put(`${p}meta/a.txt`, Buffer.from('hello world'), {
      mime: 'text/plain', meta: { uid: '42' },
    });
    const got = await c.get(`${p}meta/a.txt`);
    return { 'put-etag': put.res.headers.etag, body: got.content.toString(), 'get-content-type': got.res.headers['content-type'] };
  },
  async head(c, p) {
    const h = await c.head(`${p}meta/a.txt`);
    const hd = h.res.headers;
    return {
      'content-length': hd['content-length'], etag: hd.etag, 'meta-uid': h.meta.uid,
      'object-type': hd['x-oss-object-type'], 'last-modified': Number.isNaN(Date.parse(hd['last-modified'])) ? 'bad' : 'ok',
    };
  },
  async 'odd-keys'(c, p) {
    const keys = { space: 'odd/a b.txt', plus: 'odd/a+b.txt', percent: 'odd/100%.txt', unicode: 'odd/中文 ключ.txt' };
    keys['1023-bytes'] = `long/${'k'.repeat(1023 - Buffer.byteLength(`${p}long/`))}`;
    const facts = {};
    for (const [label, k] of Object.entries(keys)) {
      await c.put(p + k, Buffer.from(label));
      facts[label] = (await c.get(p + k)).content.toString();
    }
    const l = await c.listV2({ prefix: `${p}odd/`, 'max-keys': 100 });
    facts.list = (l.objects || []).map(o => o.name.slice(p.length)).join('|');
    return facts;
  },
  async 'get-range'(c, p) {
    await c.put(`${p}range.txt`, Buffer.from('0123456789'));
    const facts = {};
    for (const r of ['2-5', '7-', '-3']) {
      const g = await c.get(`${p}range.txt`, { headers: { Range: `bytes=${r}` } });
      facts[r] = `${g.res.status} ${g.content.toString()}`;
    }
    return facts;
  },
  async 'list-v2'(c, p) {
    await putListFixture(c, p);
    const keys = []; const prefixes = []; let token; let pages = 0;
    do {
      const q = { prefix: `${p}list/`, delimiter: '/', 'max-keys': 2 };
      if (token) q['continuation-token'] = token;
      const r = await c.listV2(q);
      pages++;
      (r.objects || []).forEach(o => keys.push(o.name.slice(`${p}list/`.length)));
      (r.prefixes || []).forEach(x => prefixes.push(x.slice(`${p}list/`.length)));
      token = r.isTruncated ? r.nextContinuationToken : undefined;
    } while (token && pages < 10);
    return { keys: keys.join('|'), prefixes: prefixes.join('|'), pages: String(pages) };
  },
  async 'list-v1'(c, p) {
    await putListFixture(c, p);
    const keys = []; const prefixes = []; let marker; let pages = 0;
    do {
      const q = { prefix: `${p}list/`, delimiter: '/', 'max-keys': 2 };
      if (marker) q.marker = marker;
      const r = await c.list(q);
      pages++;
      (r.objects || []).forEach(o => keys.push(o.name.slice(`${p}list/`.length)));
      (r.prefixes || []).forEach(x => prefixes.push(x.slice(`${p}list/`.length)));
      marker = r.isTruncated ? r.nextMarker : undefined;
    } while (marker && pages < 10);
    return { keys: keys.join('|'), prefixes: prefixes.join('|'), pages: String(pages) };
  },
  async delete(c, p) {
    await c.put(`${p}del.txt`, Buffer.from('x'));
    await c.delete(`${p}del.txt`);
    return {
      'get-after': await outcome(() => c.get(`${p}del.txt`)),
      'delete-missing': await outcome(() => c.delete(`${p}del.txt`)),
    };
  },
  async 'get-missing'(c, p) {
    return { get: await outcome(() => c.get(`${p}missing.txt`)), head: (await outcome(() => c.head(`${p}missing.txt`))).split(' ')[0] };
  },
  async 'delete-multiple'(c, p) {
    for (const k of ['x/1', 'x/2', 'x/3']) await c.put(`${p}${k}`, Buffer.from(k));
    const r = await c.deleteMulti([`${p}x/1`, `${p}x/2`, `${p}x/missing`], { quiet: false });
    const deleted = (r.deleted || []).map(d => (typeof d === 'string' ? d : d.Key).slice(p.length)).sort();
    const left = await c.listV2({ prefix: `${p}x/` });
    return { deleted: deleted.join('|'), remaining: (left.objects || []).map(o => o.name.slice(p.length)).join('|') };
  },
  async copy(c, p) {
    await c.copy(`${p}copy/a.txt`, `${p}meta/a.txt`);
    const h = await c.head(`${p}copy/a.txt`);
    return { etag: h.res.headers.etag, 'meta-uid': h.meta.uid, 'content-type': h.res.headers['content-type'] };
  },
  async tagging(c, p) {
    await c.put(`${p}tag.txt`, Buffer.from('t'));
    await c.putObjectTagging(`${p}tag.txt`, { state: 'quarantined', n: '1' });
    const tags = async () => {
      const t = (await c.getObjectTagging(`${p}tag.txt`)).tag || {};
      return Object.keys(t).sort().map(k => `${k}=${t[k]}`).join('&');
    };
    const got = await tags();
    await c.deleteObjectTagging(`${p}tag.txt`);
    return { get: got, 'after-delete': await tags() };
  },
  async 'presign-get'(c, p, col) {
    const url = col.v4 ? await c.signatureUrlV4('GET', 60, undefined, `${p}meta/a.txt`) : c.signatureUrl(`${p}meta/a.txt`, { expires: 60 });
    const r = await fetchURL(url);
    return { status: String(r.status), body: r.body.toString() };
  },
  async 'presign-put'(c, p, col) {
    const key = `${p}presigned/put.txt`;
    const url = col.v4
      ? await c.signatureUrlV4('PUT', 60, { headers: { 'Content-Type': 'text/plain' } }, key)
      : c.signatureUrl(key, { method: 'PUT', expires: 60, 'Content-Type': 'text/plain' });
    const r = await fetchURL(url, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'via url' });
    return { status: urlOutcome(r), body: (await c.get(key)).content.toString() };
  },
  async 'presign-put-content-length'(c, p, col) {
    if (!col.v4) return { cannot: 'a V1 presigned URL (OSSAccessKeyId/Expires/Signature) signs no additional headers' };
    const key = `${p}presigned/len.txt`;
    const url = await c.signatureUrlV4('PUT', 60, { headers: { 'content-length': '5' } }, key, ['content-length']);
    const right = await fetchURL(url, { method: 'PUT', body: 'abcde' });
    const wrong = await fetchURL(url, { method: 'PUT', body: 'abcdef' });
    return { right: urlOutcome(right), wrong: urlOutcome(wrong), 'additional-headers': new URL(url).searchParams.get('x-oss-additional-headers') };
  },
  async 'presign-expired'(c, p, col, ctx) {
    const r = await fetchURL(ctx.expiredURL);
    return { status: String(r.status), code: xmlField(r.body, 'Code'), ec: xmlField(r.body, 'EC') };
  },
  async conditional(c, p) {
    const key = `${p}meta/a.txt`;
    const etag = (await c.head(key)).res.headers.etag;
    const future = new Date(Date.now() + 3600e3).toUTCString();
    const past = new Date(Date.now() - 24 * 3600e3).toUTCString();
    return {
      'if-match': await outcome(() => c.get(key, { headers: { 'If-Match': etag } })),
      'if-match-wrong': await outcome(() => c.get(key, { headers: { 'If-Match': '"0123"' } })),
      'if-none-match': await outcome(() => c.get(key, { headers: { 'If-None-Match': etag } })),
      'if-modified-since-future': await outcome(() => c.get(key, { headers: { 'If-Modified-Since': future } })),
      'if-unmodified-since-past': await outcome(() => c.get(key, { headers: { 'If-Unmodified-Since': past } })),
      'head-if-none-match': await outcome(() => c.head(key, { headers: { 'If-None-Match': etag } })),
    };
  },
  async 'forbid-overwrite'(c, p) {
    const forbid = { headers: { 'x-oss-forbid-overwrite': 'true' } };
    return {
      'put-existing': await outcome(() => c.put(`${p}meta/a.txt`, Buffer.from('no'), forbid)),
      'put-new': await outcome(() => c.put(`${p}forbid/new.txt`, Buffer.from('new'), forbid)),
      'copy-existing': await outcome(() => c.copy(`${p}meta/a.txt`, `${p}range.txt`, forbid)),
    };
  },
  async multipart(c, p) {
    const key = `${p}mp/big.bin`;
    const init = await c.initMultipartUpload(key, { mime: 'application/x-test', meta: { uid: '7' } });
    const parts = [];
    for (const [n, data] of [[1, PART1], [2, PART2], [3, PART3]]) {
      const r = await c.uploadPart(key, init.uploadId, n, data, 0, data.length);
      parts.push({ number: n, etag: r.etag });
    }
    const listed = await c.listParts(key, init.uploadId);
    const ups = await c.listUploads({ prefix: `${p}mp/` });
    const done = await c.completeMultipartUpload(key, init.uploadId, parts);
    const h = await c.head(key);
    const body = (await c.get(key)).content;
    return {
      parts: (listed.parts || []).map(x => `${x.PartNumber}:${x.Size}`).join('|'),
      uploads: (ups.uploads || []).map(u => u.name.slice(p.length)).join('|'),
      'complete-etag': done.etag, etag: h.res.headers.etag, size: h.res.headers['content-length'],
      'object-type': h.res.headers['x-oss-object-type'], 'content-type': h.res.headers['content-type'],
      'meta-uid': h.meta.uid, 'body-md5': md5hex(body),
    };
  },
  async 'upload-part-copy'(c, p) {
    const key = `${p}mp/copy.bin`;
    const init = await c.initMultipartUpload(key);
    const cp = await c.uploadPartCopy(key, init.uploadId, 1, `0-${PART1.length - 1}`, { sourceKey: `${p}mp/big.bin`, sourceBucketName: c.options.bucket });
    const tail = await c.uploadPart(key, init.uploadId, 2, Buffer.from('tail'), 0, 4);
    await c.completeMultipartUpload(key, init.uploadId, [{ number: 1, etag: cp.etag }, { number: 2, etag: tail.etag }]);
    const body = (await c.get(key)).content;
    return { size: String(body.length), 'body-md5': md5hex(body) };
  },
  async 'presign-upload-part'(c, p, col) {
    if (!col.v4) return { cannot: 'a V1 presigned URL (OSSAccessKeyId/Expires/Signature) signs no additional headers' };
    const key = `${p}mp/presigned.bin`;
    const init = await c.initMultipartUpload(key);
    const sign = (n, size) => c.signatureUrlV4('PUT', 60, {
      headers: { 'content-length': String(size) }, queries: { partNumber: n, uploadId: init.uploadId },
    }, key, ['content-length']);
    const u1 = await sign(1, PART1.length);
    const u2 = await sign(2, 4);
    const wrong = await fetchURL(u1, { method: 'PUT', body: Buffer.concat([PART1, Buffer.from('x')]) });
    const a1 = await fetchURL(u1, { method: 'PUT', body: PART1 });
    const a2 = await fetchURL(u2, { method: 'PUT', body: Buffer.from('tail') });
    await c.completeMultipartUpload(key, init.uploadId, [{ number: 1, etag: a1.headers.etag }, { number: 2, etag: a2.headers.etag }]);
    const body = (await c.get(key)).content;
    return {
      'part-1': urlOutcome(a1), 'wrong-length': urlOutcome(wrong), 'part-2': urlOutcome(a2),
      size: String(body.length), 'body-md5': md5hex(body),
    };
  },
  async 'multipart-abort'(c, p) {
    const key = `${p}mp/abort.bin`;
    const init = await c.initMultipartUpload(key);
    await c.uploadPart(key, init.uploadId, 1, PART3, 0, 1);
    await c.abortMultipartUpload(key, init.uploadId);
    return {
      'upload-after': await outcome(() => c.uploadPart(key, init.uploadId, 2, PART3, 0, 1)),
      'list-parts-after': await outcome(() => c.listParts(key, init.uploadId)),
    };
  },
  async 'multipart-invalid-part'(c, p) {
    const key = `${p}mp/invalid.bin`;
    const init = await c.initMultipartUpload(key);
    const r = await c.uploadPart(key, init.uploadId, 1, PART3, 0, 1);
    return {
      'wrong-etag': await outcome(() => c.completeMultipartUpload(key, init.uploadId, [{ number: 1, etag: '"00000000000000000000000000000000"' }])),
      'missing-part': await outcome(() => c.completeMultipartUpload(key, init.uploadId, [{ number: 1, etag: r.etag }, { number: 2, etag: r.etag }])),
    };
  },
  async 'multipart-invalid-order'() {
    return { cannot: 'completeMultipartUpload sorts the parts by number and drops duplicates before sending, and ali-oss has no public generic signed request' };
  },
  async 'multipart-too-small'(c, p) {
    const key = `${p}mp/small.bin`;
    const init = await c.initMultipartUpload(key);
    const small = Buffer.alloc(1024, 's');
    const a = await c.uploadPart(key, init.uploadId, 1, small, 0, small.length);
    const b = await c.uploadPart(key, init.uploadId, 2, small, 0, small.length);
    return { complete: await outcome(() => c.completeMultipartUpload(key, init.uploadId, [{ number: 1, etag: a.etag }, { number: 2, etag: b.etag }])) };
  },
  async 'multipart-no-such-upload'(c, p) {
    return { complete: await outcome(() => c.completeMultipartUpload(`${p}mp/none.bin`, '0123456789ABCDEF0123456789ABCDEF', [{ number: 1, etag: '"00"' }])) };
  },
  async skew(c, p, col, ctx) {
    const skewed = makeClient(ctx.cfg, col, ctx.cfg.sts, { amendTimeSkewed: -20 * 60 * 1000 });
    return { put: await outcome(() => skewed.put(`${p}skew.txt`, Buffer.from('x'))) };
  },
  async 'sts-expired'(c, p, col, ctx) {
    const e = makeClient(ctx.cfg, col, ctx.cfg.expired);
    try {
      await e.get(`${p}meta/a.txt`);
      return { get: '200' };
    } catch (err) {
      return { get: `${err.status} ${err.code}`, ec: err.ecCode || '' };
    }
  },
  async 'sts-wrong-token'(c, p, col, ctx) {
    const w = makeClient(ctx.cfg, col, { ...ctx.cfg.sts, securityToken: 'not-the-token' });
    return { get: await outcome(() => w.get(`${p}meta/a.txt`)) };
  },
  async 'sts-missing-token'(c, p, col, ctx) {
    const m = makeClient(ctx.cfg, col, { ...ctx.cfg.sts, securityToken: '' });
    return { get: await outcome(() => m.get(`${p}meta/a.txt`)) };
  },
  async 'unknown-key'(c, p, col, ctx) {
    const u = makeClient(ctx.cfg, col, { accessKeyId: ctx.cfg.unknownAccessKeyId, accessKeySecret: 'whatever' });
    return { get: await outcome(() => u.get(`${p}meta/a.txt`)) };
  },
};

async function putListFixture(c, p) {
  for (const k of ['a/1', 'a/2', 'b', 'c/x/1', 'd', 'e', 'f']) await c.put(`${p}list/${k}`, Buffer.from(k));
}

async function runColumn(cfg, col) {
  const c = makeClient(cfg, col, cfg.sts);
  const p = col.prefix;
  const ctx = { cfg };
  // The expired URL: V1 carries an Expires in the past; V4 a one-second
  // validity, checked at the end of the column, at least 2.1 s later.
  const t0 = Date.now();
  ctx.expiredURL = col.v4
    ? await c.signatureUrlV4('GET', 1, undefined, `${p}meta/a.txt`)
    : c.signatureUrl(`${p}meta/a.txt`, { expires: -60 });
  const out = {};
  const order = cfg.rows.filter(r => r !== 'presign-expired').concat(cfg.rows.includes('presign-expired') ? ['presign-expired'] : []);
  for (const name of order) {
    const fn = rows[name];
    if (!fn) {
      out[name] = { error: `matrix.js has no row ${name}` };
      continue;
    }
    if (name === 'presign-expired') await sleep(Math.max(0, 2100 - (Date.now() - t0)));
    try {
      const r = await fn(c, p, col, ctx);
      out[name] = r && r.cannot ? { cannot: r.cannot } : { facts: r };
    } catch (e) {
      out[name] = { error: `${e.name}: ${e.message}` };
    }
  }
  return out;
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', d => { input += d; });
process.stdin.on('end', async () => {
  const cfg = JSON.parse(input);
  const results = await Promise.all(cfg.columns.map(col => runColumn(cfg, col)));
  const out = {};
  cfg.columns.forEach((col, i) => { out[col.name] = results[i]; });
  out.implemented = Object.keys(rows);
  process.stdout.write(JSON.stringify(out));
  agent.destroy();
});
