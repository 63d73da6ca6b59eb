// A mini-program in a process of its own, for the tests that kill it or
// measure its memory: the mini-program module over the wx shim (storage in a
// file, as wx storage outlives a killed app) uploads one file and reports on
// stdout, one JSON object a line:
//
//   {type: 'state', state, part?, code?}      each onState
//   {type: 'progress', loaded, total}         each onProgress
//   {type: 'read', bytes, liveBytes, arrayBuffers}   each part read (with measure)
//   {type: 'result', ok, key, error?, multipart?, ms}    at the end (ms: the upload's time)
//
// node [--expose-gc] mp-child.js '<json>' with {signUrl, profile, path, size,
// storageFile, partConcurrency, multipartThreshold, timeoutMs, measure, leak}
// (make bench runs it too, through a shaped link). With
// measure (needs --expose-gc), before each part is read the heap is
// collected and the part buffers readFile handed out that are still
// reachable are counted (liveBytes, the new one included), next to
// process.memoryUsage().arrayBuffers. leak keeps every buffer reachable: the
// control that shows the measurement sees a leak.
import { createWxUploader } from '../miniprogram/ossgate-upload.js';
import { createWx } from './wx-shim.js';

const cfg = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const refs = [];
const leaked = [];
const onRead = cfg.measure
  ? (ab) => {
      if (cfg.leak) leaked.push(ab);
      globalThis.gc();
      let liveBytes = ab.byteLength;
      for (const r of refs) {
        const b = r.deref();
        if (b) liveBytes += b.byteLength;
      }
      refs.push(new WeakRef(ab));
      out({ type: 'read', bytes: ab.byteLength, liveBytes, arrayBuffers: process.memoryUsage().arrayBuffers });
    }
  : undefined;

const wx = createWx({ storageFile: cfg.storageFile, onRead });
const up = createWxUploader({
  wx,
  signUrl: cfg.signUrl,
  profile: cfg.profile,
  partConcurrency: cfg.partConcurrency,
  multipartThreshold: cfg.multipartThreshold,
  baseDelayMs: 20,
  timeoutMs: cfg.timeoutMs || 30_000,
});
const t0 = Date.now();
const [r] = await up.upload([{ path: cfg.path, size: cfg.size }], {
  onState: (s) => out({ type: 'state', state: s.state, part: s.part, code: s.error && s.error.code, resumed: s.multipart && s.multipart.resumed }),
  onProgress: (p) => out({ type: 'progress', loaded: p.loaded, total: p.total }),
});
out({ type: 'result', ok: r.ok, key: r.key, error: r.error && r.error.toJSON(), multipart: r.multipart, ms: Date.now() - t0 });
