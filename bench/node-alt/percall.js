'use strict';
// Per-call micro-benchmark of handler.js, in process: reads the fixture the
// Go harness writes as JSON on stdin ({config, creds, authorization, body,
// iterations, warmup}; config.jwtKey is 'string' or 'keyobject', see
// handler.js), runs warmup calls, then times iterations calls and prints
// {"nsPerOp", "iterations", "node"} as JSON on stdout.
const { newSigner } = require('./handler');

function main(input) {
  const fx = JSON.parse(input);
  const sign = newSigner(fx.config);
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      const res = sign(fx.creds, fx.authorization, fx.body, new Date());
      if (res.status !== 200) throw new Error(`node-alt: status ${res.status}: ${res.body}`);
    }
  };
  run(fx.warmup || 1000);
  const n = fx.iterations || 20000;
  const start = process.hrtime.bigint();
  run(n);
  const ns = Number(process.hrtime.bigint() - start);
  process.stdout.write(JSON.stringify({ nsPerOp: ns / n, iterations: n, node: process.version }) + '\n');
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => main(input));
