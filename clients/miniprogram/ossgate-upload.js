// ossgate for WeChat mini-programs: upload tickets from the sign function
// (wx.request), then wx.uploadFile straight to OSS; large files go multipart:
// each part read with FileSystemManager.readFile({position, length}) and sent
// with wx.request PUT to a presigned URL, a few at a time, resumable after the
// app was killed (wx.setStorage). With progress, retries, fresh tickets and
// {code, message} errors. No dependency and no build step: copy this folder
// and ../core side by side into the mini-program (ES module syntax, which the
// mini-program compiler accepts as it accepts require), or install the npm
// package and use WeChat DevTools' "build npm".
//
//   import { createWxUploader } from './ossgate/miniprogram/ossgate-upload.js';
//   const uploader = createWxUploader({ signUrl: 'https://<fc-endpoint>/sign', profile: 'avatar' });
//   // in wx.chooseMedia's success callback:
//   const results = await uploader.upload(res.tempFiles, { onProgress: (p) => console.log(p.index, p.percent) });
//
// Shapes (developers.weixin.qq.com/miniprogram/dev/api): wx.request {url,
// method, header, data, dataType, responseType, timeout} → success {statusCode,
// header, data}, fail {errMsg}; wx.uploadFile {url, filePath, name, formData,
// timeout} → UploadTask.onProgressUpdate {progress, totalBytesSent,
// totalBytesExpectedToSend}; FileSystemManager.readFile position and length
// from base library 2.10.0.
import { atLeast, createPlatformUploader, platformStorage, platformTransport, sdkVersion, wxShapes } from './platform.js';

export { Codes, OssCodes, OssgateError, ServerCodes, createAbort, mimeFromName } from '../core/index.js';

/** The base library from which FileSystemManager.readFile reads a byte range (position, length). */
export const WX_RANGE_READ_VERSION = '2.10.0';

/** wxDialect is WeChat's dialect of the platform API (./platform.js). */
export function wxDialect(wxApi) {
  const version = sdkVersion(wxApi);
  return {
    platform: 'wechat',
    api: wxApi,
    ...wxShapes,
    multipartUnsupported: atLeast(version, WX_RANGE_READ_VERSION)
      ? ''
      : `WeChat base library ${version} cannot read a byte range of a file (FileSystemManager.readFile position/length need ${WX_RANGE_READ_VERSION})`,
  };
}

/**
 * createWxUploader is createUploader (../core/uploader.js) over wx.request,
 * wx.uploadFile, FileSystemManager.readFile and wx storage: {upload,
 * uploadFile, list, remove, quota, pending, discard, capabilities}. options:
 * createUploader's (signUrl, profile, getToken, concurrency, maxAttempts,
 * baseDelayMs, maxDelayMs, expiryMarginMs, multipartThreshold,
 * partConcurrency, partMaxAttempts, storage, ...), timeoutMs (per wx call),
 * partTimeoutMs (per part PUT; default timeoutMs), and wx (default: the
 * global wx). Files are {path (or tempFilePath), size, name?, type?,
 * fileId?}, so wx.chooseMedia's and wx.chooseMessageFile's results fit as
 * they are (./platform.js, platformFile).
 */
export function createWxUploader(options) {
  const o = options || {};
  const wxApi = o.wx || (typeof wx !== 'undefined' ? wx : undefined); // eslint-disable-line no-undef
  if (!wxApi) throw new TypeError('ossgate: no wx object');
  return createPlatformUploader(wxDialect(wxApi), o);
}

/** wxTransport is the core's transport over wx (./platform.js, platformTransport). */
export function wxTransport(wxApi, timeoutMs, partTimeoutMs) {
  return platformTransport(wxDialect(wxApi), timeoutMs, partTimeoutMs);
}

/** wxStorage is the core's storage contract over wx storage (./platform.js, platformStorage). */
export function wxStorage(wxApi) {
  return platformStorage(wxApi);
}
