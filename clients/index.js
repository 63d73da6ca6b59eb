// ossgate-upload: direct uploads from mini-programs and browsers into OSS
// through the ossgate sign function. One entry for every platform:
// createWxUploader (WeChat), createAlipayUploader, createDouyinUploader,
// createUniUploader, createTaroUploader, createWebUploader (browsers), and
// the core they share (createUploader, the error codes). Each module is a
// plain ES module with no dependency; the package's "miniprogram" entry
// (dist/miniprogram, built by scripts/build-miniprogram.js) is the same code
// laid out for WeChat DevTools' "build npm".
export * from './miniprogram/index.js';
export { createWebUploader, webTransport, localStorageAdapter } from './web/ossgate-web.js';
export {
  createUploader,
  UploaderDefaults,
  errorFromResponse,
  networkError,
  abortError,
  xmlText,
  backoffDelay,
  isRetryable,
  ticketExpired,
  isStaleTicket,
  StaleCredentialCodes,
  listUrlFor,
  quotaUrlFor,
  verdictOf,
  baseName,
  partSchedule,
  multipartUrlFor,
  MAX_PARTS,
  STORAGE_PREFIX,
  storageKeyFor,
  createLimiter,
} from './core/index.js';
