// Error normalisation and backoff, table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorFromResponse, xmlText } from '../core/errors.js';
import { backoffDelay, isRetryable, RetryDefaults } from '../core/retry.js';
import { listUrlFor } from '../core/records.js';

const ossXML = `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>AccessDenied</Code>
  <Message>Invalid according to Policy: Policy Condition failed: [&quot;eq&quot;, &quot;$key&quot;, &quot;a&amp;b&quot;] &#x4E2D;</Message>
  <RequestId>5C3D9175B6FC201293AD****</RequestId>
  <HostId>bucket.oss-cn-hangzhou.aliyuncs.com</HostId>
  <EC>0006-00000227</EC>
</Error>`;

test('errorFromResponse normalises every error body', async (t) => {
  const cases = [
    {
      name: 'sign function JSON',
      status: 415,
      body: '{"error":{"code":"UnsupportedType","message":"type not allowed","requestId":"r-1"}}',
      want: { code: 'UnsupportedType', message: 'type not allowed', status: 415, requestId: 'r-1' },
    },
    {
      name: 'JSON already parsed (wx.request)',
      status: 401,
      body: { error: { code: 'Unauthenticated', message: 'missing token', requestId: 'r-2' } },
      want: { code: 'Unauthenticated', message: 'missing token', status: 401, requestId: 'r-2' },
    },
    {
      name: 'OSS XML with entities',
      status: 403,
      body: ossXML,
      want: {
        code: 'AccessDenied',
        message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "a&b"] 中',
        status: 403,
        requestId: '5C3D9175B6FC201293AD****',
      },
    },
    {
      name: 'OSS XML without request id, header has one',
      status: 400,
      body: '<Error><Code>EntityTooLarge</Code><Message>too big</Message></Error>',
      headers: { 'x-oss-request-id': 'hdr-1' },
      want: { code: 'EntityTooLarge', message: 'too big', status: 400, requestId: 'hdr-1' },
    },
    {
      name: 'plain text',
      status: 502,
      body: 'Bad Gateway',
      want: { code: 'HttpError', message: 'HTTP 502: Bad Gateway', status: 502, requestId: '' },
    },
    { name: 'empty body', status: 500, body: '', want: { code: 'HttpError', message: 'HTTP 500', status: 500, requestId: '' } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(errorFromResponse(c.status, c.body, c.headers).toJSON(), c.want);
    });
  }
});

test('xmlText', async (t) => {
  const cases = [
    { name: 'missing element', xml: '<Error></Error>', tag: 'Code', want: '' },
    { name: 'unclosed element', xml: '<Error><Code>X', tag: 'Code', want: '' },
    { name: 'CDATA', xml: '<Message><![CDATA[a <b> & c]]></Message>', tag: 'Message', want: 'a <b> & c' },
    { name: 'unknown entity kept', xml: '<Code>&nbsp;x</Code>', tag: 'Code', want: '&nbsp;x' },
    { name: 'not a string', xml: undefined, tag: 'Code', want: '' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(xmlText(c.xml, c.tag), c.want));
  }
});

test('backoffDelay doubles up to the cap, jittered within [d/2, d]', async (t) => {
  const cases = [
    { attempt: 1, want: 300 },
    { attempt: 2, want: 600 },
    { attempt: 3, want: 1200 },
    { attempt: 8, want: 5000 },
  ];
  for (const c of cases) {
    await t.test(`attempt ${c.attempt}`, () => {
      assert.equal(backoffDelay(c.attempt, RetryDefaults, () => 0), c.want / 2);
      assert.equal(backoffDelay(c.attempt, RetryDefaults, () => 0.999999), c.want);
    });
  }
});

test('isRetryable', async (t) => {
  const cases = [
    { err: { code: 'NetworkError', status: 0 }, want: true },
    { err: { code: 'Aborted', status: 0 }, want: false },
    { err: { code: 'InternalError', status: 500 }, want: true },
    { err: { code: 'ServiceUnavailable', status: 503 }, want: true },
    { err: { code: 'SlowDown', status: 429 }, want: true },
    { err: { code: 'AccessDenied', status: 403 }, want: false },
    { err: { code: 'FileTooLarge', status: 413 }, want: false },
    { err: { code: 'QuotaExceeded', status: 429, details: { exceeded: 'busy', retryAfter: 1 } }, want: true },
    { err: { code: 'QuotaExceeded', status: 429, details: { exceeded: 'rate', retryAfter: 5 } }, want: true },
    { err: { code: 'QuotaExceeded', status: 429, details: { exceeded: 'files', retryAfter: 600 } }, want: false },
    { err: { code: 'QuotaExceeded', status: 429, details: {} }, want: false },
  ];
  for (const c of cases) {
    await t.test(`${c.err.code} ${c.err.status} ${JSON.stringify(c.err.details || '')}`, () => assert.equal(isRetryable(c.err), c.want));
  }
});

test('listUrlFor', () => {
  assert.equal(listUrlFor('https://fc.example.com/sign'), 'https://fc.example.com/uploads');
  assert.equal(listUrlFor('https://fc.example.com/api/'), 'https://fc.example.com/api/uploads');
});
