// The browser module's transport in Node: a scripted XMLHttpRequest and
// fetch stand in for the browser's, so the form layout, progress mapping and
// error mapping are checked without a browser (browser.test.js does the
// real thing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { createWebUploader } from '../web/ossgate-web.js';
import { startFake } from './fake-server.js';

/** fakeXHR returns an XMLHttpRequest class whose instances play script[i] in order. */
function fakeXHR(script, sent) {
  let n = 0;
  return class {
    constructor() {
      this.upload = {};
      this.step = script[n++];
    }
    open(method, url) {
      this.method = method;
      this.url = url;
    }
    abort() {
      this.onabort();
    }
    send(form) {
      sent.push({ url: this.url, entries: Array.from(form.entries()) });
      const s = this.step;
      setTimeout(() => {
        if (s.hang) return;
        if (s.network) return this.onerror();
        for (const loaded of [0, 50, 100]) this.upload.onprogress({ loaded, total: 100, lengthComputable: true });
        this.status = s.status;
        this.responseText = s.body || '';
        this.onload();
      }, 1);
    }
  };
}

function fakeFetch(tickets) {
  return async (url, init) => {
    const { files } = JSON.parse(init.body);
    const uploads = files.map((f, i) => ({
      url: 'https://bucket.example/',
      key: `k/${i}/${f.name}`,
      fields: { key: `k/${i}/${f.name}`, policy: 'p', 'x-oss-signature': 's' },
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    }));
    tickets.push(files);
    return new Response(JSON.stringify({ uploads }), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
}

function setup(script, opts = {}) {
  const sent = [];
  const tickets = [];
  const up = createWebUploader({
    signUrl: 'https://sign.example/sign',
    profile: 'image',
    fetch: fakeFetch(tickets),
    XMLHttpRequest: fakeXHR(script, sent),
    sleep: async () => {},
    ...opts,
  });
  return { up, sent, tickets };
}

test('a File is posted as fields first, then file with its name; progress reaches 100', async () => {
  const { up, sent, tickets } = setup([{ status: 204 }]);
  const file = new File([new Uint8Array(100)], 'cat.png', { type: 'image/png' });
  const percents = [];
  const r = await up.uploadFile(file, { onProgress: (p) => percents.push(p.percent) });
  assert.equal(r.key, 'k/0/cat.png');
  assert.deepEqual(tickets, [[{ name: 'cat.png', type: 'image/png', size: 100 }]]);
  const names = sent[0].entries.map(([k]) => k);
  assert.deepEqual(names, ['key', 'policy', 'x-oss-signature', 'file']);
  const [, part] = sent[0].entries[3];
  assert.equal(part.name, 'cat.png');
  assert.equal(part.size, 100);
  assert.deepEqual(percents, [0, 0, 50, 99, 100]);
});

test('a type the browser does not know is guessed from the name', async () => {
  const { up, tickets } = setup([{ status: 204 }]);
  await up.uploadFile(new File([new Uint8Array(3)], 'photo.HEIC', { type: '' }));
  assert.equal(tickets[0][0].type, 'image/heic');
});

test('an XHR network error is retried, then reported as NetworkError', async () => {
  const { up, sent } = setup([{ network: true }, { network: true }], { maxAttempts: 2 });
  await assert.rejects(up.uploadFile(new File(['x'], 'a.png', { type: 'image/png' })), { code: 'NetworkError', status: 0 });
  assert.equal(sent.length, 2);
});

test('an OSS XML error arrives as code and message', async () => {
  const body = '<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><RequestId>R9</RequestId></Error>';
  const { up } = setup([{ status: 403, body }]);
  await assert.rejects(up.uploadFile(new File(['x'], 'a.png', { type: 'image/png' })), {
    code: 'SignatureDoesNotMatch',
    message: 'The request signature we calculated does not match',
    status: 403,
    requestId: 'R9',
  });
});

test('AbortController aborts an upload in flight', async () => {
  const { up } = setup([{ hang: true }]);
  const ctl = new AbortController();
  const p = up.upload([new File(['x'], 'a.png', { type: 'image/png' })], {
    signal: ctl.signal,
    onState: (s) => s.state === 'uploading' && setTimeout(() => ctl.abort(), 5),
  });
  const [r] = await p;
  assert.equal(r.ok, false);
  assert.equal(r.error.code, 'Aborted');
});

// The browser module's multipart path in Node: an XMLHttpRequest made of
// real HTTP (node:http) and a Map-backed localStorage, against the fake sign
// function and OSS (browser-multipart.test.js runs it in Chromium).

/** nodeXHR is just enough XMLHttpRequest over node:http: PUT/POST, request headers, upload progress, abort. */
function nodeXHR(log) {
  return class {
    constructor() {
      this.upload = {};
      this.headers = {};
      this.status = 0;
      this.responseText = '';
    }
    open(method, url) {
      this.method = method;
      this.url = url;
    }
    setRequestHeader(k, v) {
      if (/^(content-length|host)$/i.test(k)) throw new Error('refused to set unsafe header ' + k);
      this.headers[k] = v;
    }
    abort() {
      if (this.req) this.req.destroy();
      this.aborted = true;
      if (this.onabort) this.onabort();
    }
    async send(body) {
      const buf = Buffer.from(await body.arrayBuffer());
      log.push({ method: this.method, url: this.url, headers: { ...this.headers }, bytes: buf.length, blobType: body.type });
      if (this.aborted) return;
      const req = (this.req = http.request(this.url, { method: this.method, headers: { ...this.headers, 'Content-Length': String(buf.length) } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          this.status = res.statusCode;
          this.responseText = Buffer.concat(chunks).toString('utf8');
          this.onload();
        });
      }));
      req.on('error', () => !this.aborted && this.onerror());
      const step = 32 * 1024;
      for (let off = 0; off < buf.length; off += step) {
        const chunk = buf.subarray(off, Math.min(buf.length, off + step));
        await new Promise((r) => req.write(chunk, r));
        if (this.upload.onprogress) this.upload.onprogress({ loaded: Math.min(buf.length, off + step), total: buf.length, lengthComputable: true });
      }
      req.end();
    }
  };
}

/** memoryStorage is a Storage (localStorage) kept in a Map. */
function memoryStorage() {
  const m = new Map();
  return {
    get length() {
      return m.size;
    },
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => m.set(k, String(v)),
    removeItem: (k) => m.delete(k),
  };
}

const MP_PROFILES = { video: { types: ['video/mp4'], maxSize: 64 << 20, multipart: { partSize: 100 * 1024, threshold: 300 * 1024 } } };

async function webSetup(t, fakeOpts = {}, ls = memoryStorage()) {
  const fake = await startFake({ profiles: MP_PROFILES, ...fakeOpts });
  t.after(fake.close);
  const log = [];
  const make = (o = {}) => createWebUploader({ signUrl: fake.signUrl, profile: 'video', XMLHttpRequest: nodeXHR(log), localStorage: ls, sleep: async () => {}, ...o });
  return { fake, log, ls, make };
}

test('a large File goes multipart: Blob slices PUT with exactly the signed headers, progress within parts, entry kept in localStorage until complete', async (t) => {
  const { fake, log, ls, make } = await webSetup(t);
  const bytes = crypto.randomBytes(5 * 100 * 1024 + 10);
  const file = new File([bytes], 'clip.mp4', { type: 'video/mp4', lastModified: 1700000000000 });
  const seen = [];
  let entries = 0;
  const r = await make().uploadFile(file, {
    onProgress: (p) => {
      seen.push(p.loaded);
      entries = Math.max(entries, ls.length);
    },
  });
  assert.equal(r.multipart.partCount, 6);
  assert.equal(fake.mp.creates.length, 1);
  const puts = log.filter((x) => x.method === 'PUT');
  assert.equal(puts.length, 6);
  for (const p of puts) assert.deepEqual(p.headers, { 'Content-Type': 'application/octet-stream' });
  assert.ok(seen.some((l) => l % (100 * 1024) !== 0 && l < bytes.length), 'progress inside a part');
  assert.equal(entries, 1, 'an entry while uploading');
  assert.equal(ls.length, 0, 'none once complete');
  assert.ok(fake.oss.objects.get(r.key).content.equals(bytes));
});

test('the same File after a "reload" (a new uploader, the same localStorage) resumes from done', async (t) => {
  const { fake, log, ls, make } = await webSetup(t, { partDelayMs: 40 });
  const bytes = crypto.randomBytes(8 * 100 * 1024);
  const file = () => new File([bytes], 'clip.mp4', { type: 'video/mp4', lastModified: 1700000000000 });
  const ctl = new AbortController();
  await make().upload([file()], { signal: ctl.signal, keepOnAbort: true, onProgress: (p) => p.partsDone >= 3 && ctl.abort() });
  const [uploadId, upload] = [...fake.oss.uploads.entries()][0];
  const done = fake.oss.listParts(upload.key, uploadId).map((p) => p.number);
  assert.ok(done.length >= 3);
  const before = log.length;
  const pending = await make().pending();
  assert.deepEqual(pending.map((p) => [p.name, p.size]), [['clip.mp4', bytes.length]]);
  const r = await make().uploadFile(file());
  assert.equal(r.multipart.resumed, true);
  const again = log.slice(before).map((x) => Number(new URL(x.url).searchParams.get('partNumber')));
  assert.ok(again.every((n) => !done.includes(n)), `parts sent again: ${again}, done: ${done}`);
  assert.ok(fake.oss.objects.get(r.key).content.equals(bytes));
});

test('AbortController cancels the PUTs in flight and aborts the upload server-side', async (t) => {
  const { fake, ls, make } = await webSetup(t, { partDelayMs: 200 });
  const ctl = new AbortController();
  const file = new File([crypto.randomBytes(6 * 100 * 1024)], 'clip.mp4', { type: 'video/mp4' });
  const [r] = await make().upload([file], { signal: ctl.signal, onState: (s) => s.state === 'uploading' && setTimeout(() => ctl.abort(), 50) });
  assert.equal(r.error.code, 'Aborted');
  assert.equal(fake.mp.deletes.length, 1);
  assert.equal(fake.oss.uploads.size, 0);
  assert.equal(ls.length, 0);
});

test('without localStorage (blocked), a large file still uploads, only not resumably', async (t) => {
  const { fake, make } = await webSetup(t);
  const bytes = crypto.randomBytes(4 * 100 * 1024);
  const r = await make({ localStorage: null }).uploadFile(new File([bytes], 'clip.mp4', { type: 'video/mp4' }));
  assert.ok(fake.oss.objects.get(r.key).content.equals(bytes));
});
