// The part schedule of a multipart upload, the one rule the client and the
// sign function share (the Go side's is schedule in
// function/internal/sign/multipart_parts.go; testdata/part-schedule.json holds
// vectors both are tested against).

/** OSS's limit on the parts of one upload. */
export const MAX_PARTS = 10000;

/**
 * @typedef {object} PartSchedule
 * @property {number} size bytes of the file
 * @property {number} partSize bytes of every part but the last
 * @property {number} partCount number of parts, numbered 1..partCount
 * @property {(n: number) => number} start offset of part n's first byte
 * @property {(n: number) => number} sizeOf bytes of part n
 */

/**
 * partSchedule is the part layout of a file of size bytes in parts of
 * partSize: partCount = ceil(size/partSize) (at least 1, so an empty file has
 * one empty part), every part partSize bytes but the last, which holds the
 * rest. It throws a RangeError unless size >= 0 and partSize > 0 are safe
 * integers.
 *
 * @param {number} size
 * @param {number} partSize
 * @returns {PartSchedule}
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

/**
 * missingParts lists, ascending, the part numbers of schedule not in done.
 *
 * @param {PartSchedule} schedule
 * @param {Set<number>} done
 * @returns {number[]}
 */
export function missingParts(schedule, done) {
  const out = [];
  for (let n = 1; n <= schedule.partCount; n++) if (!done.has(n)) out.push(n);
  return out;
}
