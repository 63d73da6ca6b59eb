// A pass-through HTTP proxy that answers the first `fail` matching requests
// itself with a 5xx, to prove the clients retry.
import http from 'node:http';
import { listenLoopback } from './loopback.js';

/**
 * startFailingProxy forwards every request to target (an origin such as
 * http://127.0.0.1:1234) except the first `fail` requests for which
 * match(req) is true: those get `status` with an OSS-style or JSON body.
 * Resolves with {url, seen, failed, close}; seen counts matching requests.
 */
export async function startFailingProxy(target, { fail = 1, status = 503, match = () => true, body = '' } = {}) {
  const state = { seen: 0, failed: 0 };
  const server = http.createServer((req, res) => {
    const hit = match(req);
    if (hit) state.seen++;
    if (hit && state.failed < fail) {
      state.failed++;
      req.resume();
      res.writeHead(status, { 'Content-Type': body.startsWith('<') ? 'application/xml' : 'application/json' });
      return res.end(body);
    }
    forward(target, req, res);
  });
  const { url, close } = await listenLoopback(server);
  state.url = url;
  state.close = close;
  return state;
}

/** forward passes req on to target (an origin) and its answer back to res. */
export function forward(target, req, res) {
  const url = new URL(req.url, target);
  const up = http.request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}
