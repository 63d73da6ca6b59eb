// Type declarations of the browser entry (web/ossgate-web.js).
export {
  createWebUploader, webTransport, localStorageAdapter, Codes, OssCodes, ServerCodes, OssgateError, mimeFromName,
  WebOptions, WebFileInput, WebUploader, UploaderOptions, UploadCallOptions, UploadResult, UploadSuccess, UploadFailure,
  ProgressEvent, StateEvent, UploadRecord, PendingUpload, Quota,
} from './index.js';
