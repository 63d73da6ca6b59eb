// The fake server the multipart client tests run against is only worth what
// it refuses: its V4 query signing is checked against ali-oss's vectors, and
// its answers to bad part requests and bad API calls against what OSS and the
// API says (docs/api.md), with plain HTTP, no client.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { presign } from './oss-v4.js';
import { startFake } from './fake-server.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const KiB = 1024;

test('V4 presigning matches ali-oss signatureUrlV4 on every committed vector', () => {
  const file = path.join(repoRoot, 'testdata', 'vectors', 'ali-oss-presign-v4.json');
  const { vectors } = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.ok(vectors.length >= 10, `vectors: ${vectors.length}`);
  for (const v of vectors) {
    const i = v.input;
    const got = presign(
      i.credentials,
      { method: i.method, bucket: i.bucket, key: i.key, query: i.queries, headers: i.headers, additionalHeaders: i.additionalHeaders, expiresSec: i.expires },
      i.region,
      new Date(i.time),
    );
    assert.equal(got.canonicalRequest, v.want.canonicalRequest, `${v.name}: canonical request`);
    assert.equal(got.signature, v.want.signature, `${v.name}: signature`);
  }
});

/** http1 makes one request and resolves with {status, headers, text, json}. */
function http1(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    if (body !== undefined) headers = { 'Content-Length': String(Buffer.byteLength(body)), ...headers };
    const req = http.request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const api = (fake, route, payload, { method = 'POST', user } = {}) =>
  http1(fake.url + route, {
    method,
    headers: { 'Content-Type': 'application/json', ...(user ? { Authorization: 'Bearer ' + user } : {}) },
    body: JSON.stringify(payload),
  });

const PROFILES = {
  video: { types: ['video/mp4'], maxSize: 64 << 20, multipart: { partSize: 100 * KiB, threshold: 300 * KiB } },
  photo: { types: ['image/png'], maxSize: 1 << 20 },
};

/** started starts a fake and, as user, a multipart upload of a size-byte file of the video profile. */
async function started(t, { size = 250 * KiB, user = 'alice' } = {}) {
  const fake = await startFake({ profiles: PROFILES });
  t.after(fake.close);
  const res = await api(fake, '/uploads/multipart', { profile: 'video', file: { name: 'a.mp4', type: 'video/mp4', size } }, { user });
  assert.equal(res.status, 200, res.text);
  return { fake, up: res.json.upload };
}

const put = (part, body, headers = part.headers) => http1(part.url, { method: 'PUT', headers, body });
const xmlCode = (text) => (/<Code>([^<]*)<\/Code>/.exec(text) || [])[1];

describe('fake OSS refuses what OSS refuses', () => {
  test('the first answer follows the schedule: 3 parts of 100, 100, 50 KiB, all with URLs', async (t) => {
    const { up } = await started(t);
    assert.equal(up.partSize, 100 * KiB);
    assert.equal(up.partCount, 3);
    assert.deepEqual(up.parts.map((p) => [p.number, p.size]), [[1, 102400], [2, 102400], [3, 51200]]);
    assert.deepEqual(up.parts[0].headers, { 'Content-Type': 'application/octet-stream' });
    assert.match(up.key, /^uploads\/video\/alice\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{32}\.mp4$/);
    assert.ok(Date.parse(up.expiresAt) > Date.now() && Date.parse(up.expiresAt) <= Date.now() + 15 * 60_000 + 1000, up.expiresAt);
    assert.match(up.parts[0].url, /x-oss-additional-headers=content-length/);
  });

  test('a part of exactly its size with the signed headers is stored', async (t) => {
    const { fake, up } = await started(t);
    const res = await put(up.parts[2], Buffer.alloc(50 * KiB, 1));
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.etag, /^"[0-9A-F]{32}"$/);
    assert.equal(fake.oss.uploads.get(up.uploadId).parts.get(3).size, 50 * KiB);
  });

  const refused = [
    { name: 'one byte short', body: 50 * KiB - 1, status: 403, code: 'SignatureDoesNotMatch' },
    { name: 'one byte long', body: 50 * KiB + 1, status: 403, code: 'SignatureDoesNotMatch' },
    { name: 'another Content-Type', body: 50 * KiB, headers: { 'Content-Type': 'application/json' }, status: 403, code: 'SignatureDoesNotMatch' },
    { name: 'no Content-Type', body: 50 * KiB, headers: {}, status: 403, code: 'SignatureDoesNotMatch' },
  ];
  for (const c of refused) {
    test(`a part ${c.name} is refused with ${c.status} ${c.code}`, async (t) => {
      const { fake, up } = await started(t);
      const res = await put(up.parts[2], Buffer.alloc(c.body, 1), c.headers || up.parts[2].headers);
      assert.equal(res.status, c.status, res.text);
      assert.equal(xmlCode(res.text), c.code);
      assert.match(res.headers['content-type'], /xml/);
      assert.equal(fake.oss.uploads.get(up.uploadId).parts.size, 0, 'nothing stored');
    });
  }

  test('a part URL past its expiry is refused with AccessDenied "Request has expired."', async (t) => {
    const { fake, up } = await started(t);
    fake.oss.clockOffsetMs = 15 * 60_000 + 1000;
    const res = await put(up.parts[0], Buffer.alloc(100 * KiB));
    assert.equal(res.status, 403);
    assert.equal(xmlCode(res.text), 'AccessDenied');
    assert.match(res.text, /<Message>Request has expired\.<\/Message>/);
    const fresh = await api(fake, '/uploads/multipart/parts', { key: up.key, uploadId: up.uploadId, size: 250 * KiB, parts: [1] }, { user: 'alice' });
    assert.equal(fresh.status, 200, fresh.text);
    assert.deepEqual(fresh.json.parts.map((p) => p.number), [1]);
    assert.equal((await put(fresh.json.parts[0], Buffer.alloc(100 * KiB))).status, 200);
  });

  test('a part of an aborted upload is refused with 404 NoSuchUpload', async (t) => {
    const { fake, up } = await started(t);
    const del = await api(fake, '/uploads/multipart', { key: up.key, uploadId: up.uploadId }, { method: 'DELETE', user: 'alice' });
    assert.equal(del.status, 204, del.text);
    const res = await put(up.parts[0], Buffer.alloc(100 * KiB));
    assert.equal(res.status, 404);
    assert.equal(xmlCode(res.text), 'NoSuchUpload');
    const again = await api(fake, '/uploads/multipart', { key: up.key, uploadId: up.uploadId }, { method: 'DELETE', user: 'alice' });
    assert.deepEqual([again.status, again.json.error.code], [404, 'NoSuchUpload']);
  });
});

describe('fake sign function answers as the fixed API says', () => {
  test('resume: /parts without parts lists done and the first missing parts', async (t) => {
    const { fake, up } = await started(t);
    assert.equal((await put(up.parts[1], Buffer.alloc(100 * KiB))).status, 200);
    const res = await api(fake, '/uploads/multipart/parts', { key: up.key, uploadId: up.uploadId, size: 250 * KiB }, { user: 'alice' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.done, [2]);
    assert.deepEqual(res.json.parts.map((p) => [p.number, p.size]), [[1, 102400], [3, 51200]]);
  });

  test('complete with a missing part is 409 PartsMissing naming it, and the upload stays resumable', async (t) => {
    const { fake, up } = await started(t);
    await put(up.parts[0], Buffer.alloc(100 * KiB));
    await put(up.parts[2], Buffer.alloc(50 * KiB));
    const res = await api(fake, '/uploads/multipart/complete', { key: up.key, uploadId: up.uploadId, size: 250 * KiB }, { user: 'alice' });
    assert.equal(res.status, 409, res.text);
    assert.equal(res.json.error.code, 'PartsMissing');
    assert.deepEqual(res.json.error.missing, [2]);
    assert.ok(res.json.error.requestId);
    await put(up.parts[1], Buffer.alloc(100 * KiB, 2));
    const ok = await api(fake, '/uploads/multipart/complete', { key: up.key, uploadId: up.uploadId, size: 250 * KiB }, { user: 'alice' });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(Object.keys(ok.json).sort(), ['etag', 'key', 'objectUrl', 'size']);
    assert.equal(ok.json.size, 250 * KiB);
    assert.match(ok.json.etag, /^[0-9A-F]{32}-3$/);
    assert.equal(fake.oss.objects.get(up.key).content.length, 250 * KiB);
  });

  test('complete with another declared size is 409 PartSizeMismatch', async (t) => {
    const { fake, up } = await started(t);
    for (const [i, n] of [[0, 100], [1, 100], [2, 50]]) await put(up.parts[i], Buffer.alloc(n * KiB));
    const res = await api(fake, '/uploads/multipart/complete', { key: up.key, uploadId: up.uploadId, size: 260 * KiB }, { user: 'alice' });
    assert.deepEqual([res.status, res.json.error.code], [409, 'PartSizeMismatch'], res.text);
  });

  test('two completes racing: one object, the other NoSuchUpload', async (t) => {
    const { fake, up } = await started(t);
    for (const [i, n] of [[0, 100], [1, 100], [2, 50]]) await put(up.parts[i], Buffer.alloc(n * KiB));
    const body = { key: up.key, uploadId: up.uploadId, size: 250 * KiB };
    const [a, b] = await Promise.all([api(fake, '/uploads/multipart/complete', body, { user: 'alice' }), api(fake, '/uploads/multipart/complete', body, { user: 'alice' })]);
    assert.deepEqual([a.status, b.status].sort(), [200, 404]);
    assert.equal(fake.oss.objects.size, 1);
  });

  const calls = [
    { name: 'complete by another user', route: '/uploads/multipart/complete', user: 'mallory', status: 403, code: 'Forbidden' },
    { name: 'parts by another user', route: '/uploads/multipart/parts', user: 'mallory', status: 403, code: 'Forbidden' },
    { name: 'abort by another user', route: '/uploads/multipart', method: 'DELETE', user: 'mallory', status: 403, code: 'Forbidden' },
    { name: 'a malformed key', route: '/uploads/multipart/complete', body: { key: 'uploads/../x' }, status: 400, code: 'InvalidUpload' },
    { name: 'a malformed uploadId', route: '/uploads/multipart/parts', body: { uploadId: 'x' }, status: 400, code: 'InvalidUpload' },
    { name: 'an unknown uploadId', route: '/uploads/multipart/parts', body: { uploadId: 'A'.repeat(32) }, status: 404, code: 'NoSuchUpload' },
    { name: 'more than 100 part URLs', route: '/uploads/multipart/parts', body: { parts: Array.from({ length: 101 }, () => 1) }, status: 400, code: 'BadRequest' },
    { name: 'a part number out of the schedule', route: '/uploads/multipart/parts', body: { parts: [4] }, status: 400, code: 'BadRequest' },
    { name: 'a size over maxSize', route: '/uploads/multipart/complete', body: { size: (64 << 20) + 1 }, status: 413, code: 'FileTooLarge' },
  ];
  for (const c of calls) {
    test(`${c.name}: ${c.status} ${c.code}`, async (t) => {
      const { fake, up } = await started(t);
      const body = { key: up.key, uploadId: up.uploadId, size: 250 * KiB, ...(c.body || {}) };
      const res = await api(fake, c.route, body, { method: c.method || 'POST', user: c.user || 'alice' });
      assert.equal(res.status, c.status, res.text);
      assert.equal(res.json.error.code, c.code);
      assert.ok(res.json.error.message);
    });
  }

  const creates = [
    { name: 'a profile without multipart', body: { profile: 'photo', file: { name: 'a.png', type: 'image/png', size: 10 } }, status: 400, code: 'MultipartNotAllowed' },
    { name: 'a type the profile refuses', body: { profile: 'video', file: { name: 'a.png', type: 'image/png', size: 10 } }, status: 415, code: 'UnsupportedType' },
    { name: 'an empty file', body: { profile: 'video', file: { name: 'a.mp4', type: 'video/mp4', size: 0 } }, status: 400, code: 'InvalidSize' },
    { name: 'a file over maxSize', body: { profile: 'video', file: { name: 'a.mp4', type: 'video/mp4', size: (64 << 20) + 1 } }, status: 413, code: 'FileTooLarge' },
  ];
  for (const c of creates) {
    test(`create with ${c.name}: ${c.status} ${c.code}`, async (t) => {
      const fake = await startFake({ profiles: PROFILES });
      t.after(fake.close);
      const res = await api(fake, '/uploads/multipart', c.body);
      assert.equal(res.status, c.status, res.text);
      assert.equal(res.json.error.code, c.code);
    });
  }

  test('more than 10,000 parts is 400 TooManyParts', async (t) => {
    const fake = await startFake({ profiles: { big: { types: ['video/mp4'], maxSize: 2 * 2 ** 30, multipart: { partSize: 100 * KiB, threshold: 1 } } } });
    t.after(fake.close);
    const res = await api(fake, '/uploads/multipart', { profile: 'big', file: { name: 'a.mp4', type: 'video/mp4', size: 10000 * 100 * KiB + 1 } });
    assert.deepEqual([res.status, res.json.error.code], [400, 'TooManyParts']);
  });

  test('/sign answers MultipartRequired with threshold and partSize at or above the threshold only', async (t) => {
    const fake = await startFake({ profiles: PROFILES });
    t.after(fake.close);
    const below = await api(fake, '/sign', { profile: 'video', files: [{ name: 'a.mp4', type: 'video/mp4', size: 300 * KiB - 1 }] });
    assert.equal(below.status, 200, below.text);
    const at = await api(fake, '/sign', { profile: 'video', files: [{ name: 'a.mp4', type: 'video/mp4', size: 300 * KiB }] });
    assert.equal(at.status, 400);
    assert.equal(at.json.error.code, 'MultipartRequired');
    assert.equal(at.json.error.threshold, 300 * KiB);
    assert.equal(at.json.error.partSize, 100 * KiB);
  });

  test('CORS: a preflight for PUT with Content-Type is answered for an allowed origin and refused for another', async (t) => {
    const fake = await startFake({ profiles: PROFILES, corsOrigins: ['http://page.example'] });
    t.after(fake.close);
    const pre = (origin) =>
      http1(fake.oss.url + '/ossgate-fake/k', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' } });
    const ok = await pre('http://page.example');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], 'http://page.example');
    assert.match(ok.headers['access-control-allow-methods'], /PUT/);
    const no = await pre('http://evil.example');
    assert.equal(no.status, 403);
    assert.equal(xmlCode(no.text), 'AccessDenied');
  });
});
