// Multipart uploads: the sign function starts an OSS multipart upload and
// hands out presigned UploadPart URLs, each pinned to its part's exact size;
// the client PUTs the parts straight to OSS, a few at a time, and asks the
// function to complete. This file is the flow of one file: start or resume,
// send the parts (./part-engine.js), complete. The part layout is
// ./part-schedule.js, the four API calls ./multipart-api.js. The transport
// adds to the form-upload contract:
//
//   transport.readPart(file, start, end) → bytes of [start, end) (ArrayBuffer, Uint8Array or Blob)
//   transport.put({url, headers, body, onProgress(loaded, total), signal}) → {status, body, headers}
import { ServerCodes } from './codes.js';
import { Codes, abortError, toOssgateError } from './errors.js';
import { partEngine } from './part-engine.js';
import { missingParts, partSchedule } from './part-schedule.js';
import { throwIfAborted, withRetry } from './retry.js';

export { MAX_PARTS, partSchedule } from './part-schedule.js';
export { MAX_URLS_PER_CALL, multipartApi, multipartUrlFor } from './multipart-api.js';
export { isExpiredUrlError } from './part-engine.js';

/** Defaults of the multipart options of createUploader (undefined means the default). */
export const MultipartDefaults = Object.freeze({
  partConcurrency: 3, // part PUTs in flight at once, per uploader
  partMaxAttempts: 6, // tries per part, the first included (a fresh URL after expiry does not count)
  urlRefreshes: 3, // fresh URLs one part may ask for after OSS said its URL expired
});

/**
 * @typedef {object} MultipartConfig the uploader's options a multipart upload reads
 * @property {number} partConcurrency part PUTs in flight for one file
 * @property {number} partMaxAttempts tries per part, the first included
 * @property {number} urlRefreshes fresh URLs one part may ask for after expiry
 * @property {number} expiryMarginMs a URL this close to expiresAt is fetched anew
 * @property {number} baseDelayMs first backoff delay
 * @property {number} maxDelayMs cap of one backoff delay
 * @property {() => number} now epoch milliseconds
 * @property {() => number} random a number in [0, 1)
 * @property {(ms: number, signal?: object) => Promise<void>} sleep
 */

/**
 * @typedef {object} ResumeEntry what storage keeps of an unfinished upload (./resume.js)
 * @property {string} key
 * @property {string} uploadId
 * @property {number} size
 * @property {number} partSize
 * @property {string} profile
 * @property {string} [name]
 * @property {string} [objectUrl]
 * @property {string} [createdAt]
 */

/**
 * @typedef {object} MultipartContext everything one file's multipart upload works with
 * @property {import('./multipart-api.js').MultipartApi} api the sign function's multipart calls
 * @property {{readPart: Function, put: Function}} transport
 * @property {object | null} storage a safeStorage adapter, or null: the upload is not resumable
 * @property {string} storageKey the file's resume entry key ('' with no storage)
 * @property {ResumeEntry | null} entry the file's resume entry, or null to start afresh
 * @property {string} profile
 * @property {{name: string, type: string, size: number}} file plus whatever readPart reads
 * @property {object} [signal] the caller's abort signal
 * @property {boolean} [keepOnAbort] on abort, keep the upload and its entry (a pause)
 * @property {{acquire: (signal?: object) => Promise<() => void>}} limiter part PUT slots shared by the uploader
 * @property {() => Promise<string>} token the caller's bearer token
 * @property {MultipartConfig} cfg
 * @property {() => object} retryOpts withRetry's options for the API calls
 * @property {(info: {uploadId: string, key: string, partCount: number, partSize: number, resumed: boolean, partsDone: number}) => void} [onStarted]
 * @property {(loaded: number, total: number, parts: {partsDone: number, partCount: number}) => void} [onProgress]
 * @property {(err: object, partNumber: number) => void} [onRetry]
 * @property {() => void} [onResume]
 * @property {() => void} [onUploading]
 */

/**
 * @typedef {object} UploadState one upload in progress, shared by the flow and the part engine
 * @property {string} key
 * @property {string} uploadId
 * @property {number} partSize
 * @property {string} objectUrl
 * @property {import('./part-schedule.js').PartSchedule} schedule
 * @property {Set<number>} done numbers of the parts OSS holds
 * @property {Map<number, import('./multipart-api.js').PartUrl>} urls the part URLs at hand, by number
 * @property {boolean} resumed whether the upload was continued from a resume entry
 */

/**
 * runMultipart uploads one file by multipart and resolves with
 * {key, objectUrl, size, etag, uploadId, partCount, partSize, resumed}.
 *
 * Errors keep the upload resumable (the entry stays) except NoSuchUpload,
 * which drops the entry. On the caller's abort it rejects with the abort
 * error after aborting the upload server-side (DELETE) and dropping the
 * entry, unless ctx.keepOnAbort: then the upload and its entry stay, to be
 * resumed by a later upload of the same file (a pause).
 *
 * @param {MultipartContext} ctx
 */
export async function runMultipart(ctx) {
  const up = { current: null };
  try {
    return await multipartFlow(ctx, up);
  } catch (e) {
    const err = toOssgateError(e);
    const aborted = ctx.signal && ctx.signal.aborted;
    const target = up.current || ctx.entry;
    if (aborted && target && !ctx.keepOnAbort) {
      await abortUpload(ctx, target);
    } else if (err.code === ServerCodes.NoSuchUpload && ctx.storage && ctx.storageKey) {
      await ctx.storage.remove(ctx.storageKey);
    }
    throw aborted ? abortError() : err;
  }
}

/** abortUpload aborts an upload server-side (best effort: no signal, transient failures retried) and drops its entry. */
async function abortUpload(ctx, u) {
  try {
    const token = await ctx.token();
    await withRetry(() => ctx.api.abort({ key: u.key, uploadId: u.uploadId, token }), { ...ctx.retryOpts(), signal: undefined, onRetry: undefined });
  } catch {
    // NoSuchUpload: already gone; anything else: the bucket's lifecycle rule reaps it
  }
  if (ctx.storage && ctx.storageKey) await ctx.storage.remove(ctx.storageKey);
}

/** multipartFlow starts or resumes the upload, sends its missing parts and completes it; up.current is the upload once known. */
async function multipartFlow(ctx, up) {
  const state = (ctx.entry && (await resumeUpload(ctx))) || (await startUpload(ctx));
  up.current = state;
  throwIfAborted(ctx.signal);

  const engine = partEngine(ctx, state);
  if (ctx.onStarted) {
    ctx.onStarted({ uploadId: state.uploadId, key: state.key, partCount: state.schedule.partCount, partSize: state.partSize, resumed: state.resumed, partsDone: state.done.size });
  }
  engine.report();
  await engine.send(missingParts(state.schedule, state.done));
  const completed = await completeUpload(ctx, state, engine);
  if (ctx.storage && ctx.storageKey) await ctx.storage.remove(ctx.storageKey);
  return {
    key: completed.key,
    objectUrl: completed.objectUrl || state.objectUrl,
    size: completed.size === undefined ? state.schedule.size : completed.size,
    etag: completed.etag || '',
    record: completed.record || null,
    recordId: completed.recordId || '',
    uploadId: state.uploadId,
    partCount: state.schedule.partCount,
    partSize: state.partSize,
    resumed: state.resumed,
  };
}

/**
 * resumeUpload continues the upload of ctx.entry: it asks which parts OSS
 * holds and resolves with the state, or with null when the upload is gone,
 * not this user's, or no longer fits the profile's part size (then it is
 * forgotten, and the caller starts afresh). Any other error is the caller's.
 *
 * @returns {Promise<UploadState | null>}
 */
async function resumeUpload(ctx) {
  const e = ctx.entry;
  const schedule = partSchedule(e.size, e.partSize);
  try {
    const token = await ctx.token();
    const ans = await withRetry(() => ctx.api.parts({ key: e.key, uploadId: e.uploadId, size: e.size, schedule, token, signal: ctx.signal }), ctx.retryOpts());
    const state = { key: e.key, uploadId: e.uploadId, partSize: e.partSize, objectUrl: e.objectUrl || '', schedule, done: new Set(ans.done), urls: new Map(), resumed: true };
    for (const p of ans.parts) state.urls.set(p.number, p);
    if (ctx.onResume) ctx.onResume();
    return state;
  } catch (e2) {
    const err = toOssgateError(e2);
    const stale = err.code === ServerCodes.NoSuchUpload || err.code === ServerCodes.InvalidUpload || err.code === ServerCodes.Forbidden || err.code === Codes.BadResponse;
    if (!stale) throw err;
    if (err.code === Codes.BadResponse) await abortUpload(ctx, e);
    else if (ctx.storage && ctx.storageKey) await ctx.storage.remove(ctx.storageKey);
    return null;
  }
}

/**
 * startUpload starts a new upload of ctx.file and keeps its resume entry in
 * storage.
 *
 * @returns {Promise<UploadState>}
 */
async function startUpload(ctx) {
  const { file } = ctx;
  const token = await ctx.token();
  const u = await withRetry(() => ctx.api.create({ profile: ctx.profile, file, token, signal: ctx.signal }), ctx.retryOpts());
  const schedule = partSchedule(file.size, u.partSize);
  const state = { key: u.key, uploadId: u.uploadId, partSize: u.partSize, objectUrl: u.objectUrl || '', schedule, done: new Set(), urls: new Map(), resumed: false };
  for (const p of u.parts) state.urls.set(p.number, p);
  if (ctx.storage && ctx.storageKey) {
    /** @type {ResumeEntry} */
    const entry = {
      key: u.key,
      uploadId: u.uploadId,
      size: file.size,
      name: file.name,
      partSize: u.partSize,
      profile: ctx.profile,
      objectUrl: u.objectUrl || '',
      createdAt: new Date(ctx.cfg.now()).toISOString(),
    };
    await ctx.storage.set(ctx.storageKey, entry);
  }
  return state;
}

/**
 * completeUpload asks the function to complete the upload; when it says
 * parts are missing (a part OSS lost, or another client of the same upload),
 * it learns the truth once, sends them and asks again.
 */
async function completeUpload(ctx, state, engine) {
  const { key, uploadId, schedule } = state;
  for (let round = 0; ; round++) {
    try {
      const token = await ctx.token();
      return await withRetry(() => ctx.api.complete({ key, uploadId, size: schedule.size, token, signal: ctx.signal }), ctx.retryOpts());
    } catch (e) {
      const err = toOssgateError(e);
      if (err.code !== ServerCodes.PartsMissing || round > 0) throw err;
      const token = await ctx.token();
      const ans = await withRetry(() => ctx.api.parts({ key, uploadId, size: schedule.size, schedule, token, signal: ctx.signal }), ctx.retryOpts());
      state.done = new Set(ans.done);
      for (const p of ans.parts) state.urls.set(p.number, p);
      const missing = missingParts(schedule, state.done);
      if (missing.length === 0) throw err; // ListParts and complete disagree: nothing a client can do
      engine.recount();
      await engine.send(missing);
    }
  }
}
