// Multipart uploads: the sign function starts an OSS multipart upload and
// hands out presigned UploadPart URLs, each pinned to its part's exact size;
// the client PUTs the parts straight to OSS, a few at a time, and asks the
// function to complete. The four calls of the sign function's API:
//
//   POST   {base}          {profile, file:{name,type,size}}  → {upload:{key, uploadId, partSize, partCount, objectUrl, expiresAt, parts}}
//   POST   {base}/parts    {key, uploadId, size, parts?:[n]} → {parts} (with parts) or {done, parts} (without: how a client resumes)
//   POST   {base}/complete {key, uploadId, size}             → {key, objectUrl, size, etag}
//   DELETE {base}          {key, uploadId}                   → aborts
//
// where a part is {number, url, size, headers, expiresAt} and base is
// …/uploads/multipart. The transport adds to the form-upload contract:
//
//   transport.readPart(file, start, end) → bytes of [start, end) (ArrayBuffer, Uint8Array or Blob)
//   transport.put({url, headers, body, onProgress(loaded, total), signal}) → {status, body, headers}
import { apiRequest, apiUrlFor } from './api.js';
import { OssCodes, ServerCodes } from './codes.js';
import { Codes, OssgateError, abortError, errorFromResponse, parseJSON, toOssgateError } from './errors.js';
import { backoffDelay, createAbort, isRetryable, onAbort, throwIfAborted, withRetry } from './retry.js';

/** OSS's limit on the parts of one upload. */
export const MAX_PARTS = 10000;

/** The most part URLs one /parts call asks for (the API's limit). */
export const MAX_URLS_PER_CALL = 100;

/** Defaults of the multipart options of createUploader (undefined means the default). */
export const MultipartDefaults = Object.freeze({
  partConcurrency: 3, // part PUTs in flight at once, per uploader
  partMaxAttempts: 6, // tries per part, the first included (a fresh URL after expiry does not count)
  urlRefreshes: 3, // fresh URLs one part may ask for after OSS said its URL expired
});

/**
 * partSchedule is the part layout of a file of size bytes in parts of
 * partSize: partCount = ceil(size/partSize) (at least 1), every part
 * partSize bytes but the last. Parts are numbered 1..partCount.
 */
export function partSchedule(size, partSize) {
  if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(partSize) || partSize <= 0) {
    throw new RangeError('partSchedule: size and partSize must be integers, size >= 0, partSize > 0');
  }
  const partCount = Math.max(1, Math.ceil(size / partSize));
  return {
    size,
    partSize,
    partCount,
    start: (n) => (n - 1) * partSize,
    sizeOf: (n) => (n < partCount ? partSize : size - (partCount - 1) * partSize),
  };
}

/** multipartUrlFor derives the multipart API's base URL from the sign URL: …/sign → …/uploads/multipart. */
export function multipartUrlFor(signUrl) {
  return apiUrlFor(signUrl, 'uploads/multipart');
}

const bad = (why, status) => new OssgateError({ code: Codes.BadResponse, message: 'multipart: ' + why, status });

/**
 * multipartApi returns the sign function's four multipart calls over
 * transport, each making exactly one HTTP request (retries are the
 * caller's) and rejecting with the normalised error on a non-2xx answer:
 * {create, parts, complete, abort}. Every call takes {token, signal} besides
 * its own fields.
 */
export function multipartApi(transport, baseUrl) {
  const call = async (url, method, payload, token, signal) => {
    const res = await apiRequest(transport, { url, method, token, payload, signal });
    return { status: res.status, json: parseJSON(res.body) };
  };
  return {
    /** create starts an upload: {profile, file:{name,type,size}} → the upload, checked against the schedule. */
    async create({ profile, file, token, signal }) {
      const { status, json } = await call(baseUrl, 'POST', { profile, file: { name: file.name, type: file.type, size: file.size } }, token, signal);
      const u = json && json.upload;
      if (!u || typeof u !== 'object') throw bad('answer has no "upload"', status);
      if (typeof u.key !== 'string' || !u.key || typeof u.uploadId !== 'string' || !u.uploadId) throw bad('upload lacks key or uploadId', status);
      if (!Number.isSafeInteger(u.partSize) || u.partSize <= 0) throw bad('upload has no valid partSize', status);
      const schedule = partSchedule(file.size, u.partSize);
      if (u.partCount !== schedule.partCount) {
        throw bad(`partCount ${u.partCount} does not fit size ${file.size} and partSize ${u.partSize} (want ${schedule.partCount})`, status);
      }
      return { ...u, parts: checkParts(u.parts, schedule, status) };
    },
    /** parts asks for fresh URLs of the parts numbered in parts, or, without parts, for {done, parts} (the resume call). */
    async parts({ key, uploadId, size, parts, schedule, token, signal }) {
      const payload = { key, uploadId, size };
      if (parts) payload.parts = parts;
      const { status, json } = await call(baseUrl + '/parts', 'POST', payload, token, signal);
      if (!json || typeof json !== 'object') throw bad('parts: answer is not a JSON object', status);
      // The server's schedule follows the profile's part size today; an
      // upload started with another one cannot be continued (on resume the
      // BadResponse starts it afresh).
      if (json.partSize !== undefined && json.partSize !== schedule.partSize) {
        throw bad(`parts: the profile's part size is now ${json.partSize}, this upload's is ${schedule.partSize}`, status);
      }
      const out = { parts: checkParts(json.parts, schedule, status) };
      if (!parts) {
        if (!Array.isArray(json.done)) throw bad('parts: answer has no "done" list', status);
        out.done = json.done.filter((n) => Number.isSafeInteger(n) && n >= 1 && n <= schedule.partCount);
      }
      return out;
    },
    /** complete asks the function to complete the upload: → {key, objectUrl, size, etag}. */
    async complete({ key, uploadId, size, token, signal }) {
      const { status, json } = await call(baseUrl + '/complete', 'POST', { key, uploadId, size }, token, signal);
      if (!json || typeof json.key !== 'string') throw bad('complete: answer has no "key"', status);
      return json;
    },
    /** abort aborts the upload (DELETE). */
    async abort({ key, uploadId, token, signal }) {
      await call(baseUrl, 'DELETE', { key, uploadId }, token, signal);
    },
  };
}

/**
 * checkParts validates the part URLs of an answer against schedule: each
 * {number, url, size, headers, expiresAt} with a number in range and the
 * size the schedule gives that number.
 */
function checkParts(parts, schedule, status) {
  if (!Array.isArray(parts)) throw bad('answer has no "parts" list', status);
  return parts.map((p) => {
    if (!p || !Number.isSafeInteger(p.number) || p.number < 1 || p.number > schedule.partCount || typeof p.url !== 'string' || !p.url) {
      throw bad('a part lacks a valid number or url', status);
    }
    if (p.size !== schedule.sizeOf(p.number)) {
      throw bad(`part ${p.number} is ${p.size} bytes, the schedule says ${schedule.sizeOf(p.number)}`, status);
    }
    const headers = p.headers && typeof p.headers === 'object' ? p.headers : {};
    return { number: p.number, url: p.url, size: p.size, headers, expiresAt: p.expiresAt };
  });
}

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
 * runMultipart uploads one file by multipart and resolves with
 * {key, objectUrl, size, etag, uploadId, partCount, partSize, resumed}.
 *
 * ctx:
 *   api (multipartApi), transport (readPart, put), storage (safeStorage or
 *   null) and storageKey, entry (a resume entry for this file, or null),
 *   profile, file ({name, type, size, ...what readPart reads}),
 *   signal (the caller's abort signal), limiter (createLimiter: part PUTs in
 *   flight, shared by the uploader), token() → bearer token,
 *   cfg: {partConcurrency, partMaxAttempts, urlRefreshes, expiryMarginMs,
 *   now, random, sleep, baseDelayMs, maxDelayMs, maxAttempts},
 *   retryOpts() → withRetry options for the API calls,
 *   onStarted({uploadId, key, partCount, partSize, resumed, partsDone}),
 *   onProgress(loaded, total, {partsDone, partCount}),
 *   onRetry(err, partNumber) (partNumber 0 for an API call), onResume(),
 *   onUploading().
 *
 * Errors keep the upload resumable (the entry stays) except NoSuchUpload,
 * which drops the entry. On the caller's abort it rejects with the abort
 * error after aborting the upload server-side (DELETE) and dropping the
 * entry, unless ctx.keepOnAbort: then the upload and its entry stay, to be
 * resumed by a later upload of the same file (a pause).
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

async function multipartFlow(ctx, up) {
  const { api, cfg, file } = ctx;
  const apiRetry = () => ctx.retryOpts();
  let state = null; // {key, uploadId, partSize, objectUrl, schedule, done:Set, urls:Map, resumed}

  if (ctx.entry) {
    const e = ctx.entry;
    const schedule = partSchedule(e.size, e.partSize);
    try {
      const token = await ctx.token();
      const ans = await withRetry(
        () => api.parts({ key: e.key, uploadId: e.uploadId, size: e.size, schedule, token, signal: ctx.signal }),
        apiRetry(),
      );
      state = { key: e.key, uploadId: e.uploadId, partSize: e.partSize, objectUrl: e.objectUrl || '', schedule, done: new Set(ans.done), urls: new Map(), resumed: true };
      for (const p of ans.parts) state.urls.set(p.number, p);
      up.current = state;
      if (ctx.onResume) ctx.onResume();
    } catch (e2) {
      const err = toOssgateError(e2);
      // The upload is gone, not this user's, or no longer fits the profile's
      // part size: forget it and start afresh. Anything else is the caller's.
      const stale = err.code === ServerCodes.NoSuchUpload || err.code === ServerCodes.InvalidUpload || err.code === ServerCodes.Forbidden || err.code === Codes.BadResponse;
      if (!stale) throw err;
      if (err.code === Codes.BadResponse) await abortUpload(ctx, e);
      else if (ctx.storage && ctx.storageKey) await ctx.storage.remove(ctx.storageKey);
      state = null;
    }
  }

  if (!state) {
    const token = await ctx.token();
    const u = await withRetry(() => api.create({ profile: ctx.profile, file, token, signal: ctx.signal }), apiRetry());
    const schedule = partSchedule(file.size, u.partSize);
    state = { key: u.key, uploadId: u.uploadId, partSize: u.partSize, objectUrl: u.objectUrl || '', schedule, done: new Set(), urls: new Map(), resumed: false };
    for (const p of u.parts) state.urls.set(p.number, p);
    up.current = state;
    if (ctx.storage && ctx.storageKey) {
      await ctx.storage.set(ctx.storageKey, {
        key: u.key,
        uploadId: u.uploadId,
        size: file.size,
        name: file.name,
        partSize: u.partSize,
        profile: ctx.profile,
        objectUrl: u.objectUrl || '',
        createdAt: new Date(cfg.now()).toISOString(),
      });
    }
  }
  throwIfAborted(ctx.signal);

  const engine = partEngine(ctx, state);
  if (ctx.onStarted) {
    ctx.onStarted({ uploadId: state.uploadId, key: state.key, partCount: state.schedule.partCount, partSize: state.partSize, resumed: state.resumed, partsDone: state.done.size });
  }
  engine.report();
  await engine.send(missingParts(state));

  // Complete; when the function says parts are missing (a part OSS lost, or
  // another client of the same upload), learn the truth once and send them.
  let completed;
  for (let round = 0; ; round++) {
    try {
      const token = await ctx.token();
      completed = await withRetry(
        () => api.complete({ key: state.key, uploadId: state.uploadId, size: state.schedule.size, token, signal: ctx.signal }),
        apiRetry(),
      );
      break;
    } catch (e) {
      const err = toOssgateError(e);
      if (err.code !== ServerCodes.PartsMissing || round > 0) throw err;
      const token = await ctx.token();
      const ans = await withRetry(
        () => api.parts({ key: state.key, uploadId: state.uploadId, size: state.schedule.size, schedule: state.schedule, token, signal: ctx.signal }),
        apiRetry(),
      );
      state.done = new Set(ans.done);
      for (const p of ans.parts) state.urls.set(p.number, p);
      const missing = missingParts(state);
      if (missing.length === 0) throw err; // ListParts and complete disagree: nothing a client can do
      engine.recount();
      await engine.send(missing);
    }
  }
  if (ctx.storage && ctx.storageKey) await ctx.storage.remove(ctx.storageKey);
  return {
    key: completed.key,
    objectUrl: completed.objectUrl || state.objectUrl,
    size: completed.size === undefined ? state.schedule.size : completed.size,
    etag: completed.etag || '',
    uploadId: state.uploadId,
    partCount: state.schedule.partCount,
    partSize: state.partSize,
    resumed: state.resumed,
  };
}

function missingParts(state) {
  const out = [];
  for (let n = 1; n <= state.schedule.partCount; n++) if (!state.done.has(n)) out.push(n);
  return out;
}

/**
 * partEngine sends parts of one upload: send(numbers) PUTs them with at most
 * cfg.partConcurrency in flight for this file and ctx.limiter's slots across
 * the uploader, each part read just before it is sent and released once it
 * is stored; report() emits the progress. A part that fails for good stops
 * the others and send rejects with its error.
 */
function partEngine(ctx, state) {
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
        if (!got) throw bad(`parts: no URL for part ${m} in the answer`, 200);
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
