// The form path: tickets from POST /sign, signed in one batch where the
// sign function allows it, then one multipart/form-data POST per file
// straight to OSS, with retries and a fresh ticket for a stale one.
import { OssCodes, ServerCodes } from './codes.js';
import { errorFromResponse, toOssgateError } from './errors.js';
import { runPool } from './pool.js';
import { attachRecord, recordFromAnswer } from './record-wait.js';
import { isRetryable, withRetry } from './retry.js';
import { emitProgress, emitState, retryOpts, tokenOf } from './run.js';
import { isStaleTicket, requestTickets, ticketExpired } from './tickets.js';

/** @typedef {import('./run.js').Run} Run */

/**
 * learnThreshold keeps the threshold a MultipartRequired answer gave for the
 * run's profile and returns it (0 when the answer has none).
 */
function learnThreshold(run, err) {
  const t = Number(err.details && err.details.threshold);
  if (!(t > 0)) return 0;
  run.rt.learned.set(run.profile, { threshold: t, partSize: Number(err.details.partSize) || 0 });
  return t;
}

/**
 * sign gets tickets for the files at indexes in one /sign request, retrying
 * transient failures (reported as "retrying" on those files only).
 *
 * @param {Run} run
 */
async function sign(run, indexes) {
  const { cfg, opts } = run;
  const token = await tokenOf(cfg);
  const req = { transport: cfg.transport, signUrl: cfg.signUrl, profile: run.profile, token, signal: opts.signal };
  const files = indexes.map((i) => run.files[i]);
  return withRetry(() => requestTickets(req, files), retryOpts(run, indexes));
}

/**
 * signBatch returns, per file, {ticket}, {error} or {multipart: true, cause}
 * (the sign function answered MultipartRequired for it: cause is that
 * answer). A MultipartRequired
 * answer to a batch teaches the profile's threshold: the files at or above it
 * leave the batch and the rest is signed again. When the batch is refused for
 * another reason a retry cannot fix (one disallowed file, too many files),
 * each file is signed alone so the good ones go through and every error lands
 * on the file that caused it.
 *
 * @param {Run} run
 * @param {number[]} indexes
 */
export async function signBatch(run, indexes) {
  try {
    const tickets = await sign(run, indexes);
    return tickets.map((ticket) => ({ ticket }));
  } catch (e) {
    const err = toOssgateError(e);
    if (err.code === ServerCodes.MultipartRequired) {
      const threshold = learnThreshold(run, err);
      if (indexes.length === 1) return [{ multipart: true, cause: err }];
      const big = indexes.filter((i) => threshold > 0 && run.files[i].size >= threshold);
      if (big.length > 0) {
        const rest = indexes.filter((i) => !big.includes(i));
        const restSigned = rest.length ? await signBatch(run, rest) : [];
        return indexes.map((i) => (big.includes(i) ? { multipart: true, cause: err } : restSigned[rest.indexOf(i)]));
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
          return { multipart: true, cause: err2 };
        }
        return { error: err2 };
      }
    });
  }
}

/**
 * uploadOne uploads files[index] with its ticket and reports the outcome.
 *
 * @param {Run} run
 * @param {number} index
 * @param {{ticket?: object, error?: object}} signed
 */
export async function uploadOne(run, index, signed) {
  const file = run.files[index];
  let result;
  try {
    if (signed.error) throw signed.error;
    const { ticket, res } = await postWithFreshTicket(run, index, signed.ticket);
    result = { index, file, ok: true, key: ticket.key, objectUrl: ticket.objectUrl, url: ticket.url };
    emitProgress(run, index, file.size, file.size, true);
    await attachRecord(run, result, recordFromAnswer(res.status, res.body), ticket.recordId);
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
 * resolves with the ticket that worked and OSS's answer.
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
  let res;
  try {
    res = await post(run, index, ticket);
  } catch (e) {
    if (refreshed || !isStaleTicket(e)) throw e;
    ticket = await refresh();
    res = await post(run, index, ticket);
  }
  return { ticket, res };
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
