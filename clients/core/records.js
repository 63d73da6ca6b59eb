// The upload list: GET /uploads on the sign function.
import { Codes, OssgateError, errorFromResponse, parseJSON } from './errors.js';

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
  const headers = {};
  if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
  const res = await opts.transport.request({ url, method: 'GET', headers, signal: opts.signal });
  if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body, res.headers);
  const json = parseJSON(res.body);
  if (!json || !Array.isArray(json.records)) {
    throw new OssgateError({ code: Codes.BadResponse, message: 'uploads: answer has no "records" list', status: res.status });
  }
  return { records: json.records, next: json.next || '' };
}

/** listUrlFor derives the list URL from the sign URL: …/sign → …/uploads. */
export function listUrlFor(signUrl) {
  const s = String(signUrl);
  return /\/sign$/.test(s) ? s.slice(0, -5) + '/uploads' : s.replace(/\/?$/, '/uploads');
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
  const headers = {};
  if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
  const res = await opts.transport.request({ url, method: 'DELETE', headers, signal: opts.signal });
  if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body, res.headers);
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
  const headers = {};
  if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
  const res = await opts.transport.request({ url, method: 'GET', headers, signal: opts.signal });
  if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body, res.headers);
  const json = parseJSON(res.body);
  if (!json || typeof json !== 'object') {
    throw new OssgateError({ code: Codes.BadResponse, message: 'quota: answer is not a JSON object', status: res.status });
  }
  return json;
}

/** quotaUrlFor derives the quota URL from the sign URL: …/sign → …/quota. */
export function quotaUrlFor(signUrl) {
  const s = String(signUrl);
  return /\/sign$/.test(s) ? s.slice(0, -5) + '/quota' : s.replace(/\/?$/, '/quota');
}
