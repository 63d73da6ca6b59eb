// A pass-through HTTP proxy that answers the first `fail` matching requests
// itself with a 5xx, to prove the clients retry.
import http from 'node:http';

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
    const url = new URL(req.url, target);
    const up = http.request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${server.address().port}`;
  state.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(r);
    });
  return state;
}
