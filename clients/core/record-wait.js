// The checked record of an upload, in the client's hands as soon as the
// upload ends: from the upload's own answer when OSS's upload callback
// answered it (the sign function's {"record": …}, relayed by OSS as a 200),
// else from GET /uploads/{recordId}, asked with back-off until the record
// function has recorded the upload (after a 203 CallbackFailed, or when the
// deployment has no callback).
import { apiRequest } from './api.js';
import { Codes, OssgateError, parseJSON, toOssgateError } from './errors.js';
import { isRetryable } from './retry.js';
import { tokenOf } from './run.js';

/** Defaults of the record options. */
export const RecordDefaults = Object.freeze({
  waitForRecord: true, // results carry the upload's record (or recordError)
  recordWaitMs: 60_000, // how long GET /uploads/{id} is asked before giving up
  recordPollMs: 250, // the first delay between asks; it doubles…
  recordPollMaxMs: 4000, // …up to this
});

/**
 * recordFromAnswer returns the record an upload answer carries: {"record":
 * {id, status, …}} in a 200 (the upload callback's answer relayed by OSS, or
 * a multipart completion's); else null.
 */
export function recordFromAnswer(status, body) {
  if (status !== 200) return null;
  const j = parseJSON(body);
  const r = j && typeof j === 'object' ? j.record : null;
  return r && typeof r.id === 'string' && typeof r.status === 'string' ? r : null;
}

/**
 * getRecord fetches one of the caller's upload records: GET listUrl/{id}. A
 * record not (yet) there rejects with NotFound (404).
 *
 * opts: {transport, listUrl, token, id, signal}.
 */
export async function getRecord(opts) {
  const url = opts.listUrl.replace(/\?.*$/, '') + '/' + encodeURIComponent(opts.id);
  const res = await apiRequest(opts.transport, { url, method: 'GET', token: opts.token, signal: opts.signal });
  const json = parseJSON(res.body);
  if (!json || typeof json.id !== 'string') {
    throw new OssgateError({ code: Codes.BadResponse, message: 'uploads/{id}: answer is not a record', status: res.status });
  }
  return json;
}

/**
 * waitRecord asks GET /uploads/{id} until the record is there: a 404 (not
 * recorded yet) or a transient failure is asked again after a delay that
 * doubles from recordPollMs to recordPollMaxMs, for at most recordWaitMs.
 * It resolves with {record} or {recordError}; it never rejects.
 *
 * @param {import('./run.js').Run} run
 * @param {string} id
 */
export async function waitRecord(run, id) {
  const { cfg, opts } = run;
  const deadline = cfg.now() + cfg.recordWaitMs;
  let delay = cfg.recordPollMs;
  for (;;) {
    let err;
    try {
      const token = await tokenOf(cfg);
      return { record: await getRecord({ transport: cfg.transport, listUrl: cfg.listUrl, token, id, signal: opts.signal }) };
    } catch (e) {
      err = toOssgateError(e);
    }
    const again = err.status === 404 || isRetryable(err);
    if (!again || cfg.now() + delay > deadline) return { recordError: err };
    try {
      await cfg.sleep(delay, opts.signal);
    } catch (e) {
      return { recordError: toOssgateError(e) };
    }
    delay = Math.min(delay * 2, cfg.recordPollMaxMs);
  }
}

/**
 * attachRecord adds the upload's record to result: the one its answer
 * carried, else (with a record id to ask for) the one waitRecord finds, or
 * recordError. Without waitForRecord, or without an id (an older sign
 * function), result is left as it is.
 */
export async function attachRecord(run, result, answered, id) {
  if (!run.cfg.waitForRecord) return result;
  if (answered) {
    result.record = answered;
    result.recordVia = 'answer';
    return result;
  }
  if (!id) return result;
  const got = await waitRecord(run, id);
  if (got.record) {
    result.record = got.record;
    result.recordVia = 'poll';
  } else {
    result.recordError = got.recordError;
  }
  return result;
}
