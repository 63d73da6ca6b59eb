// The upload flow both clients share: tickets from the sign function, then
// one form POST per file straight to OSS, or, for large files, a multipart
// upload (./multipart.js) whose parts go straight to OSS; with bounded
// concurrency, retries, fresh tickets for stale ones, progress, resume and
// abort. The HTTP work is done by an injected transport (wx.request/
// wx.uploadFile, fetch/XHR):
//
//   transport.request({url, method, headers, body, signal})
//     → Promise<{status, body, headers}>   body: text (or parsed JSON)
//   transport.upload({url, fields, file, onProgress(loaded, total), signal})
//     → Promise<{status, body, headers}>   multipart/form-data: fields first, "file" last
//   transport.readPart(file, start, end)
//     → Promise<ArrayBuffer | Uint8Array | Blob>   the bytes [start, end) of file
//   transport.put({url, headers, body, onProgress(loaded, total), signal})
//     → Promise<{status, body, headers}>   a PUT of body with exactly these headers
//   transport.storage  {get(key), set(key, value), remove(key), keys()}
//     (each may return a promise; values are plain objects; optional: without it uploads do not resume)
//
// request, upload and put reject only when there was no HTTP answer (an
// OssgateError from networkError/abortError, or anything else, which counts as
// a network error). readPart and put are needed only for multipart uploads.
import { ServerCodes } from './codes.js';
import { Codes, OssgateError, toOssgateError } from './errors.js';
import { signBatch, uploadOne } from './form-upload.js';
import { mimeFromName } from './mime.js';
import { multipartApi } from './multipart-api.js';
import { runMultipart } from './multipart.js';
import { resolveOptions } from './options.js';
import { createLimiter, runPool } from './pool.js';
import { attachRecord } from './record-wait.js';
import { awaitVerdict, deleteRecord, getQuota, getRecord, listRecords } from './records.js';
import { safeStorage, storageKeyFor, validEntry } from './resume.js';
import { withRetry } from './retry.js';
import { emitProgress, emitState, retryOpts, tokenOf } from './run.js';

export { UploaderDefaults } from './options.js';

/** @typedef {import('./run.js').Run} Run */
/** @typedef {import('./run.js').Runtime} Runtime */

/**
 * createUploader returns {upload, uploadFile, list, remove, quota, pending, discard} bound to
 * one sign function.
 *
 * options: transport and signUrl (required); profile (the sign function's
 * upload profile); getToken() → JWT, or a promise of one, or '' for anonymous;
 * concurrency, maxAttempts, baseDelayMs, maxDelayMs, expiryMarginMs; for
 * multipart: multipartThreshold, partConcurrency, partMaxAttempts,
 * urlRefreshes, multipartUrl (default: signUrl with /sign replaced by
 * /uploads/multipart), storage (default transport.storage; null: no resume),
 * multipartUnsupported (why the transport cannot send parts: then every file
 * goes by form POST, and one the sign function wants in parts fails with
 * MultipartUnsupported); and for tests: now() (epoch ms), random() ([0, 1)),
 * sleep(ms, signal). The options are resolved once (./options.js) and stay
 * apart from the uploader's runtime state (./run.js, Runtime).
 *
 * upload(files, {onProgress, onState, signal, profile, keepOnAbort}) takes
 * files as [{name, type, size, lastModified?, fileId?, ...whatever the
 * transport reads}] (type defaults to one guessed from name) and resolves,
 * never rejects, with one result per file, in order: {index, file, ok: true,
 * key, objectUrl, url} (multipart results add etag, size and multipart:
 * {uploadId, partCount, partSize, resumed}) or {index, file, ok: false, error:
 * OssgateError}. With waitForRecord (the default), an ok result also carries
 * record, the upload's checked record ({id, status: "ok" | "quarantined",
 * size, detectedType, …}): from the upload's own answer when OSS's upload
 * callback answered (recordVia "answer"), else asked of GET /uploads/{id}
 * with back-off (recordVia "poll"); recordError when it could not be had.
 * onProgress({index, file, loaded, total, percent}) reports
 * bytes sent (percent stays below 100 until OSS accepted the file, then is
 * 100; multipart events add partsDone and partCount); onState({index, file,
 * state, error, result, multipart, part}) reports "signing", "uploading",
 * "retrying", "done" and "failed".
 *
 * A file goes multipart when a resume entry for it is in storage, when its
 * size is at least multipartThreshold or the threshold the sign function gave
 * in an earlier MultipartRequired answer for the profile, or when /sign
 * answers MultipartRequired for it.
 *
 * uploadFile(file, opts) uploads one file and resolves with its result, or
 * rejects with its OssgateError.
 *
 * list({cursor, limit, signal}) resolves with one page of the caller's upload
 * records from GET listUrl (default: signUrl with /sign replaced by /uploads),
 * {records, next}, retrying transient failures.
 *
 * remove(id, {signal}) deletes one of the caller's uploads (DELETE
 * /uploads/{id}) and resolves with its record, now status "deleted"; quota(profile,
 * {signal}) resolves with GET /quota?profile= (quota, rate, used, left, resetsAt).
 *
 * pending() resolves with the unfinished multipart uploads in storage:
 * [{id, key, uploadId, name, size, partSize, profile, createdAt}];
 * discard(idOrEntry) aborts one of them server-side and forgets it.
 */
export function createUploader(options) {
  const cfg = resolveOptions(options);
  /** @type {Runtime} */
  const rt = {
    api: multipartApi(cfg.transport, cfg.multipartUrl),
    store: safeStorage(cfg.storage),
    limiter: createLimiter(cfg.partConcurrency),
    learned: new Map(),
    formOnly: new Set(),
    active: new Set(),
  };
  const oneCall = (o) => ({ cfg, rt, opts: o, profile: '', files: [] }); // retries of list, remove, quota and discard report on no file
  return {
    upload: (files, opts) => uploadAll(cfg, rt, files, opts || {}),
    async uploadFile(file, opts) {
      const [r] = await uploadAll(cfg, rt, [file], opts || {});
      if (!r.ok) throw r.error;
      return r;
    },
    async list(opts) {
      const o = opts || {};
      const token = await tokenOf(cfg);
      const req = { transport: cfg.transport, listUrl: cfg.listUrl, token, cursor: o.cursor, limit: o.limit, signal: o.signal };
      return withRetry(() => listRecords(req), retryOpts(oneCall(o), []));
    },
    async get(id, opts) {
      const o = opts || {};
      const req = { transport: cfg.transport, listUrl: cfg.listUrl, token: await tokenOf(cfg), id, signal: o.signal };
      return withRetry(() => getRecord(req), retryOpts(oneCall(o), []));
    },
    awaitVerdict(id, opts) {
      const o = opts || {};
      return awaitVerdict({ ...o, get: () => this.get(id, { signal: o.signal }) });
    },
    async remove(id, opts) {
      const o = opts || {};
      const req = { transport: cfg.transport, listUrl: cfg.listUrl, token: await tokenOf(cfg), id, signal: o.signal };
      return withRetry(() => deleteRecord(req), retryOpts(oneCall(o), []));
    },
    async quota(profile, opts) {
      const o = opts || {};
      const req = { transport: cfg.transport, quotaUrl: cfg.quotaUrl, token: await tokenOf(cfg), profile, signal: o.signal };
      return withRetry(() => getQuota(req), retryOpts(oneCall(o), []));
    },
    pending: () => pendingUploads(rt),
    discard: (idOrEntry, opts) => discardUpload(oneCall(opts || {}), idOrEntry),
  };
}

/**
 * uploadAll is upload(): route every file (form POST or multipart), sign the
 * form files in one request, then upload all through the pool.
 */
async function uploadAll(cfg, rt, rawFiles, opts) {
  /** @type {Run} */
  const run = {
    cfg,
    rt,
    opts,
    profile: opts.profile || cfg.profile,
    files: rawFiles.map(normalizeFile),
  };
  if (run.files.length === 0) return [];
  run.files.forEach((file, index) => emitState(run, index, 'signing'));
  const routes = await Promise.all(run.files.map((file) => routeOf(run, file)));
  const formIndexes = [];
  routes.forEach((r, i) => r.mode === 'form' && formIndexes.push(i));
  const signed = new Array(run.files.length);
  const got = formIndexes.length ? await signBatch(run, formIndexes) : [];
  formIndexes.forEach((i, k) => {
    signed[i] = got[k];
    if (!got[k].multipart) return;
    if (cfg.multipartUnsupported) signed[i] = { error: multipartUnsupported(run, i, got[k].cause) };
    else routes[i] = { mode: 'multipart', reason: 'required', entry: null };
  });
  return runPool(run.files, cfg.concurrency, (file, index) =>
    routes[index].mode === 'multipart' ? uploadMultipartOne(run, index, routes[index]) : uploadOne(run, index, signed[index]),
  );
}

/**
 * multipartUnsupported is the error of a file the sign function wants in
 * parts (cause: its MultipartRequired answer) on a transport that cannot send
 * parts: status 0 (the client's own), details from the answer.
 */
function multipartUnsupported(run, index, cause) {
  const file = run.files[index];
  const details = (cause && cause.details) || {};
  const from = Number(details.threshold) > 0 ? ` from ${details.threshold} bytes` : '';
  return new OssgateError({
    code: Codes.MultipartUnsupported,
    message: `${file.name} is ${file.size} bytes: profile "${run.profile || ''}" takes files${from} in parts only, and ${run.cfg.multipartUnsupported}`,
    requestId: cause ? cause.requestId : '',
    details,
  });
}

function normalizeFile(f) {
  const name = f.name || '';
  return { ...f, name, type: f.type || mimeFromName(name), size: Number(f.size) || 0 };
}

/**
 * routeOf decides how a file goes: {mode: 'multipart', reason: 'resume',
 * entry} when storage holds an unfinished upload of it, {mode: 'multipart',
 * reason: 'threshold'} when its size is at or above a known threshold, else
 * {mode: 'form'} (the sign function may still answer MultipartRequired).
 */
async function routeOf(run, file) {
  const { cfg, rt } = run;
  if (file.size <= 0 || cfg.multipartUnsupported) return { mode: 'form' };
  if (rt.store) {
    const entry = await rt.store.get(storageKeyFor(run.profile, file));
    if (validEntry(entry) && entry.size === file.size && entry.profile === (run.profile || '')) {
      return { mode: 'multipart', reason: 'resume', entry };
    }
  }
  if (rt.formOnly.has(run.profile)) return { mode: 'form' };
  const learned = rt.learned.get(run.profile);
  const optThreshold = Number(cfg.multipartThreshold);
  if ((optThreshold > 0 && file.size >= optThreshold) || (learned && file.size >= learned.threshold)) {
    return { mode: 'multipart', reason: 'threshold', entry: null };
  }
  return { mode: 'form' };
}

/**
 * uploadMultipartOne uploads files[index] by multipart and reports the
 * outcome like uploadOne. When the file went multipart by the client's own
 * threshold and the profile answers MultipartNotAllowed, the file goes by
 * form POST instead (and so do the profile's later files).
 */
async function uploadMultipartOne(run, index, route) {
  const { cfg, rt, opts } = run;
  const file = run.files[index];
  let storageKey = rt.store ? storageKeyFor(run.profile, file) : '';
  let entry = route.entry;
  if (storageKey && rt.active.has(storageKey)) {
    storageKey = ''; // the same file twice at once: the second is a fresh upload, not resumable
    entry = null;
  }
  if (storageKey) rt.active.add(storageKey);
  let result;
  try {
    const r = await runMultipart({
      api: rt.api,
      transport: cfg.transport,
      storage: storageKey ? rt.store : null,
      storageKey,
      entry,
      profile: run.profile || '',
      file,
      signal: opts.signal,
      keepOnAbort: !!opts.keepOnAbort,
      limiter: rt.limiter,
      token: () => tokenOf(cfg),
      cfg,
      retryOpts: () => retryOpts(run, [index]),
      onResume: () => emitState(run, index, 'signing', { resumed: true }),
      onStarted: (info) => emitState(run, index, 'uploading', { multipart: info }),
      onUploading: () => emitState(run, index, 'uploading'),
      onRetry: (error, part) => emitState(run, index, 'retrying', { error, part }),
      onProgress: (loaded, total, parts) => emitProgress(run, index, loaded, total, false, parts),
    });
    result = {
      index,
      file,
      ok: true,
      key: r.key,
      objectUrl: r.objectUrl,
      url: r.objectUrl,
      etag: r.etag,
      size: r.size,
      multipart: { uploadId: r.uploadId, partCount: r.partCount, partSize: r.partSize, resumed: r.resumed },
    };
    emitProgress(run, index, file.size, file.size, true, { partsDone: r.partCount, partCount: r.partCount });
    await attachRecord(run, result, r.record, r.recordId);
    emitState(run, index, 'done', { result });
  } catch (e) {
    const error = toOssgateError(e);
    if (error.code === ServerCodes.MultipartNotAllowed && route.reason === 'threshold') {
      rt.formOnly.add(run.profile);
      if (storageKey) rt.active.delete(storageKey);
      emitState(run, index, 'signing');
      const [signed] = await signBatch(run, [index]);
      return uploadOne(run, index, signed.multipart ? { error } : signed);
    }
    result = { index, file, ok: false, error };
    emitState(run, index, 'failed', { error });
  } finally {
    if (storageKey) rt.active.delete(storageKey);
  }
  return result;
}

/** pendingUploads lists the valid resume entries in storage. */
async function pendingUploads(rt) {
  if (!rt.store) return [];
  const out = [];
  for (const id of await rt.store.keys()) {
    const e = await rt.store.get(id);
    if (!validEntry(e)) continue;
    out.push({ id, key: e.key, uploadId: e.uploadId, name: e.name || '', size: e.size, partSize: e.partSize, profile: e.profile, createdAt: e.createdAt || '' });
  }
  return out;
}

/**
 * discardUpload aborts an unfinished upload (DELETE; NoSuchUpload counts as
 * done) and removes its resume entry. idOrEntry is an id from pending() or an
 * entry it returned.
 */
async function discardUpload(run, idOrEntry) {
  const { cfg, rt, opts } = run;
  const id = typeof idOrEntry === 'string' ? idOrEntry : idOrEntry && idOrEntry.id;
  if (!rt.store || !id) return;
  const e = await rt.store.get(id);
  if (validEntry(e)) {
    const token = await tokenOf(cfg);
    try {
      await withRetry(() => rt.api.abort({ key: e.key, uploadId: e.uploadId, token, signal: opts.signal }), retryOpts(run, []));
    } catch (err) {
      if (err.code !== ServerCodes.NoSuchUpload) throw err;
    }
  }
  await rt.store.remove(id);
}

export { OssgateError };

/**
 * publicApi is an uploader's API as the platform modules give it: each file
 * is turned into the core's shape by fileOf (a picker result, a File);
 * every other call is the core uploader's own.
 *
 * @param {ReturnType<typeof createUploader>} up
 * @param {(file: any) => object} fileOf
 */
export function publicApi(up, fileOf) {
  return {
    upload: (files, opts) => up.upload(Array.from(files).map(fileOf), opts),
    uploadFile: (file, opts) => up.uploadFile(fileOf(file), opts),
    list: (opts) => up.list(opts),
    remove: (id, opts) => up.remove(id, opts),
    get: (id, opts) => up.get(id, opts),
    awaitVerdict: (id, opts) => up.awaitVerdict(id, opts),
    quota: (profile, opts) => up.quota(profile, opts),
    pending: () => up.pending(),
    discard: (idOrEntry, opts) => up.discard(idOrEntry, opts),
  };
}
