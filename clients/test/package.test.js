// The npm package as a developer gets it: `npm pack` (whose prepack lays out
// the mini-program entry), the tarball installed offline into a throw-away
// project, imported from Node by every entry (the package, ./miniprogram,
// ./web, and the folder the "miniprogram" field names, which WeChat DevTools'
// "build npm" copies), and a TypeScript file checked with tsc against the
// package's declarations — which also refuse a wrongly typed option.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const clientsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(clientsDir, 'node_modules', 'typescript', 'bin', 'tsc');

/** run runs a command and resolves with {code, stdout, stderr} (it does not reject on a non-zero exit). */
function run(cmd, args, cwd) {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 120_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

let tmp;
let project;
let packed;
let installed;
before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossgate-pack-'));
  const pack = await run('npm', ['pack', '--json', '--pack-destination', tmp], clientsDir);
  assert.equal(pack.code, 0, `npm pack: ${pack.stderr}`);
  packed = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0];
  project = path.join(tmp, 'consumer');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const install = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', path.join(tmp, packed.filename)], project);
  assert.equal(install.code, 0, `npm install of the tarball: ${install.stderr}`);
  installed = path.join(project, 'node_modules', packed.name);
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the tarball holds the modules, the declarations and the mini-program folder, and no tests', () => {
  const files = packed.files.map((f) => f.path);
  for (const want of ['index.js', 'core/uploader.js', 'miniprogram/alipay.js', 'web/ossgate-web.js', 'types/index.d.ts', 'dist/miniprogram/index.js', 'dist/miniprogram/core/uploader.js', 'README.md']) {
    assert.ok(files.includes(want), `${want} not packed`);
  }
  assert.deepEqual(files.filter((f) => f.startsWith('test/') || f.startsWith('node_modules/')), []);
});

test('every entry imports from Node', async () => {
  const script = `
    const main = await import('ossgate-upload');
    const mp = await import('ossgate-upload/miniprogram');
    const web = await import('ossgate-upload/web');
    console.log(JSON.stringify({
      main: ['createWxUploader', 'createAlipayUploader', 'createDouyinUploader', 'createUniUploader', 'createTaroUploader', 'createWebUploader', 'createUploader', 'partSchedule'].filter((k) => typeof main[k] !== 'function'),
      mp: ['createWxUploader', 'createAlipayUploader', 'createDouyinUploader', 'createUniUploader', 'createTaroUploader'].filter((k) => typeof mp[k] !== 'function'),
      web: typeof web.createWebUploader,
      code: main.Codes.MultipartUnsupported,
      alipay: main.createAlipayUploader({ my: {}, signUrl: 'https://sign.example.com/sign' }).capabilities.multipart,
    }));`;
  const r = await run(process.execPath, ['--input-type=module', '-e', script], project);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { main: [], mp: [], web: 'function', code: 'MultipartUnsupported', alipay: false });
});

test('the folder the "miniprogram" field names resolves to every platform uploader', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  assert.equal(typeof pkg.miniprogram, 'string', 'miniprogram field');
  const entry = path.join(installed, pkg.miniprogram, 'index.js');
  assert.ok(fs.existsSync(entry), `${entry} missing`);
  const m = await import(pathToFileURL(entry).href);
  for (const k of ['createWxUploader', 'createAlipayUploader', 'createDouyinUploader', 'createUniUploader', 'createTaroUploader']) {
    assert.equal(typeof m[k], 'function', k);
  }
});

const TSCONFIG = {
  compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], noEmit: true, skipLibCheck: false },
};

const GOOD_TS = `
import { createWxUploader, createAlipayUploader, createTaroUploader, createWebUploader, Codes, ServerCodes, OssgateError,
  type UploadResult, type PlatformUploader, type Capabilities } from 'ossgate-upload';
import { createUniUploader } from 'ossgate-upload/miniprogram';
import { createWebUploader as webOnly } from 'ossgate-upload/web';

declare const wx: object;
const up: PlatformUploader = createWxUploader({ wx, signUrl: 'https://sign.example.com/sign', profile: 'image',
  getToken: async () => 'jwt', concurrency: 2, multipartThreshold: 5 << 20, timeoutMs: 60_000 });
const caps: Capabilities = createAlipayUploader({ signUrl: '/sign' }).capabilities;
const multipart: boolean = caps.multipart && createTaroUploader({ signUrl: '/sign', env: 'WEAPP' }).capabilities.multipart;
createUniUploader({ signUrl: '/sign', platform: 'mp-weixin' });

export async function go(): Promise<string[]> {
  const results: UploadResult[] = await up.upload([{ path: 'wxfile://tmp/a.png', size: 10 }], {
    onProgress: (p) => console.log(p.index, p.percent, p.partsDone ?? 0),
    onState: (s) => console.log(s.state),
  });
  const page = await up.list({ limit: 20 });
  const removed = await up.remove(page.records[0].id);
  const left = (await up.quota('image')).left;
  const keys = results.map((r) => (r.ok ? r.key : r.error.code === Codes.MultipartUnsupported || r.error.code === ServerCodes.FileTooLarge ? '' : r.error.message));
  const err: OssgateError = new OssgateError({ code: Codes.Aborted, message: 'x' });
  const web = webOnly({ signUrl: '/sign' });
  await createWebUploader({ signUrl: '/sign' }).upload([new Blob(['x'])]);
  return [...keys, removed.status, String(left), String(multipart), err.code, typeof web.pending];
}
`;

test('a TypeScript file type-checks against the declarations with tsc', async () => {
  fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files: ['main.ts'] }));
  fs.writeFileSync(path.join(project, 'main.ts'), GOOD_TS);
  const r = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
  assert.equal(r.code, 0, `tsc: ${r.stdout}${r.stderr}`);
});

test('tsc refuses a wrongly typed option and an unknown result field', async () => {
  fs.writeFileSync(path.join(project, 'tsconfig.bad.json'), JSON.stringify({ ...TSCONFIG, files: ['bad.ts'] }));
  fs.writeFileSync(
    path.join(project, 'bad.ts'),
    `import { createDouyinUploader } from 'ossgate-upload';
const up = createDouyinUploader({ signUrl: '/sign', concurrency: 'three' });
export const k = up.capabilities.multipartOk;
`,
  );
  const r = await run(process.execPath, [tsc, '-p', 'tsconfig.bad.json'], project);
  assert.notEqual(r.code, 0, 'tsc accepted bad.ts');
  assert.match(r.stdout, /bad\.ts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  assert.match(r.stdout, /bad\.ts\(3,\d+\): error TS2551: Property 'multipartOk' does not exist/);
});
