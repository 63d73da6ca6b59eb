// How the core resolves each upload with its record (core/record-wait.js),
// over a scripted transport: the record from a 200 answer, GET /uploads/{id}
// with doubling delays after a 203 CallbackFailed, giving up after
// recordWaitMs, and a multipart completion's record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUploader } from '../core/uploader.js';

const ticket = { url: 'https://oss.test/', key: 'uploads/avatar/u/a.png', fields: { key: 'uploads/avatar/u/a.png' },
  expiresAt: '2099-01-01T00:00:00Z', maxSize: 4, objectUrl: 'https://oss.test/a.png', recordId: 'rid1' };
const record = { id: 'rid1', key: ticket.key, status: 'quarantined', size: 4, detectedType: 'text/html' };

/** scripted returns a transport whose upload answers upload, and whose GET /uploads/rid1 answers gets in turn (404 once they run out). */
function scripted(upload, gets) {
  const asked = [];
  return {
    asked,
    transport: {
      async request(req) {
        if (req.url.endsWith('/sign')) return { status: 200, body: JSON.stringify({ uploads: [ticket] }), headers: {} };
        asked.push(req.url);
        return gets.shift() || { status: 404, body: '{"error":{"code":"NotFound","message":"no such upload"}}', headers: {} };
      },
      async upload() {
        return upload;
      },
    },
  };
}

function uploaderOver(transport, extra = {}) {
  let now = 0;
  const slept = [];
  const up = createUploader({
    transport, signUrl: 'https://fn.test/sign', profile: 'avatar', now: () => now, random: () => 0,
    sleep: async (ms) => { slept.push(ms); now += ms; }, ...extra,
  });
  return { up, slept };
}

const file = { name: 'a.png', type: 'image/png', size: 4 };

test('the record in the upload answer (OSS relayed the callback) needs no other request', async () => {
  const s = scripted({ status: 200, body: JSON.stringify({ record }), headers: {} }, []);
  const { up } = uploaderOver(s.transport);
  const [r] = await up.upload([file]);
  assert.deepEqual([r.ok, r.recordVia, r.record], [true, 'answer', record]);
  assert.equal(s.asked.length, 0);
});

test('after 203 CallbackFailed the record is asked of GET /uploads/{id} with doubling delays', async () => {
  const failed = { status: 203, body: '<Error><Code>CallbackFailed</Code></Error>', headers: {} };
  const s = scripted(failed, [undefined, undefined, { status: 200, body: JSON.stringify(record), headers: {} }]);
  const { up, slept } = uploaderOver(s.transport, { recordPollMs: 100, recordPollMaxMs: 300 });
  const [r] = await up.upload([file]);
  assert.deepEqual([r.ok, r.recordVia, r.record.status], [true, 'poll', 'quarantined']);
  assert.deepEqual(s.asked, Array(3).fill('https://fn.test/uploads/rid1'));
  assert.deepEqual(slept, [100, 200]);
});

test('a record that never comes gives up after recordWaitMs with recordError; the upload is still ok', async () => {
  const s = scripted({ status: 204, body: '', headers: {} }, []);
  const { up, slept } = uploaderOver(s.transport, { recordPollMs: 100, recordPollMaxMs: 400, recordWaitMs: 1000 });
  const [r] = await up.upload([file]);
  assert.equal(r.ok, true);
  assert.equal(r.record, undefined);
  assert.equal(r.recordError.status, 404);
  assert.deepEqual(slept, [100, 200, 400]);
});

test('waitForRecord: false leaves results as they were', async () => {
  const s = scripted({ status: 204, body: '', headers: {} }, []);
  const { up } = uploaderOver(s.transport, { waitForRecord: false });
  const [r] = await up.upload([file]);
  assert.deepEqual([r.ok, r.record, r.recordError, s.asked.length], [true, undefined, undefined, 0]);
});
