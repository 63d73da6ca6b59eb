// ossgate client core: the ticket, retry and error logic shared by the
// mini-program module (../miniprogram/ossgate-upload.js) and the browser
// module (../web/ossgate-web.js). Plain ES modules, no dependency, no build.
export { createUploader, UploaderDefaults } from './uploader.js';
export { ServerCodes, OssCodes } from './codes.js';
export { Codes, OssgateError, errorFromResponse, networkError, abortError, xmlText } from './errors.js';
export { createAbort, backoffDelay, isRetryable } from './retry.js';
export { ticketExpired, isStaleTicket, StaleCredentialCodes } from './tickets.js';
export { listUrlFor, quotaUrlFor, verdictOf } from './records.js';
export { mimeFromName, baseName } from './mime.js';
export { partSchedule, multipartUrlFor, MAX_PARTS } from './multipart.js';
export { STORAGE_PREFIX, storageKeyFor } from './resume.js';
export { createLimiter } from './pool.js';
