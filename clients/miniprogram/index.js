// The mini-program entry: one uploader factory per platform, all over the
// one core (../core), with the same API as createWxUploader.
export { createWxUploader, wxDialect } from './ossgate-upload.js';
export { createAlipayUploader, alipayDialect } from './alipay.js';
export { createDouyinUploader, ttDialect } from './douyin.js';
export { createUniUploader, uniDialect } from './uniapp.js';
export { createTaroUploader, taroDialect } from './taro.js';
export { createPlatformUploader } from './platform.js';
export { Codes, OssCodes, OssgateError, ServerCodes, createAbort, mimeFromName } from '../core/index.js';
