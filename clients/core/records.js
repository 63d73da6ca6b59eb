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
