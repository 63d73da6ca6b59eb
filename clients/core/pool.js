// Bounded concurrency.
import { abortError } from './errors.js';
import { onAbort } from './retry.js';

/**
 * runPool calls worker(item, index) for every item with at most limit calls
 * in flight and resolves with their results in items' order. worker must not
 * reject (report failures in its result): runPool does not stop early.
 */
export async function runPool(items, limit, worker) {
  const results = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i], i);
    }
  };
  const lanes = [];
  for (let k = 0; k < Math.max(1, Math.min(limit, items.length)); k++) lanes.push(lane());
  await Promise.all(lanes);
  return results;
}

/**
 * createLimiter returns a counting semaphore of limit slots:
 * {acquire(signal) → Promise<release>, inUse()}. acquire resolves once a slot
 * is free (waiters are served first come, first served) with a function that
 * frees the slot (calling it twice frees it once); it rejects with the abort
 * error when signal aborts first.
 */
export function createLimiter(limit) {
  const max = Math.max(1, Math.floor(limit) || 1);
  let used = 0;
  const waiters = [];
  const grant = () => {
    used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      used--;
      while (waiters.length > 0 && used < max) {
        waiters.shift().resolve(grant());
      }
    };
  };
  return {
    inUse: () => used,
    acquire(signal) {
      if (signal && signal.aborted) return Promise.reject(abortError());
      if (used < max && waiters.length === 0) return Promise.resolve(grant());
      return new Promise((resolve, reject) => {
        const w = { resolve: null };
        const off = onAbort(signal, () => {
          const i = waiters.indexOf(w);
          if (i >= 0) waiters.splice(i, 1);
          reject(abortError());
        });
        w.resolve = (release) => {
          off();
          resolve(release);
        };
        waiters.push(w);
      });
    },
  };
}
