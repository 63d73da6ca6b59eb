// The browser module's transport in Node: a scripted XMLHttpRequest and
// fetch stand in for the browser's, so the form layout, progress mapping and
// error mapping are checked without a browser (browser.test.js does the
// real thing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebUploader } from '../web/ossgate-web.js';

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
