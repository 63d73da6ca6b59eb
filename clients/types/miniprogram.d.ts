// Type declarations of the mini-program entry (miniprogram/index.js and the package's "miniprogram" folder).
export {
  createWxUploader, createAlipayUploader, createDouyinUploader, createUniUploader, createTaroUploader,
  createPlatformUploader, wxDialect, alipayDialect, ttDialect, uniDialect, taroDialect,
  Codes, OssCodes, ServerCodes, OssgateError, createAbort, mimeFromName,
  Capabilities, Dialect, MiniProgramOptions, PlatformApi, PlatformUploader, UploaderOptions, UploadFileInput,
  UploadCallOptions, UploadResult, UploadSuccess, UploadFailure, ProgressEvent, StateEvent, UploadRecord, PendingUpload, Quota,
} from './index.js';
