// The sign function's own API (/sign, /uploads, /quota, /uploads/multipart):
// where each route is, and one request to it.
import { errorFromResponse } from './errors.js';

/**
 * apiUrlFor derives the URL of the API route path from the sign URL:
 * …/sign → …/{path}; any other URL gets /{path} appended (a trailing slash
 * dropped first).
 */
export function apiUrlFor(signUrl, path) {
  const s = String(signUrl);
  return (/\/sign$/.test(s) ? s.slice(0, -5) : s.replace(/\/$/, '')) + '/' + path;
}

/**
 * apiRequest makes exactly one request to the API over transport (retries
 * are the caller's): with the caller's bearer token when there is one, and
 * payload, when given, as a JSON body. It resolves with the 2xx answer
 * {status, body, headers}; any other status rejects with the normalised
 * error (errorFromResponse).
 *
 * opts: {url, method, token, payload, signal}.
 */
export async function apiRequest(transport, { url, method, token, payload, signal }) {
  const headers = {};
  const req = { url, method, headers, signal };
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    req.body = JSON.stringify(payload);
  }
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await transport.request(req);
  if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body, res.headers);
  return res;
}
