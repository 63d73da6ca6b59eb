// The upload flow both clients share: tickets from the sign function, then
// one multipart POST per file straight to OSS, with bounded concurrency,
// retries, fresh tickets for stale ones, progress and abort. The HTTP work is
// done by an injected transport (wx.request/wx.uploadFile, fetch/XHR):
//
//   transport.request({url, method, headers, body, signal})
//     → Promise<{status, body, headers}>   body: text (or parsed JSON)
//   transport.upload({url, fields, file, onProgress(loaded, total), signal})
//     → Promise<{status, body, headers}>   multipart: fields first, "file" last
//
// Both reject only when there was no HTTP answer (an OssgateError from
// networkError/abortError, or anything else, which counts as a network error).
import { Codes, OssgateError, errorFromResponse, toOssgateError } from './errors.js';
import { mimeFromName } from './mime.js';
import { runPool } from './pool.js';
import { RetryDefaults, isRetryable, sleep, withRetry } from './retry.js';
import { isStaleTicket, requestTickets, ticketExpired } from './tickets.js';
import { listRecords, listUrlFor } from './records.js';

/** Defaults of createUploader's options (undefined means the default). */
export const UploaderDefaults = Object.freeze({
  ...RetryDefaults,
  concurrency: 3, // uploads in flight at once
  expiryMarginMs: 1000, // a ticket this close to expiresAt is fetched anew before use
});

/**
 * createUploader returns {upload, uploadFile, list} bound to one sign function.
 *
 * options: transport and signUrl (required); profile (the sign function's
 * upload profile); getToken() → JWT, or a promise of one, or '' for anonymous;
 * concurrency, maxAttempts, baseDelayMs, maxDelayMs, expiryMarginMs; and for
 * tests: now() (epoch ms), random() ([0, 1)), sleep(ms, signal).
 *
 * upload(files, {onProgress, onState, signal, profile}) takes files as
 * [{name, type, size, ...whatever the transport reads}] (type defaults to one
 * guessed from name) and resolves, never rejects, with one result per file,
 * in order: {index, file, ok: true, key, objectUrl, url} or {index, file, ok:
 * false, error: OssgateError}. onProgress({index, file, loaded, total,
 * percent}) reports bytes sent (percent stays below 100 until OSS accepted the
 * file, then is 100); onState({index, file, state, error, result}) reports
 * "signing", "uploading", "retrying", "done" and "failed".
 *
 * uploadFile(file, opts) uploads one file and resolves with its result, or
 * rejects with its OssgateError.
 *
 * list({cursor, limit, signal}) resolves with one page of the caller's upload
 * records from GET listUrl (default: signUrl with /sign replaced by /uploads),
 * {records, next}, retrying transient failures.
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
  return cfg;
}

/** uploadAll is upload(): sign every file, then upload them through the pool. */
async function uploadAll(cfg, rawFiles, opts) {
  const run = {
    cfg,
    opts,
    profile: opts.profile || cfg.profile,
    files: rawFiles.map(normalizeFile),
  };
  if (run.files.length === 0) return [];
  run.files.forEach((file, index) => emitState(run, index, 'signing'));
  const signed = await signBatch(run, run.files.map((_, i) => i));
  return runPool(run.files, cfg.concurrency, (file, index) => uploadOne(run, index, signed[index]));
}

function normalizeFile(f) {
  const name = f.name || '';
  return { ...f, name, type: f.type || mimeFromName(name), size: Number(f.size) || 0 };
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
 * signBatch returns, per file, {ticket} or {error}. When the batch is refused
 * for a reason a retry cannot fix (one disallowed file, too many files), each
 * file is signed alone so the good ones go through and every error lands on
 * the file that caused it.
 */
async function signBatch(run, indexes) {
  try {
    const tickets = await sign(run, indexes);
    return tickets.map((ticket) => ({ ticket }));
  } catch (e) {
    const err = toOssgateError(e);
    if (indexes.length < 2 || isRetryable(err) || err.status === 0 || err.status === 401 || err.status === 403) {
      return indexes.map(() => ({ error: err }));
    }
    return runPool(indexes, run.cfg.concurrency, async (i) => {
      try {
        return { ticket: (await sign(run, [i]))[0] };
      } catch (e2) {
        return { error: toOssgateError(e2) };
      }
    });
  }
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

/** post sends one multipart POST to OSS, retrying transient failures. */
function post(run, index, ticket) {
  const { cfg, opts } = run;
  const file = run.files[index];
  return withRetry(async () => {
    emitState(run, index, 'uploading');
    emitProgress(run, index, 0, file.size, false);
    const res = await cfg.transport.upload({
      url: ticket.url,
      fields: ticket.fields,
      file,
      signal: opts.signal,
      onProgress: (loaded, total) => emitProgress(run, index, loaded, total, false),
    });
    if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body, res.headers);
    return res;
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

function emitProgress(run, index, loaded, total, done) {
  if (!run.opts.onProgress) return;
  const t = total > 0 ? total : 0;
  let percent = t > 0 ? Math.floor((loaded * 100) / t) : 0;
  percent = done ? 100 : Math.max(0, Math.min(99, percent));
  run.opts.onProgress({ index, file: run.files[index], loaded, total: t, percent });
}

function emitState(run, index, state, extra) {
  if (!run.opts.onState) return;
  run.opts.onState({ index, file: run.files[index], state, ...(extra || {}) });
}

export { OssgateError };
