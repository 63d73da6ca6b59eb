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
