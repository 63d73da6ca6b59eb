// The part schedule is written once in JS (core/part-schedule.js) and must
// agree with the sign function's, which hands out one presigned URL per part
// pinned to its size: testdata/part-schedule.json holds vectors written from
// the Go schedule (and checked against it by
// function/internal/sign/schedule_vectors_test.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { partSchedule } from '../core/part-schedule.js';

const vectorsFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'testdata', 'part-schedule.json');
const { cases } = JSON.parse(fs.readFileSync(vectorsFile, 'utf8'));

test('the vectors cover every boundary', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} vectors`);
  for (const want of ['empty', 'one part and a byte', 'max parts', 'max parts and a byte']) {
    assert.ok(cases.some((c) => c.name.endsWith(': ' + want)), `no "${want}" vector`);
  }
});

for (const c of cases) {
  test(`partSchedule agrees with the sign function: ${c.name}`, () => {
    const s = partSchedule(c.size, c.partSize);
    const got = {
      partCount: s.partCount,
      parts: c.parts.map(({ number }) => ({ number, start: s.start(number), size: s.sizeOf(number) })),
    };
    assert.deepEqual(got, { partCount: c.partCount, parts: c.parts });
  });
}

test('partSchedule refuses what is not a schedule', () => {
  for (const [size, partSize] of [[-1, 10], [10, 0], [10, -1], [1.5, 10], [10, 2.5], [Number.MAX_SAFE_INTEGER + 1, 10], ['10', 10]]) {
    assert.throws(() => partSchedule(size, partSize), RangeError, `partSchedule(${size}, ${partSize})`);
  }
});
