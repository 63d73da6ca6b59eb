// createUploader's options: their defaults, and the one place they are
// resolved. The resolved options are frozen; what changes while an uploader
// runs (learned thresholds, uploads in flight) is its runtime state
// (./uploader.js), kept apart.
import { multipartUrlFor } from './multipart-api.js';
import { MultipartDefaults } from './multipart.js';
import { RecordDefaults } from './record-wait.js';
import { listUrlFor, quotaUrlFor } from './records.js';
import { RetryDefaults, sleep } from './retry.js';

/** Defaults of createUploader's options (undefined means the default). */
export const UploaderDefaults = Object.freeze({
  ...RetryDefaults,
  ...MultipartDefaults,
  ...RecordDefaults,
  concurrency: 3, // uploads in flight at once
  expiryMarginMs: 1000, // a ticket or part URL this close to expiresAt is fetched anew before use
  multipartThreshold: undefined, // bytes: files at least this large go multipart without asking /sign first
});

/**
 * @typedef {object} UploaderOptions
 * @property {object} transport the HTTP work (./uploader.js states the contract)
 * @property {string} signUrl the sign function's POST /sign URL
 * @property {string} [profile] the upload profile
 * @property {() => string | Promise<string>} [getToken] the caller's JWT; '' for anonymous
 * @property {number} [concurrency] uploads in flight at once (3)
 * @property {number} [maxAttempts] tries per request (4)
 * @property {number} [baseDelayMs] first backoff delay (300)
 * @property {number} [maxDelayMs] cap of one backoff delay (5000)
 * @property {number} [expiryMarginMs] a ticket or URL this close to expiry is fetched anew (1000)
 * @property {number} [multipartThreshold] bytes from which a file goes multipart without asking
 * @property {number} [partConcurrency] part PUTs in flight per uploader (3)
 * @property {number} [partMaxAttempts] tries per part (6)
 * @property {number} [urlRefreshes] fresh URLs per part after expiry (3)
 * @property {string} [listUrl] default: signUrl with /sign replaced by /uploads
 * @property {string} [quotaUrl] default: …/quota
 * @property {string} [multipartUrl] default: …/uploads/multipart
 * @property {object | null} [storage] resume storage; default transport.storage; null: no resume
 * @property {string} [multipartUnsupported] why the transport cannot send parts (set by the platform
 *   adapters that cannot): files then go by form POST only, and one the sign function wants in parts
 *   fails with MultipartUnsupported
 * @property {boolean} [waitForRecord] results carry the upload's checked record, from the upload's answer
 *   (OSS's upload callback) or else asked of GET /uploads/{id} (true)
 * @property {number} [recordWaitMs] how long GET /uploads/{id} is asked (60000)
 * @property {number} [recordPollMs] first delay between those asks, doubling (250)
 * @property {number} [recordPollMaxMs] cap of that delay (4000)
 * @property {() => number} [now] for tests: epoch milliseconds
 * @property {() => number} [random] for tests: a number in [0, 1)
 * @property {(ms: number, signal?: object) => Promise<void>} [sleep] for tests
 */

/**
 * resolveOptions checks the required options and returns all of them with
 * their defaults, frozen: an option of undefined takes its default, and the
 * list, quota and multipart URLs are derived from signUrl unless given.
 *
 * @param {UploaderOptions} o
 * @returns {Readonly<Required<UploaderOptions>>}
 */
export function resolveOptions(o) {
  if (!o || !o.transport) throw new TypeError('ossgate: createUploader needs a transport');
  if (!o.signUrl) throw new TypeError('ossgate: createUploader needs signUrl');
  const cfg = { ...UploaderDefaults };
  for (const k of Object.keys(o)) if (o[k] !== undefined) cfg[k] = o[k];
  cfg.now = cfg.now || (() => Date.now());
  cfg.random = cfg.random || Math.random;
  cfg.sleep = cfg.sleep || sleep;
  cfg.getToken = cfg.getToken || (() => '');
  cfg.listUrl = cfg.listUrl || listUrlFor(cfg.signUrl);
  cfg.quotaUrl = cfg.quotaUrl || quotaUrlFor(cfg.signUrl);
  cfg.multipartUrl = cfg.multipartUrl || multipartUrlFor(cfg.signUrl);
  cfg.storage = 'storage' in o ? o.storage : cfg.transport.storage;
  return Object.freeze(cfg);
}
