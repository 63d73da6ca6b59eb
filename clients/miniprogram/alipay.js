// ossgate for Alipay mini-programs (my.*), over the one core. Alipay's shapes
// differ from WeChat's, from its documentation:
//
//   my.request (opendocs.alipay.com/mini/api/owycmh): headers (not header);
//   success {status, headers, data}; GET/POST/PUT/DELETE (PUT, DELETE and an
//   ArrayBuffer data from client 10.1.95); base library 1.11.0, client
//   10.1.32; dataType json/text/base64/arraybuffer; fail {error,
//   errorMessage}, with error 19 "HTTP error" (and 14, a body that did not
//   decode) still carrying status, data and headers
//   (opendocs.alipay.com/mini/00hxw8); abort fails with error 9.
//   my.uploadFile (opendocs.alipay.com/mini/api/kmq4hc): name (fileName in
//   older base libraries), filePath, formData, header, timeout (60000 by
//   default), fileType (deprecated, but the IDE's simulator still demands one
//   of image/video/audio); success {statusCode, header, data} for every HTTP
//   answer; UploadTask (client 10.1.35) onProgressUpdate {progress,
//   totalBytesWritten, totalBytesExpectedToWrite}.
//   FileSystemManager.readFile (opendocs.alipay.com/mini/api/0226oj):
//   filePath and encoding only, no position or length.
//
// So the Alipay uploader cannot read a byte range of a file for a part: it
// sends every file by form POST (OSS's PostObject), which covers every size a
// profile allows without multipart; a file the profile takes in parts only
// fails with MultipartUnsupported.
import { createPlatformUploader, fileTypeOf, lowerKeys } from './platform.js';

export { Codes, OssCodes, OssgateError, ServerCodes, createAbort, mimeFromName } from '../core/index.js';

/** Why the Alipay uploader sends no parts. */
export const ALIPAY_NO_PARTS =
  'Alipay mini-programs cannot read a byte range of a file (FileSystemManager.readFile has no position/length), so files go by form POST only';

/** alipayDialect is Alipay's dialect of the platform API (./platform.js). */
export function alipayDialect(myApi) {
  return {
    platform: 'alipay',
    api: myApi,
    multipartUnsupported: ALIPAY_NO_PARTS,
    requestOptions: ({ url, method, headers, body, timeout }) => ({ url, method, headers: stringValues(headers), data: body, dataType: 'text', timeout }),
    answer: (res) =>
      res.status !== undefined
        ? { status: Number(res.status), body: res.data, headers: lowerKeys(res.headers) } // my.request
        : { status: Number(res.statusCode), body: res.data, headers: lowerKeys(res.header) }, // my.uploadFile
    uploadOptions: ({ url, filePath, fields, file, timeout }) => ({
      url,
      filePath,
      name: 'file',
      fileName: 'file',
      fileType: fileTypeOf(file.type),
      formData: fields,
      timeout,
    }),
    progress: (p) => [p.totalBytesWritten, p.totalBytesExpectedToWrite],
  };
}

/** stringValues keeps a header object's string-valued entries as strings (my.request takes nothing else). */
function stringValues(h) {
  const out = {};
  for (const k of Object.keys(h || {})) out[k] = String(h[k]);
  return out;
}

/**
 * createAlipayUploader is createWxUploader's counterpart for Alipay: the same
 * options and uploader ({upload, uploadFile, list, remove, quota, pending,
 * discard, capabilities}), with my (default: the global my) instead of wx.
 * capabilities.multipart is false (ALIPAY_NO_PARTS). Files are {path (or
 * apFilePath, tempFilePath), size, name?, type?}: my.chooseImage's tempFiles
 * and my.chooseVideo's result fit.
 */
export function createAlipayUploader(options) {
  const o = options || {};
  const myApi = o.my || (typeof my !== 'undefined' ? my : undefined); // eslint-disable-line no-undef
  if (!myApi) throw new TypeError('ossgate: no my object');
  return createPlatformUploader(alipayDialect(myApi), o);
}
