// ossgate for Taro (Taro.*), over the one core. Taro's API follows WeChat's
// shapes on every platform (docs.taro.zone/docs/apis/network/request/,
// docs.taro.zone/docs/apis/network/upload/uploadFile/): Taro.request {url,
// method, header, data, dataType, responseType, timeout} → success {data,
// statusCode, header}; Taro.uploadFile {url, filePath, name, header,
// formData, timeout} → success {data, statusCode}; each call also returns a
// promise, which for uploadFile carries the UploadTask's abort and
// onProgressUpdate. Taro.getEnv() names the platform: WEAPP, ALIPAY, TT, WEB,
// ... (docs.taro.zone/docs/apis/about/env). On Alipay, my.uploadFile wants
// fileType (and fileName in older base libraries), which Taro passes on.
//
// Parts need FileSystemManager.readFile with position and length, which the
// WeChat (WEAPP) and Douyin (TT) builds have; every other build sends files
// by form POST only.
import { createPlatformUploader, fileTypeOf, wxShapes } from './platform.js';

export { Codes, OssCodes, OssgateError, ServerCodes, createAbort, mimeFromName } from '../core/index.js';

/** The Taro environments whose FileSystemManager reads a byte range. */
export const TARO_RANGE_READ_ENVS = Object.freeze(['WEAPP', 'TT']);

/** taroDialect is Taro's dialect of the platform API (./platform.js); env overrides Taro.getEnv(). */
export function taroDialect(taroApi, env) {
  let e = env || '';
  if (!e && typeof taroApi.getEnv === 'function') {
    try {
      e = String(taroApi.getEnv());
    } catch {
      e = '';
    }
  }
  const parts = TARO_RANGE_READ_ENVS.includes(e) && typeof taroApi.getFileSystemManager === 'function';
  return {
    platform: 'taro',
    api: taroApi,
    ...wxShapes,
    uploadOptions: (o) => (e === 'ALIPAY' ? { ...wxShapes.uploadOptions(o), fileName: 'file', fileType: fileTypeOf(o.file.type) } : wxShapes.uploadOptions(o)),
    multipartUnsupported: parts
      ? ''
      : `Taro on ${e || 'an unknown platform'} cannot read a byte range of a file for a part (only ${TARO_RANGE_READ_ENVS.join(' and ')} can), so files go by form POST only`,
  };
}

/**
 * createTaroUploader is createWxUploader's counterpart for Taro: the same
 * options and uploader, with taro (the Taro object, default: the global
 * Taro) instead of wx, and env (default: Taro.getEnv()).
 */
export function createTaroUploader(options) {
  const o = options || {};
  const taroApi = o.taro || (typeof Taro !== 'undefined' ? Taro : undefined); // eslint-disable-line no-undef
  if (!taroApi) throw new TypeError('ossgate: no Taro object (pass options.taro: import Taro from "@tarojs/taro")');
  return createPlatformUploader(taroDialect(taroApi, o.env), o);
}
