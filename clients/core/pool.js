// Bounded concurrency.

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
