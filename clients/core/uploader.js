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
import { OssCodes, ServerCodes } from './codes.js';
import { Codes, OssgateError, errorFromResponse, toOssgateError } from './errors.js';
import { mimeFromName } from './mime.js';
import { createLimiter, runPool } from './pool.js';
import { RetryDefaults, isRetryable, sleep, withRetry } from './retry.js';
import { isStaleTicket, requestTickets, ticketExpired } from './tickets.js';
import { deleteRecord, getQuota, listRecords, listUrlFor, quotaUrlFor } from './records.js';
import { MultipartDefaults, multipartApi, multipartUrlFor, runMultipart } from './multipart.js';
import { safeStorage, storageKeyFor, validEntry } from './resume.js';

/** Defaults of createUploader's options (undefined means the default). */
export const UploaderDefaults = Object.freeze({
  ...RetryDefaults,
  ...MultipartDefaults,
  concurrency: 3, // uploads in flight at once
  expiryMarginMs: 1000, // a ticket or part URL this close to expiresAt is fetched anew before use
  multipartThreshold: undefined, // bytes: files at least this large go multipart without asking /sign first
});

/**
 * createUploader returns {upload, uploadFile, list, remove, quota, pending, discard} bound to
 * one sign function.
 *
 * options: transport and signUrl (required); profile (the sign function's
 * upload profile); getToken() → JWT, or a promise of one, or '' for anonymous;
 * concurrency, maxAttempts, baseDelayMs, maxDelayMs, expiryMarginMs; for
 * multipart: multipartThreshold, partConcurrency, partMaxAttempts,
 * urlRefreshes, multipartUrl (default: signUrl with /sign replaced by
 * /uploads/multipart), storage (default transport.storage; null: no resume);
 * and for tests: now() (epoch ms), random() ([0, 1)), sleep(ms, signal).
 *
 * upload(files, {onProgress, onState, signal, profile, keepOnAbort}) takes
 * files as [{name, type, size, lastModified?, fileId?, ...whatever the
 * transport reads}] (type defaults to one guessed from name) and resolves,
 * never rejects, with one result per file, in order: {index, file, ok: true,
 * key, objectUrl, url} (multipart results add etag, size and multipart:
 * {uploadId, partCount, partSize, resumed}) or {index, file, ok: false, error:
 * OssgateError}. onProgress({index, file, loaded, total, percent}) reports
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
  const cfg = withDefaults(options);
  return {
    upload: (files, opts) => uploadAll(cfg, files, opts || {}),
    async uploadFile(file, opts) {
      const [r] = await uploadAll(cfg, [file], opts || {});
      if (!r.ok) throw r.error;
      return r;
    },
    async list(opts) {
      const o = opts || {};
      const token = await tokenOf(cfg);
      const req = { transport: cfg.transport, listUrl: cfg.listUrl, token, cursor: o.cursor, limit: o.limit, signal: o.signal };
      return withRetry(() => listRecords(req), retryOpts({ cfg, opts: o, files: [] }, []));
    },
    async remove(id, opts) {
      const o = opts || {};
      const req = { transport: cfg.transport, listUrl: cfg.listUrl, token: await tokenOf(cfg), id, signal: o.signal };
      return withRetry(() => deleteRecord(req), retryOpts({ cfg, opts: o, files: [] }, []));
    },
    async quota(profile, opts) {
      const o = opts || {};
      const req = { transport: cfg.transport, quotaUrl: cfg.quotaUrl, token: await tokenOf(cfg), profile, signal: o.signal };
      return withRetry(() => getQuota(req), retryOpts({ cfg, opts: o, files: [] }, []));
    },
    pending: () => pendingUploads(cfg),
    discard: (idOrEntry, opts) => discardUpload(cfg, idOrEntry, opts || {}),
  };
}

function withDefaults(o) {
  if (!o || !o.transport) throw new TypeError('ossgate: createUploader needs a transport');
  if (!o.signUrl) throw new TypeError('ossgate: createUploader needs signUrl');
  const cfg = { ...UploaderDefaults };
  for (const k of Object.keys(o)) if (o[k] !== undefined) cfg[k] = o[k];
  cfg.now = cfg.now || (() => Date.now());
  cfg.random = cfg.random || Math.random;
  cfg.sleep = cfg.sleep || sleep;
  cfg.getToken = cfg.getToken || (() => '');
  cfg.listUrl = cfg.listUrl || listUrlFor(cfg.signUrl);
  cfg.quotaUrl = cfg.quotaUrl || quotaUrlFor(cfg.signUrl);
  cfg.multipartUrl = cfg.multipartUrl || multipartUrlFor(cfg.signUrl);
  cfg.mp = multipartApi(cfg.transport, cfg.multipartUrl);
  cfg.store = safeStorage('storage' in o ? o.storage : cfg.transport.storage);
  cfg.limiter = createLimiter(cfg.partConcurrency);
  cfg.learned = new Map(); // profile → {threshold, partSize} from MultipartRequired answers
  cfg.formOnly = new Set(); // profiles that answered MultipartNotAllowed
  cfg.active = new Set(); // storage keys of the multipart uploads running now
  return cfg;
}

/**
 * uploadAll is upload(): route every file (form POST or multipart), sign the
 * form files in one request, then upload all through the pool.
 */
async function uploadAll(cfg, rawFiles, opts) {
  const run = {
    cfg,
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
    if (got[k].multipart) routes[i] = { mode: 'multipart', reason: 'required', entry: null };
  });
  return runPool(run.files, cfg.concurrency, (file, index) =>
    routes[index].mode === 'multipart' ? uploadMultipartOne(run, index, routes[index]) : uploadOne(run, index, signed[index]),
  );
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
  const { cfg } = run;
  if (file.size <= 0) return { mode: 'form' };
  if (cfg.store) {
    const entry = await cfg.store.get(storageKeyFor(run.profile, file));
    if (validEntry(entry) && entry.size === file.size && entry.profile === (run.profile || '')) {
      return { mode: 'multipart', reason: 'resume', entry };
    }
  }
  if (cfg.formOnly.has(run.profile)) return { mode: 'form' };
  const learned = cfg.learned.get(run.profile);
  const optThreshold = Number(cfg.multipartThreshold);
  if ((optThreshold > 0 && file.size >= optThreshold) || (learned && file.size >= learned.threshold)) {
    return { mode: 'multipart', reason: 'threshold', entry: null };
  }
  return { mode: 'form' };
}

/**
 * learnThreshold keeps the threshold a MultipartRequired answer gave for the
 * run's profile and returns it (0 when the answer has none).
 */
function learnThreshold(run, err) {
  const t = Number(err.details && err.details.threshold);
  if (!(t > 0)) return 0;
  run.cfg.learned.set(run.profile, { threshold: t, partSize: Number(err.details.partSize) || 0 });
  return t;
}

/**
 * sign gets tickets for the files at indexes in one /sign request, retrying
 * transient failures (reported as "retrying" on those files only).
 */
async function sign(run, indexes) {
  const { cfg, opts } = run;
  const token = await tokenOf(cfg);
  const req = { transport: cfg.transport, signUrl: cfg.signUrl, profile: run.profile, token, signal: opts.signal };
  const files = indexes.map((i) => run.files[i]);
  return withRetry(() => requestTickets(req, files), retryOpts(run, indexes));
}

/** tokenOf calls getToken; its failure is final (code TokenUnavailable). */
async function tokenOf(cfg) {
  try {
    return (await cfg.getToken()) || '';
  } catch (err) {
    throw new OssgateError({ code: Codes.Token, message: 'getToken failed: ' + (err && err.message ? err.message : String(err)) });
  }
}

/**
 * signBatch returns, per file, {ticket}, {error} or {multipart: true} (the
 * sign function answered MultipartRequired for it). A MultipartRequired
 * answer to a batch teaches the profile's threshold: the files at or above it
 * leave the batch and the rest is signed again. When the batch is refused for
 * another reason a retry cannot fix (one disallowed file, too many files),
 * each file is signed alone so the good ones go through and every error lands
 * on the file that caused it.
 */
async function signBatch(run, indexes) {
  try {
    const tickets = await sign(run, indexes);
    return tickets.map((ticket) => ({ ticket }));
  } catch (e) {
    const err = toOssgateError(e);
    if (err.code === ServerCodes.MultipartRequired) {
      const threshold = learnThreshold(run, err);
      if (indexes.length === 1) return [{ multipart: true }];
      const big = indexes.filter((i) => threshold > 0 && run.files[i].size >= threshold);
      if (big.length > 0) {
        const rest = indexes.filter((i) => !big.includes(i));
        const restSigned = rest.length ? await signBatch(run, rest) : [];
        return indexes.map((i) => (big.includes(i) ? { multipart: true } : restSigned[rest.indexOf(i)]));
      }
    } else if (indexes.length < 2 || isRetryable(err) || err.status === 0 || err.status === 401 || err.status === 403) {
      return indexes.map(() => ({ error: err }));
    }
    return runPool(indexes, run.cfg.concurrency, async (i) => {
      try {
        return { ticket: (await sign(run, [i]))[0] };
      } catch (e2) {
        const err2 = toOssgateError(e2);
        if (err2.code === ServerCodes.MultipartRequired) {
          learnThreshold(run, err2);
          return { multipart: true };
        }
        return { error: err2 };
      }
    });
  }
}

/**
 * uploadMultipartOne uploads files[index] by multipart and reports the
 * outcome like uploadOne. When the file went multipart by the client's own
 * threshold and the profile answers MultipartNotAllowed, the file goes by
 * form POST instead (and so do the profile's later files).
 */
async function uploadMultipartOne(run, index, route) {
  const { cfg, opts } = run;
  const file = run.files[index];
  let storageKey = cfg.store ? storageKeyFor(run.profile, file) : '';
  let entry = route.entry;
  if (storageKey && cfg.active.has(storageKey)) {
    storageKey = ''; // the same file twice at once: the second is a fresh upload, not resumable
    entry = null;
  }
  if (storageKey) cfg.active.add(storageKey);
  let result;
  try {
    const r = await runMultipart({
      api: cfg.mp,
      transport: cfg.transport,
      storage: storageKey ? cfg.store : null,
      storageKey,
      entry,
      profile: run.profile || '',
      file,
      signal: opts.signal,
      keepOnAbort: !!opts.keepOnAbort,
      limiter: cfg.limiter,
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
    emitState(run, index, 'done', { result });
  } catch (e) {
    const error = toOssgateError(e);
    if (error.code === ServerCodes.MultipartNotAllowed && route.reason === 'threshold') {
      cfg.formOnly.add(run.profile);
      if (storageKey) cfg.active.delete(storageKey);
      emitState(run, index, 'signing');
      const [signed] = await signBatch(run, [index]);
      return uploadOne(run, index, signed.multipart ? { error } : signed);
    }
    result = { index, file, ok: false, error };
    emitState(run, index, 'failed', { error });
  } finally {
    if (storageKey) cfg.active.delete(storageKey);
  }
  return result;
}

/** pendingUploads lists the valid resume entries in storage. */
async function pendingUploads(cfg) {
  if (!cfg.store) return [];
  const out = [];
  for (const id of await cfg.store.keys()) {
    const e = await cfg.store.get(id);
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
async function discardUpload(cfg, idOrEntry, o) {
  const id = typeof idOrEntry === 'string' ? idOrEntry : idOrEntry && idOrEntry.id;
  if (!cfg.store || !id) return;
  const e = await cfg.store.get(id);
  if (validEntry(e)) {
    const token = await tokenOf(cfg);
    try {
      await withRetry(() => cfg.mp.abort({ key: e.key, uploadId: e.uploadId, token, signal: o.signal }), retryOpts({ cfg, opts: o, files: [] }, []));
    } catch (err) {
      if (err.code !== ServerCodes.NoSuchUpload) throw err;
    }
  }
  await cfg.store.remove(id);
}

/** uploadOne uploads files[index] with its ticket and reports the outcome. */
async function uploadOne(run, index, signed) {
  const file = run.files[index];
  let result;
  try {
    if (signed.error) throw signed.error;
    const ticket = await postWithFreshTicket(run, index, signed.ticket);
    result = { index, file, ok: true, key: ticket.key, objectUrl: ticket.objectUrl, url: ticket.url };
    emitProgress(run, index, file.size, file.size, true);
    emitState(run, index, 'done', { result });
  } catch (e) {
    const error = toOssgateError(e);
    result = { index, file, ok: false, error };
    emitState(run, index, 'failed', { error });
  }
  return result;
}

/**
 * postWithFreshTicket posts the file with ticket, first replacing a ticket
 * that is about to expire, and once replacing one OSS refused as stale. It
 * resolves with the ticket that worked.
 */
async function postWithFreshTicket(run, index, ticket) {
  const { cfg } = run;
  let refreshed = false;
  const refresh = async () => {
    refreshed = true;
    emitState(run, index, 'signing');
    return (await sign(run, [index]))[0];
  };
  if (ticketExpired(ticket, cfg.now(), cfg.expiryMarginMs)) ticket = await refresh();
  try {
    await post(run, index, ticket);
  } catch (e) {
    if (refreshed || !isStaleTicket(e)) throw e;
    ticket = await refresh();
    await post(run, index, ticket);
  }
  return ticket;
}

/**
 * post sends one multipart POST to OSS, retrying transient failures. A
 * ticket writes its key once (x-oss-forbid-overwrite), so a 409
 * FileAlreadyExists on a retry after an attempt that may have reached OSS
 * (no answer, or a 5xx) means that attempt stored the file: it counts as
 * uploaded. A 409 otherwise (someone else posted this ticket first) is
 * reported.
 */
function post(run, index, ticket) {
  const { cfg, opts } = run;
  const file = run.files[index];
  let mayHaveLanded = false;
  return withRetry(async () => {
    emitState(run, index, 'uploading');
    emitProgress(run, index, 0, file.size, false);
    let res;
    try {
      res = await cfg.transport.upload({
        url: ticket.url,
        fields: ticket.fields,
        file,
        signal: opts.signal,
        onProgress: (loaded, total) => emitProgress(run, index, loaded, total, false),
      });
    } catch (e) {
      mayHaveLanded = true;
      throw e;
    }
    if (res.status >= 200 && res.status <= 299) return res;
    const err = errorFromResponse(res.status, res.body, res.headers);
    if (res.status === 409 && err.code === OssCodes.FileAlreadyExists && mayHaveLanded) return res;
    if (res.status >= 500) mayHaveLanded = true;
    throw err;
  }, retryOpts(run, [index]));
}

/** retryOpts are withRetry's options for run; a retry is reported on the files at indexes. */
function retryOpts(run, indexes) {
  const { cfg, opts } = run;
  return {
    maxAttempts: cfg.maxAttempts,
    baseDelayMs: cfg.baseDelayMs,
    maxDelayMs: cfg.maxDelayMs,
    random: cfg.random,
    sleep: cfg.sleep,
    signal: opts.signal,
    onRetry: (error) => {
      for (const i of indexes) emitState(run, i, 'retrying', { error });
    },
  };
}

function emitProgress(run, index, loaded, total, done, parts) {
  if (!run.opts.onProgress) return;
  const t = total > 0 ? total : 0;
  let percent = t > 0 ? Math.floor((loaded * 100) / t) : 0;
  percent = done ? 100 : Math.max(0, Math.min(99, percent));
  run.opts.onProgress({ index, file: run.files[index], loaded, total: t, percent, ...(parts || {}) });
}

function emitState(run, index, state, extra) {
  if (!run.opts.onState) return;
  run.opts.onState({ index, file: run.files[index], state, ...(extra || {}) });
}

export { OssgateError };
