// Starts the real offline stack for a Node test: the very program behind
// `make run` (./local), on random 127.0.0.1 ports with a throw-away data
// directory, announcing itself with one JSON line (-ready-json) and stopping
// when this process closes its standard input. It needs the function binary
// from `make build` (build/code); test-js depends on it.
import { spawn, execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const START_TIMEOUT_MS = 120_000; // a cold go build cache compiles the stack first

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { ...opts, timeout: START_TIMEOUT_MS }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/**
 * startLocal resolves with the launcher's ready line, {signURL, demoURL,
 * ossURL, ossPublicURL, bucket, region, dataDir, accessKeyId,
 * accessKeySecret}, plus token(sub), setSTS(accessKeyId, state), stderr() and
 * close(). env is added to both functions' environment; args are more
 * launcher flags (e.g. ['-link', 'cut=3@150KB']). The sign function signs for
 * anonymous callers and also accepts HS256 tokens from token(sub) (a random
 * secret per stack). With stsControl the launcher runs with -sts-control and
 * setSTS(accessKeyId, 'expired' | 'invalid' | 'unknown' | 'valid') makes the
 * local OSS treat the STS credential a ticket was signed with so (accessKeyId
 * '' : every credential, those minted later too). Set OSSGATE_STACK_VERBOSE=1
 * to see the functions' output.
 */
export async function startLocal({ env = {}, args: extra = [], stsControl = false } = {}) {
  const code = path.join(repoRoot, 'build', 'code');
  if (!fs.existsSync(path.join(code, 'bootstrap')) || !fs.existsSync(path.join(code, 'ossgate'))) {
    throw new Error(`no function code in ${code}: run make build first`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-local-'));
  const bin = path.join(tmp, 'local');
  await run('go', ['build', '-o', bin, './local'], { cwd: repoRoot });
  const jwtSecret = crypto.randomBytes(32).toString('hex');
  const args = ['-sign-port', '0', '-oss-port', '0', '-data', path.join(tmp, 'data'), '-code', code,
    '-demo', path.join(repoRoot, 'clients'), '-log-level', 'warn', '-ready-json', '-until-stdin-closes', '-max-life', '5m'];
  for (const [k, v] of Object.entries(env)) args.push('-env', `${k}=${v}`);
  if (stsControl) args.push('-sts-control');
  args.push(...extra);
  const verbose = process.env.OSSGATE_STACK_VERBOSE === '1';
  const child = spawn(bin, args, {
    cwd: repoRoot,
    env: { ...process.env, OSSGATE_JWT_SECRET: jwtSecret },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let errText = '';
  child.stderr.on('data', (c) => {
    errText = (errText + c.toString()).slice(-20_000);
    if (verbose) process.stderr.write(c);
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const info = await readyLine(child, exited, () => errText);
  return {
    ...info,
    token: (sub) => mintJWT(jwtSecret, sub),
    async setSTS(accessKeyId, state) {
      if (!info.stsControlURL) throw new Error('setSTS: start the stack with stsControl: true');
      const q = new URLSearchParams({ accessKeyId, state });
      const res = await fetch(`${info.stsControlURL}/sts?${q}`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
      if (res.status !== 204) throw new Error(`setSTS(${accessKeyId}, ${state}): ${res.status} ${await res.text()}`);
    },
    stderr: () => errText,
    async close() {
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

function readyLine(child, exited, errText) {
  return waitFor(child, exited, errText, (out) => {
    const nl = out.indexOf('\n');
    return nl < 0 ? null : JSON.parse(out.slice(0, nl));
  });
}

/** waitFor resolves with parse(stdout so far) once it is not null. */
function waitFor(child, exited, errText, parse) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('stack did not start in time:\n' + errText()));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (c) => {
      out += c.toString();
      let got;
      try {
        got = parse(out);
      } catch (err) {
        clearTimeout(timer);
        reject(new Error(`bad ready output ${out}: ${err.message}`));
        return;
      }
      if (!got) return;
      clearTimeout(timer);
      resolve(got);
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`stack exited (${code}) before it was ready:\n${errText()}`));
    });
  });
}

/**
 * getObject reads bucket/key back from the local OSS endpoint with the
 * stack's AccessKey pair (an OSS V1 header signature): {status, body, headers}.
 */
export async function getObject(stack, key) {
  const date = new Date().toUTCString();
  const resource = `/${stack.bucket}/${key}`;
  const sig = crypto.createHmac('sha1', stack.accessKeySecret).update(`GET\n\n\n${date}\n${resource}`).digest('base64');
  const res = await fetch(stack.ossURL + resource, {
    headers: { Date: date, Authorization: `OSS ${stack.accessKeyId}:${sig}` },
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

/** mintJWT returns an HS256 JWT for sub, valid for ten minutes. */
export function mintJWT(secret, sub) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64({ sub, iat: now, exp: now + 600 });
  return unsigned + '.' + crypto.createHmac('sha256', secret).update(unsigned).digest('base64url');
}
