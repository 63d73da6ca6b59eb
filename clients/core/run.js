// One call of upload(): the files, the caller's options, and what every step
// of it shares: the bearer token, the retry options, and the progress and
// state events.
import { Codes, OssgateError } from './errors.js';

/**
 * @typedef {object} Runtime an uploader's state that changes while it runs
 * @property {import('./multipart-api.js').MultipartApi} api the multipart calls
 * @property {object | null} store safeStorage over the resume storage, or null
 * @property {{acquire: Function, inUse: () => number}} limiter part PUT slots shared by every upload
 * @property {Map<string, {threshold: number, partSize: number}>} learned profile → what a MultipartRequired answer said
 * @property {Set<string>} formOnly profiles that answered MultipartNotAllowed
 * @property {Set<string>} active storage keys of the multipart uploads running now
 */

/**
 * @typedef {object} UploadCallOptions the options of one upload() call
 * @property {(p: object) => void} [onProgress]
 * @property {(s: object) => void} [onState]
 * @property {object} [signal]
 * @property {string} [profile]
 * @property {boolean} [keepOnAbort]
 */

/**
 * @typedef {object} Run
 * @property {Readonly<import('./options.js').UploaderOptions>} cfg the uploader's resolved options
 * @property {Runtime} rt the uploader's runtime state
 * @property {UploadCallOptions} opts
 * @property {string} profile the profile of this call
 * @property {Array<{name: string, type: string, size: number}>} files the normalised files
 */

/** tokenOf calls getToken; its failure is final (code TokenUnavailable). */
export async function tokenOf(cfg) {
  try {
    return (await cfg.getToken()) || '';
  } catch (err) {
    throw new OssgateError({ code: Codes.Token, message: 'getToken failed: ' + (err && err.message ? err.message : String(err)) });
  }
}

/**
 * retryOpts are withRetry's options for run; a retry is reported on the
 * files at indexes.
 *
 * @param {{cfg: object, opts: UploadCallOptions, files: object[]}} run
 * @param {number[]} indexes
 */
export function retryOpts(run, indexes) {
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

/**
 * emitProgress reports bytes sent of files[index]: percent stays below 100
 * until done, then is 100; parts adds multipart's {partsDone, partCount}.
 */
export function emitProgress(run, index, loaded, total, done, parts) {
  if (!run.opts.onProgress) return;
  const t = total > 0 ? total : 0;
  let percent = t > 0 ? Math.floor((loaded * 100) / t) : 0;
  percent = done ? 100 : Math.max(0, Math.min(99, percent));
  run.opts.onProgress({ index, file: run.files[index], loaded, total: t, percent, ...(parts || {}) });
}

/** emitState reports a state of files[index] ("signing", "uploading", "retrying", "done", "failed") with extra fields. */
export function emitState(run, index, state, extra) {
  if (!run.opts.onState) return;
  run.opts.onState({ index, file: run.files[index], state, ...(extra || {}) });
}
