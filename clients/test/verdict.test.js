// A moderated upload's record is 'pending' until its verdict: the clients
// show 'checking…' and learn the verdict from GET /uploads/{id}
// (docs/api.md). Against a loopback server answering a scripted sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createWebUploader, verdictOf } from '../index.js';

const ID = '0123456789abcdef0123456789abcdef';

/** serve answers GET /uploads/{ID} with each record of answers in turn (the last one again after). */
async function serve(t, answers) {
  const seen = [];
  const srv = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization || ''}`);
    const body = answers[Math.min(seen.length - 1, answers.length - 1)];
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  return { signUrl: `http://127.0.0.1:${srv.address().port}/sign`, seen };
}

const pending = { id: ID, key: 'uploads/avatar/u/a.png', status: 'pending', moderation: { provider: 'wechat' } };
const rejected = { ...pending, status: 'rejected', moderation: { provider: 'wechat', labels: [{ label: 'porn', confidence: 97 }], by: 'provider' } };
const ok = { ...pending, status: 'ok', downloadUrl: 'https://b.example/x', moderation: { provider: 'wechat', by: 'provider' } };

test('verdictOf: checking… while pending, then the verdict with its labels', () => {
  assert.deepEqual(verdictOf(pending), { state: 'checking', text: 'checking…' });
  assert.deepEqual(verdictOf(rejected), { state: 'rejected', text: 'rejected: porn' });
  assert.deepEqual(verdictOf({ status: 'rejected' }), { state: 'rejected', text: 'rejected' });
  assert.deepEqual(verdictOf(ok), { state: 'ok', text: 'ok' });
  assert.deepEqual(verdictOf({ status: 'quarantined' }), { state: 'quarantined', text: 'quarantined' });
});

test('awaitVerdict polls GET /uploads/{id} until the verdict', async (t) => {
  const { signUrl, seen } = await serve(t, [pending, pending, rejected]);
  const up = createWebUploader({ signUrl, getToken: async () => 'jwt-1' });
  const shown = [];
  const r = await up.awaitVerdict(ID, { intervalMs: 5, onChange: (rec) => shown.push(verdictOf(rec).text) });
  assert.equal(r.status, 'rejected');
  assert.deepEqual(shown, ['checking…', 'checking…', 'rejected: porn']);
  assert.deepEqual(seen, Array(3).fill(`GET /uploads/${ID} Bearer jwt-1`));
});

test('awaitVerdict gives up after timeoutMs with the pending record', async (t) => {
  const { signUrl, seen } = await serve(t, [pending]);
  const up = createWebUploader({ signUrl });
  const r = await up.awaitVerdict(ID, { intervalMs: 10, timeoutMs: 50 });
  assert.equal(r.status, 'pending');
  assert.ok(seen.length >= 2 && seen.length <= 6, `polls: ${seen.length}`);
});

test('get answers the record, ok with its download link', async (t) => {
  const { signUrl } = await serve(t, [ok]);
  const r = await createWebUploader({ signUrl }).get(ID);
  assert.equal(r.downloadUrl, 'https://b.example/x');
});
