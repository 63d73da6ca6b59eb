// The Node.js webhook verification of docs/api.md#webhooks, run as the docs
// show it, against testdata/webhook/signature.json (a signature computed
// with openssl) and tampered inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function docsVerify() {
  const doc = fs.readFileSync(path.join(root, 'docs', 'api.md'), 'utf8');
  const m = doc.match(/```js\n(const crypto = require\('node:crypto'\);[\s\S]*?)```/);
  assert.ok(m, 'docs/api.md has no Node.js verify snippet');
  assert.ok(m[1].split('\n').length <= 12, 'the Node.js snippet should be about ten lines');
  // eslint-disable-next-line no-new-func
  return new Function('require', `${m[1]}\nreturn verify;`)(createRequire(import.meta.url));
}

test('the docs verify a webhook signature as ossgate makes it', (t) => {
  const v = JSON.parse(fs.readFileSync(path.join(root, 'testdata', 'webhook', 'signature.json'), 'utf8'));
  const verify = docsVerify();
  t.mock.method(Date, 'now', () => v.now * 1000);
  assert.equal(verify(v.secret, v.header, v.body), true, 'the openssl vector');
  assert.equal(verify(v.secret, v.header, Buffer.from(v.body)), true, 'a Buffer body');
  assert.equal(verify(v.secret, v.header, `${v.body} `), false, 'a tampered body');
  assert.equal(verify('whsec_other', v.header, v.body), false, 'another secret');
  assert.equal(verify(v.secret, v.header.replace(/v1=./, 'v1=0'), v.body), false, 'another signature');
  assert.equal(verify(v.secret, 'garbage', v.body), false, 'no signature');
  t.mock.method(Date, 'now', () => (v.now + 600) * 1000);
  assert.equal(verify(v.secret, v.header, v.body), false, 'ten minutes late');
});
