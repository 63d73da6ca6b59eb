// A recording HTTP proxy for the tests on the real stack: the sign function
// is told (OSSGATE_ENDPOINT) that OSS lives here, so every form post and
// part PUT a client makes crosses it on the way to the local OSS endpoint.
// It records each request as the wire carries it and can hold, fake or
// drop requests a test picks.
import http from 'node:http';
import { listenLoopback } from './loopback.js';

/**
 * startRecorder listens on 127.0.0.1 and resolves with
 * {url, target, log, inFlight, maxInFlight, hooks, reset(), close()}.
 * Set target (an origin) before the first request. log holds one entry per
 * request: {method, path, partNumber, uploadId, contentType, contentLength,
 * received, status, start, end, faked}; status is 'dropped' when the
 * upstream connection broke. maxInFlight counts PUTs. hooks.before(req,
 * entry) may return {delayMs} (hold the request before forwarding it),
 * {reply: {status, body}} (answer it without forwarding) or nothing.
 */
export async function startRecorder() {
  const state = { target: '', log: [], inFlight: 0, maxInFlight: 0, hooks: {} };
  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://x');
    const e = {
      method: req.method,
      path: u.pathname,
      partNumber: u.searchParams.has('partNumber') ? Number(u.searchParams.get('partNumber')) : undefined,
      uploadId: u.searchParams.get('uploadId') || undefined,
      contentType: req.headers['content-type'],
      contentLength: req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']),
      received: 0,
      status: undefined,
      start: Date.now(),
      end: undefined,
    };
    state.log.push(e);
    const put = req.method === 'PUT';
    if (put) state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
    const done = (status) => {
      if (e.end !== undefined) return;
      e.status = status;
      e.end = Date.now();
      if (put) state.inFlight--;
    };
    // The body waits, paused, until the request is forwarded (or faked).
    const plan = (state.hooks.before && state.hooks.before(req, e)) || {};
    if (plan.delayMs) await new Promise((r) => setTimeout(r, plan.delayMs));
    req.on('data', (c) => (e.received += c.length));
    if (plan.reply) {
      req.resume();
      req.on('end', () => {
        e.faked = true;
        done(plan.reply.status);
        res.writeHead(plan.reply.status, plan.reply.headers || {});
        res.end(plan.reply.body || '');
      });
      return;
    }
    const up = http.request(state.target + req.url, { method: req.method, headers: req.headers, agent: false }, (r) => {
      done(r.statusCode);
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      done('dropped');
      res.destroy();
    });
    req.on('aborted', () => {
      done('dropped');
      up.destroy();
    });
    req.pipe(up);
  });
  const { url, close } = await listenLoopback(server);
  state.url = url;
  state.reset = () => {
    state.log.length = 0;
    state.maxInFlight = 0;
    state.hooks = {};
  };
  state.close = close;
  return state;
}
