// The upload list: GET /uploads on the sign function.
import { apiRequest, apiUrlFor } from './api.js';
import { Codes, OssgateError, parseJSON } from './errors.js';

/**
 * listRecords fetches one page of the caller's upload records, newest first:
 * {records: [...], next} (next is '' on the last page). It makes exactly one
 * HTTP request; a non-2xx answer rejects with the normalised error.
 *
 * opts: {transport, listUrl, token, cursor, limit, signal}.
 */
export async function listRecords(opts) {
  const q = [];
  if (opts.cursor) q.push('cursor=' + encodeURIComponent(opts.cursor));
  if (opts.limit) q.push('limit=' + encodeURIComponent(String(opts.limit)));
  const url = opts.listUrl + (q.length ? (opts.listUrl.indexOf('?') >= 0 ? '&' : '?') + q.join('&') : '');
  const res = await apiRequest(opts.transport, { url, method: 'GET', token: opts.token, signal: opts.signal });
  const json = parseJSON(res.body);
  if (!json || !Array.isArray(json.records)) {
    throw new OssgateError({ code: Codes.BadResponse, message: 'uploads: answer has no "records" list', status: res.status });
  }
  return { records: json.records, next: json.next || '' };
}

/** listUrlFor derives the list URL from the sign URL: …/sign → …/uploads. */
export function listUrlFor(signUrl) {
  return apiUrlFor(signUrl, 'uploads');
}

/**
 * deleteRecord deletes one of the caller's uploads: DELETE listUrl/{id}.
 * It resolves with the record as deleted ({status: 'deleted', deletedAt, ...});
 * an upload already deleted, or not the caller's, rejects with NotFound (404).
 *
 * opts: {transport, listUrl, token, id, signal}.
 */
export async function deleteRecord(opts) {
  const url = opts.listUrl.replace(/\?.*$/, '') + '/' + encodeURIComponent(opts.id);
  const res = await apiRequest(opts.transport, { url, method: 'DELETE', token: opts.token, signal: opts.signal });
  return parseJSON(res.body);
}

/**
 * getRecord fetches one of the caller's records: GET listUrl/{id}. A record
 * its profile moderates is {status: 'pending'} until the verdict, then 'ok'
 * (with downloadUrl) or 'rejected' (moderation.labels); see verdictOf.
 *
 * opts: {transport, listUrl, token, id, signal}.
 */
export async function getRecord(opts) {
  const url = opts.listUrl.replace(/\?.*$/, '') + '/' + encodeURIComponent(opts.id);
  const res = await apiRequest(opts.transport, { url, method: 'GET', token: opts.token, signal: opts.signal });
  const json = parseJSON(res.body);
  if (!json || typeof json.status !== 'string') {
    throw new OssgateError({ code: Codes.BadResponse, message: 'upload: answer has no "status"', status: res.status });
  }
  return json;
}

/**
 * verdictOf says what to show of a record's moderation: {state, text}, state
 * 'checking' while it is pending ('checking…'), 'ok', 'rejected' (text with
 * the provider's labels), or the record's other status (quarantined, deleted).
 */
export function verdictOf(record) {
  const s = record && record.status;
  if (s === 'pending') return { state: 'checking', text: 'checking…' };
  if (s === 'rejected') {
    const labels = ((record.moderation && record.moderation.labels) || []).map((l) => l.label).filter(Boolean);
    return { state: 'rejected', text: labels.length ? 'rejected: ' + labels.join(', ') : 'rejected' };
  }
  return { state: s || 'unknown', text: s || 'unknown' };
}

/**
 * awaitVerdict polls getRecord until the record is no longer pending and
 * resolves with it; onChange(record) is called with each answer. It waits
 * intervalMs (default 1000, doubling to 8000) between polls and gives up
 * after timeoutMs (default 120000), resolving with the last (pending)
 * record: the verdict may take a provider up to half an hour.
 *
 * opts: {get: () => Promise<record>, onChange, intervalMs, timeoutMs, sleep}.
 */
export async function awaitVerdict(opts) {
  const sleep = opts.sleep || ((ms) => new Promise((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (opts.timeoutMs || 120000);
  let delay = opts.intervalMs || 1000;
  for (;;) {
    const r = await opts.get();
    if (opts.onChange) opts.onChange(r);
    if (r.status !== 'pending' || Date.now() + delay > deadline) return r;
    await sleep(delay);
    delay = Math.min(delay * 2, 8000);
  }
}

/**
 * getQuota fetches GET quotaUrl?profile=: the profile's quota and rate and,
 * with a quota, {used, left, resetsAt} for the caller.
 *
 * opts: {transport, quotaUrl, token, profile, signal}.
 */
export async function getQuota(opts) {
  const url = opts.quotaUrl + '?profile=' + encodeURIComponent(opts.profile || '');
  const res = await apiRequest(opts.transport, { url, method: 'GET', token: opts.token, signal: opts.signal });
  const json = parseJSON(res.body);
  if (!json || typeof json !== 'object') {
    throw new OssgateError({ code: Codes.BadResponse, message: 'quota: answer is not a JSON object', status: res.status });
  }
  return json;
}

/** quotaUrlFor derives the quota URL from the sign URL: …/sign → …/quota. */
export function quotaUrlFor(signUrl) {
  return apiUrlFor(signUrl, 'quota');
}
