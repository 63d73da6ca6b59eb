'use strict';
// A plain node:http server for loopback load: POST /sign answered by
// handler.js with the fixture given as JSON in the NODE_ALT_FIXTURE
// environment variable ({config, creds}); it listens on 127.0.0.1 at
// NODE_ALT_PORT (0 = any) and prints {"addr": "127.0.0.1:port"} on stdout.
const http = require('node:http');
const { newSigner } = require('./handler');

const fx = JSON.parse(process.env.NODE_ALT_FIXTURE || '{}');
const sign = newSigner(fx.config);
const maxBody = 64 * 1024;

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/sign') {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"error":{"code":"NotFound","message":"not found"}}');
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > maxBody) { req.destroy(); return; }
    chunks.push(c);
  });
  req.on('end', () => {
    const out = sign(fx.creds, req.headers.authorization, Buffer.concat(chunks).toString('utf8'), new Date());
    res.writeHead(out.status, { 'Content-Type': 'application/json' });
    res.end(out.body);
  });
});

server.listen(Number(process.env.NODE_ALT_PORT || 0), '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(JSON.stringify({ addr: `${a.address}:${a.port}` }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
