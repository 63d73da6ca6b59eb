// The real stack as the multipart tests use it: the launcher (stack.js)
// with multipart profiles, and the recording proxy (recorder.js) as the OSS
// endpoint the sign function hands out, forwarding to the stack's own.
import crypto from 'node:crypto';
import { startLocal } from './stack.js';
import { startRecorder } from './recorder.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** PART is the part size of the multipart profiles below (the smallest OSS allows). */
export const PART = 100 * KiB;

/** PROFILES: "video" goes multipart from 3 parts, "short" too with 2-second part URLs, "photo" has no multipart. */
export const PROFILES = {
  video: { types: ['video/mp4'], maxSize: 64 * MiB, maxFiles: 3, multipart: { partSize: PART, threshold: 3 * PART } },
  short: { types: ['video/mp4'], maxSize: 64 * MiB, expiry: '2s', multipart: { partSize: PART, threshold: 3 * PART } },
  photo: { types: ['image/png'], maxSize: MiB, maxFiles: 3 },
};

/** mp4 returns size bytes that open like an MP4 file (the record function checks content), then random. */
export function mp4(size) {
  const b = crypto.randomBytes(size);
  Buffer.from('\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2', 'latin1').copy(b);
  return b;
}

/**
 * startMultipartStack starts the recorder and the stack (args: more
 * launcher flags) and resolves with {stack, rec, close()}.
 */
export async function startMultipartStack(args = []) {
  const rec = await startRecorder();
  let stack;
  try {
    stack = await startLocal({ env: { OSSGATE_PROFILES: JSON.stringify(PROFILES), OSSGATE_ENDPOINT: rec.url }, args });
  } catch (err) {
    await rec.close();
    throw err;
  }
  rec.target = stack.ossPublicURL;
  return {
    stack,
    rec,
    async close() {
      await stack.close();
      await rec.close();
    },
  };
}
