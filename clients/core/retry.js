// Retry with exponential backoff and jitter, and the abort plumbing it needs.
import { ServerCodes } from './codes.js';
import { Codes, abortError, toOssgateError } from './errors.js';

/** Defaults of the retry options; a caller's option of undefined means the default. */
export const RetryDefaults = Object.freeze({
  maxAttempts: 4, // tries per request, the first included
  baseDelayMs: 300, // delay before the second try, before jitter
  maxDelayMs: 5000, // cap of one delay, before jitter
});

/**
 * backoffDelay is the wait before try number attempt+1 (attempt >= 1): the
 * exponential delay base*2^(attempt-1), capped, with "equal jitter": a uniform
 * pick in [delay/2, delay]. random returns a number in [0, 1).
 */
export function backoffDelay(attempt, opts, random) {
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * Math.pow(2, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** A QuotaExceeded answer is retried only when it says to come back this soon (seconds). */
export const QUOTA_RETRY_MAX_S = 5;

/**
 * isRetryable tells whether another try may succeed: no HTTP answer at all,
 * a 5xx, or 429 — but a 429 QuotaExceeded only when its retryAfter is at most
 * QUOTA_RETRY_MAX_S (a race of the caller's own calls, a per-second rate): a
 * quota full until tomorrow is final. Every other 4xx is final, and so is an
 * abort.
 */
export function isRetryable(err) {
  if (!err || err.code === Codes.Aborted) return false;
  if (err.code === Codes.Network) return true;
  if (err.status === 429 && err.code === ServerCodes.QuotaExceeded) {
    const after = err.details && Number(err.details.retryAfter);
    return after > 0 && after <= QUOTA_RETRY_MAX_S;
  }
  return err.status >= 500 || err.status === 429;
}

/** throwIfAborted rejects with the abort error once signal has aborted. */
export function throwIfAborted(signal) {
  if (signal && signal.aborted) throw abortError();
}

/**
 * onAbort calls fn once when signal aborts and returns a function that
 * unsubscribes. signal is anything with aborted and addEventListener('abort')
 * (a DOM AbortSignal, or createAbort().signal); undefined means never.
 */
export function onAbort(signal, fn) {
  if (!signal || typeof signal.addEventListener !== 'function') return () => {};
  if (signal.aborted) {
    fn();
    return () => {};
  }
  signal.addEventListener('abort', fn);
  return () => signal.removeEventListener('abort', fn);
}

/**
 * createAbort is a minimal AbortController for runtimes that lack one
 * (mini-programs): {signal, abort()}.
 */
export function createAbort() {
  const listeners = new Set();
  const signal = {
    aborted: false,
    addEventListener(type, fn) {
      if (type === 'abort') listeners.add(fn);
    },
    removeEventListener(type, fn) {
      listeners.delete(fn);
    },
  };
  return {
    signal,
    abort() {
      if (signal.aborted) return;
      signal.aborted = true;
      for (const fn of Array.from(listeners)) fn();
      listeners.clear();
    },
  };
}

/** sleep waits ms milliseconds, rejecting early with the abort error when signal aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const id = setTimeout(() => {
      off();
      resolve();
    }, ms);
    off = onAbort(signal, () => {
      clearTimeout(id);
      reject(abortError());
    });
  });
}

/**
 * withRetry runs attempt(n) (n = 1, 2, ...) until it resolves, it rejects with
 * an error that isRetryable denies, or opts.maxAttempts tries have failed; it
 * waits backoffDelay between tries and calls opts.onRetry(err, n, delay)
 * before each wait. Errors come out as OssgateError.
 */
export async function withRetry(attempt, opts) {
  for (let n = 1; ; n++) {
    throwIfAborted(opts.signal);
    try {
      return await attempt(n);
    } catch (e) {
      const err = toOssgateError(e);
      if (n >= opts.maxAttempts || !isRetryable(err)) throw err;
      const delay = backoffDelay(n, opts, opts.random);
      if (opts.onRetry) opts.onRetry(err, n, delay);
      await opts.sleep(delay, opts.signal);
    }
  }
}
