// A pass-through HTTP proxy in front of the local OSS endpoint that plays
// the two ways a ticket's POST can reach OSS more than once, for the 409
// rule of the clients (clients/README.md):
//   'lost-answer'  the first POST reaches OSS and is stored, but its answer is
//                  lost: the proxy drops the client's connection instead;
//   'posted-before' before the first POST, the very same request was
//                  already posted once (another holder of the ticket).
// Every other request is forwarded as it is.
import http from 'node:http';
import { listenLoopback } from './loopback.js';
import { forward } from './proxy.js';

/** startLandingProxy resolves with {url, posts, close}; posts counts the POSTs the client sent. */
export async function startLandingProxy(target, mode) {
  const state = { posts: 0 };
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') return forward(target, req, res);
    state.posts++;
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      try {
        if (state.posts === 1 && mode === 'lost-answer') {
          await send(target, req, body);
          req.socket.destroy();
          return;
        }
        if (state.posts === 1 && mode === 'posted-before') await send(target, req, body);
        const r = await send(target, req, body);
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      } catch {
        res.destroy();
      }
    });
  });
  const { url, close } = await listenLoopback(server);
  state.url = url;
  state.close = close;
  return state;
}

/** send posts body as req did to target and resolves with the whole answer. */
function send(target, req, body) {
  const url = new URL(req.url, target);
  return new Promise((resolve, reject) => {
    const up = http.request(url, { method: req.method, headers: { ...req.headers, host: url.host, 'content-length': body.length } }, (r) => {
      const out = [];
      r.on('data', (c) => out.push(c));
      r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body: Buffer.concat(out) }));
      r.on('error', reject);
    });
    up.on('error', reject);
    up.end(body);
  });
}
