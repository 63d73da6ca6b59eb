// The part engine: PUTs the parts of one multipart upload straight to OSS,
// each read just before it is sent, a few at a time, with retries, fresh
// URLs after expiry, and byte progress that never goes backwards.
import { OssCodes } from './codes.js';
import { Codes, OssgateError, abortError, errorFromResponse, toOssgateError } from './errors.js';
import { MAX_URLS_PER_CALL, badAnswer } from './multipart-api.js';
import { backoffDelay, createAbort, isRetryable, onAbort, throwIfAborted, withRetry } from './retry.js';

/**
 * @typedef {import('./multipart.js').MultipartContext} MultipartContext
 * @typedef {import('./multipart.js').UploadState} UploadState
 * @typedef {import('./multipart-api.js').PartUrl} PartUrl
 */

/**
 * @typedef {object} PartEngine
 * @property {(numbers: number[]) => Promise<void>} send PUTs the numbered parts; resolves once all are stored
 * @property {() => void} report emits the progress
 * @property {() => void} recount recounts the stored bytes from state.done (after it was replaced)
 */

/** byteLength is the size of a part body: ArrayBuffer, typed array or Blob. */
function byteLength(b) {
  if (!b) return -1;
  if (typeof b.byteLength === 'number') return b.byteLength;
  if (typeof b.size === 'number') return b.size;
  return -1;
}

/**
 * isExpiredUrlError tells whether OSS refused a part because its URL
 * expired: AccessDenied "Request has expired", or any 403 once the URL's
 * expiresAt has passed by the client's clock.
 */
export function isExpiredUrlError(err, part, nowMs) {
  if (!err || err.status !== 403) return false;
  if (err.code === OssCodes.AccessDenied && /expired/i.test(err.message || '')) return true;
  const at = Date.parse(part && part.expiresAt);
  return !Number.isNaN(at) && at <= nowMs;
}

/**
 * partEngine sends parts of one upload: send(numbers) PUTs them with at most
 * cfg.partConcurrency in flight for this file and ctx.limiter's slots across
 * the uploader, each part read just before it is sent and released once it
 * is stored; report() emits the progress. A part that fails for good stops
 * the others and send rejects with its error. It adds the parts it stores
 * to state.done and the URLs it fetches to state.urls.
 *
 * @param {MultipartContext} ctx
 * @param {UploadState} state
 * @returns {PartEngine}
 */
export function partEngine(ctx, state) {
  const { cfg, transport, file } = ctx;
  const { schedule } = state;
  const inFlight = new Map(); // part number → bytes of it acknowledged by the transport
  const refreshing = new Map(); // part number → promise of its fresh URL
  let doneBytes = 0;
  let reported = 0;
  let trustClock = true; // false once a fresh URL already looked expired: the client's clock is off

  const recount = () => {
    doneBytes = 0;
    for (const n of state.done) doneBytes += schedule.sizeOf(n);
  };
  recount();

  const report = () => {
    let loaded = doneBytes;
    for (const v of inFlight.values()) loaded += v;
    loaded = Math.min(schedule.size, Math.max(reported, loaded)); // never backwards, even when a part is retried
    reported = loaded;
    if (ctx.onProgress) ctx.onProgress(loaded, schedule.size, { partsDone: state.done.size, partCount: schedule.partCount });
  };

  const expiring = (p) => {
    if (!trustClock) return false;
    const at = Date.parse(p.expiresAt);
    return !Number.isNaN(at) && at - cfg.expiryMarginMs <= cfg.now();
  };

  /**
   * fetchUrls asks for a fresh URL of part n, together with the URLs other
   * parts will need (≤ 100 a call): those missing or expiring, and, when OSS
   * refused a URL as expired (staleAt: its expiresAt), every URL that expires
   * no later, in flight or not, since OSS will refuse them too.
   */
  const fetchUrls = (n, signal, staleAt) => {
    if (refreshing.has(n)) return refreshing.get(n);
    const batch = [n];
    for (let m = 1; m <= schedule.partCount && batch.length < MAX_URLS_PER_CALL; m++) {
      if (m === n || state.done.has(m) || refreshing.has(m)) continue;
      const have = state.urls.get(m);
      const stale = have && !Number.isNaN(staleAt) && Date.parse(have.expiresAt) <= staleAt;
      if (stale || (!inFlight.has(m) && (!have || expiring(have)))) batch.push(m);
    }
    const p = (async () => {
      const token = await ctx.token();
      const ans = await withRetry(
        () => ctx.api.parts({ key: state.key, uploadId: state.uploadId, size: schedule.size, parts: batch, schedule, token, signal }),
        ctx.retryOpts(),
      );
      for (const part of ans.parts) state.urls.set(part.number, part);
    })();
    const settled = p.finally(() => {
      for (const m of batch) refreshing.delete(m);
    });
    for (const m of batch) {
      const forM = settled.then(() => {
        const got = state.urls.get(m);
        if (!got) throw badAnswer(`parts: no URL for part ${m} in the answer`, 200);
        return got;
      });
      forM.catch(() => {}); // parts fetched ahead that no lane awaits must not reject unhandled
      refreshing.set(m, forM);
    }
    const mine = refreshing.get(n);
    return mine.then((got) => {
      if (expiring(got)) trustClock = false;
      return got;
    });
  };

  /**
   * urlFor returns a usable URL for part n: the one at hand unless it is
   * missing, expiring, or the one OSS just refused as expired (refused).
   */
  const urlFor = (n, refused, signal) => {
    const have = state.urls.get(n);
    if (have && have !== refused && !expiring(have)) return Promise.resolve(have);
    return fetchUrls(n, signal, refused ? Date.parse(refused.expiresAt) : NaN);
  };

  const readPart = async (n) => {
    const start = schedule.start(n);
    const size = schedule.sizeOf(n);
    let body;
    try {
      body = await transport.readPart(file, start, start + size);
    } catch (err) {
      throw new OssgateError({ code: Codes.FileRead, message: `reading part ${n} of ${file.name}: ${err && (err.errMsg || err.message) ? err.errMsg || err.message : String(err)}` });
    }
    const got = byteLength(body);
    if (got !== size) {
      throw new OssgateError({ code: Codes.FileRead, message: `read ${got} bytes for part ${n} of ${file.name}, want ${size}: the file changed or is shorter than its declared size` });
    }
    return body;
  };

  /** putPart sends part n until OSS stores it, with backoff between tries and fresh URLs after expiry. */
  const putPart = async (n, signal) => {
    const size = schedule.sizeOf(n);
    let body = null;
    let failures = 0;
    let refreshes = 0;
    let refused = null;
    try {
      for (;;) {
        throwIfAborted(signal);
        const part = await urlFor(n, refused, signal);
        refused = null;
        if (body === null) body = await readPart(n);
        inFlight.set(n, 0);
        let err;
        try {
          const res = await transport.put({
            url: part.url,
            headers: part.headers,
            body,
            signal,
            onProgress: (loaded) => {
              if (!inFlight.has(n)) return;
              inFlight.set(n, Math.max(0, Math.min(size, Number(loaded) || 0)));
              report();
            },
          });
          if (res.status >= 200 && res.status <= 299) {
            inFlight.delete(n);
            state.done.add(n);
            doneBytes += size;
            report();
            return;
          }
          err = errorFromResponse(res.status, res.body, res.headers);
        } catch (e) {
          err = toOssgateError(e);
        }
        inFlight.delete(n);
        if (err.code === Codes.Aborted || (signal && signal.aborted)) throw abortError();
        if (isExpiredUrlError(err, part, cfg.now()) && refreshes < cfg.urlRefreshes) {
          refreshes++;
          refused = part;
          continue;
        }
        failures++;
        if (failures >= cfg.partMaxAttempts || !isRetryable(err)) throw err;
        const delay = backoffDelay(failures, cfg, cfg.random);
        if (ctx.onRetry) ctx.onRetry(err, n);
        await cfg.sleep(delay, signal);
        if (ctx.onUploading) ctx.onUploading();
      }
    } finally {
      body = null; // the part's bytes are garbage from here on
    }
  };

  /** send PUTs the parts numbered in numbers and resolves when all are stored. */
  const send = async (numbers) => {
    if (numbers.length === 0) return;
    const inner = createAbort();
    const off = onAbort(ctx.signal, () => inner.abort());
    let next = 0;
    let failure = null;
    const lane = async () => {
      while (!failure && next < numbers.length) {
        const n = numbers[next++];
        let release = null;
        try {
          release = await ctx.limiter.acquire(inner.signal);
          await putPart(n, inner.signal);
        } catch (e) {
          if (!failure) {
            failure = toOssgateError(e);
            inner.abort(); // stop the other parts of this file
          }
        } finally {
          if (release) release();
        }
      }
    };
    const lanes = [];
    for (let k = 0; k < Math.max(1, Math.min(cfg.partConcurrency, numbers.length)); k++) lanes.push(lane());
    await Promise.all(lanes);
    off();
    if (ctx.signal && ctx.signal.aborted) throw abortError();
    if (failure) throw failure;
  };

  return { send, report, recount };
}
