// Runs mp-child.js (a mini-program in its own process) for the tests that
// kill it or measure its memory.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** runChild starts mp-child.js with cfg; resolves {child, lines (live array), exited (promise of {code, signal, stderr})}. */
export function runChild(cfg, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, path.join(here, 'mp-child.js'), JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let buf = '';
  let err = '';
  child.stdout.on('data', (c) => {
    buf += c;
    for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) lines.push(JSON.parse(buf.slice(0, i)));
  });
  child.stderr.on('data', (c) => (err += c));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr: err })));
  return { child, lines, exited };
}

/** resultOf waits for a run to exit 0 and returns its successful result line. */
export async function resultOf(run) {
  const ex = await run.exited;
  assert.equal(ex.code, 0, ex.stderr);
  const result = run.lines.find((l) => l.type === 'result');
  assert.ok(result && result.ok, JSON.stringify(result && result.error));
  return result;
}
