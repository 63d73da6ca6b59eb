// A tiny stand-in for the sign function and OSS, for the core's unit tests:
// POST /sign hands out tickets, POST /oss takes multipart uploads. Each
// endpoint answers from a queue of scripted replies first, then normally.
import http from 'node:http';

/**
 * startFake starts the server on 127.0.0.1 and resolves with
 * {url, signUrl, signs, authorizations, uploads, script, maxInFlight, close}.
 * signs holds each /sign request body, authorizations its Authorization header; uploads each parsed upload {fields, fileName, fileSize,
 * fileLast}; script.sign / script.oss are arrays of replies
 * ({status, body, headers} or 'reset' to drop the connection) used in order.
 */
export async function startFake(opts = {}) {
  const state = {
    signs: [],
    authorizations: [],
    uploads: [],
    script: { sign: [], oss: [] },
    inFlight: 0,
    maxInFlight: 0,
    ossDelayMs: opts.ossDelayMs || 0,
    expiresInMs: opts.expiresInMs || 60_000,
    rejectTypes: opts.rejectTypes || [], // /sign answers 415 when a file has one of these types
    holdUploads: opts.holdUploads || 0, // hold each upload until this many are in flight (at most 2 s)
  };
  let n = 0;
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.url === '/sign' && req.method === 'POST') {
      const json = JSON.parse(body.toString('utf8'));
      state.signs.push(json);
      state.authorizations.push(req.headers.authorization || '');
      if (reply(res, state.script.sign.shift())) return;
      const bad = json.files.find((f) => state.rejectTypes.includes(f.type));
      if (bad) {
        const error = { code: 'UnsupportedType', message: `type ${bad.type} is not allowed`, requestId: 'fake-415' };
        return send(res, 415, JSON.stringify({ error }), { 'Content-Type': 'application/json' });
      }
      const uploads = json.files.map((f) => {
        n++;
        return {
          url: state.url + '/oss',
          key: `uploads/${json.profile}/u/${n}-${f.name}`,
          fields: { key: `uploads/${json.profile}/u/${n}-${f.name}`, 'Content-Type': f.type, policy: 'p' + n },
          expiresAt: new Date(Date.now() + state.expiresInMs).toISOString(),
          maxSize: 1 << 20,
          objectUrl: `${state.url}/obj/${n}`,
        };
      });
      return send(res, 200, JSON.stringify({ uploads }), { 'Content-Type': 'application/json' });
    }
    if (req.url === '/oss' && req.method === 'POST') {
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      for (let waited = 0; state.maxInFlight < state.holdUploads && waited < 2000; waited += 5) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, state.ossDelayMs));
      state.inFlight--;
      const up = parseMultipart(req.headers['content-type'], body);
      if (reply(res, state.script.oss.shift())) return;
      state.uploads.push(up);
      return send(res, 204, '');
    }
    send(res, 404, '{"error":{"code":"NotFound","message":"no route","requestId":"r0"}}');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${server.address().port}`;
  state.signUrl = state.url + '/sign';
  state.close = () => new Promise((r) => {
    server.closeAllConnections();
    server.close(r);
  });
  return state;
}

function reply(res, r) {
  if (!r) return false;
  if (r === 'reset') {
    res.socket.destroy();
    return true;
  }
  send(res, r.status, r.body || '', r.headers);
  return true;
}

function send(res, status, body, headers) {
  res.writeHead(status, headers || {});
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** parseMultipart is just enough multipart/form-data parsing to check what a client sent. */
export function parseMultipart(contentType, body) {
  const m = /boundary=(.+)$/.exec(contentType || '');
  if (!m) return { error: 'not multipart' };
  const sep = Buffer.from('--' + m[1]);
  const fields = {};
  const names = [];
  let file = null;
  let pos = body.indexOf(sep);
  while (pos >= 0) {
    const start = pos + sep.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(sep, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, headEnd).toString('utf8');
    const content = part.subarray(headEnd + 4);
    const name = /name="([^"]*)"/.exec(head)[1];
    names.push(name);
    if (/filename="/.test(head)) file = { name: /filename="([^"]*)"/.exec(head)[1], size: content.length, content };
    else fields[name] = content.toString('utf8');
    pos = next;
  }
  return { fields, file, fileLast: names[names.length - 1] === 'file' };
}
