// ossgate for Douyin mini-programs (tt.*), over the one core. Douyin follows
// WeChat's shapes, from its documentation
// (developer.open-douyin.com/docs/resource/zh-CN/mini-app/develop/api):
//
//   tt.request (…/network/http/tt-request): header, method (PUT and DELETE
//   included), data object or ArrayBuffer, dataType json/string, responseType
//   text/arraybuffer, timeout from base library 2.31.0 (at most 60 s);
//   success {statusCode, header, data}; fail {errMsg}.
//   tt.uploadFile (…/network/http/tt-upload-file): url, filePath, name,
//   header, formData, timeout; success {statusCode, data}; UploadTask
//   onProgressUpdate {progress, totalBytesSent, totalBytesExpectedToSend}.
//   FileSystemManager.readFile (…/file/file-system-manager/file-system-manager-read-file):
//   position and length from base library 2.60.0.
//
// Below 2.60.0 (tt.getSystemInfoSync().SDKVersion) the uploader sends files
// by form POST only.
import { atLeast, createPlatformUploader, sdkVersion, wxShapes } from './platform.js';

export { Codes, OssCodes, OssgateError, ServerCodes, createAbort, mimeFromName } from '../core/index.js';

/** The base library from which Douyin's FileSystemManager.readFile reads a byte range. */
export const TT_RANGE_READ_VERSION = '2.60.0';

/** ttDialect is Douyin's dialect of the platform API (./platform.js). */
export function ttDialect(ttApi) {
  const version = sdkVersion(ttApi);
  return {
    platform: 'douyin',
    api: ttApi,
    ...wxShapes,
    requestOptions: (o) => ({ ...wxShapes.requestOptions(o), dataType: 'string' }),
    multipartUnsupported: atLeast(version, TT_RANGE_READ_VERSION)
      ? ''
      : `Douyin base library ${version} cannot read a byte range of a file (FileSystemManager.readFile position/length need ${TT_RANGE_READ_VERSION}), so files go by form POST only`,
  };
}

/**
 * createDouyinUploader is createWxUploader's counterpart for Douyin: the same
 * options and uploader, with tt (default: the global tt) instead of wx.
 */
export function createDouyinUploader(options) {
  const o = options || {};
  const ttApi = o.tt || (typeof tt !== 'undefined' ? tt : undefined); // eslint-disable-line no-undef
  if (!ttApi) throw new TypeError('ossgate: no tt object');
  return createPlatformUploader(ttDialect(ttApi), o);
}
