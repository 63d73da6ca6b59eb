// ossgate for uni-app (uni.*), over the one core. uni-app compiles one app to
// every mini-program platform and to H5; its API follows WeChat's shapes
// (uniapp.dcloud.net.cn/api/request/request.html,
// uniapp.dcloud.net.cn/api/request/network-file.html): uni.request {url,
// method, header, data, dataType, responseType, timeout} → success {data,
// statusCode, header}; uni.uploadFile {url, filePath, name, header, formData}
// → success {data, statusCode}, UploadTask.onProgressUpdate {progress,
// totalBytesSent, totalBytesExpectedToSend}; fileType (image/video/audio) is
// required on Alipay only, where the IDE also gives statusCode as a string.
// uni.getSystemInfoSync().uniPlatform names the platform the app runs on
// (uniapp.dcloud.net.cn/api/system/info.html).
//
// Parts need FileSystemManager.readFile with position and length, which the
// WeChat (mp-weixin) and Douyin (mp-toutiao) builds have; every other build
// (mp-alipay, web, app, ...) sends files by form POST only. In a browser (H5)
// createWebUploader (../web/ossgate-web.js) does parts with Blob.slice.
import { createPlatformUploader, fileTypeOf, wxShapes } from './platform.js';

export { Codes, OssCodes, OssgateError, ServerCodes, createAbort, mimeFromName } from '../core/index.js';

/** The uni-app platforms whose FileSystemManager reads a byte range. */
export const UNI_RANGE_READ_PLATFORMS = Object.freeze(['mp-weixin', 'mp-toutiao']);

/** uniPlatformOf reads uniPlatform from uni.getSystemInfoSync ('' when it does not tell). */
function uniPlatformOf(uniApi) {
  try {
    return String((uniApi.getSystemInfoSync && uniApi.getSystemInfoSync().uniPlatform) || '');
  } catch {
    return '';
  }
}

/** uniDialect is uni-app's dialect of the platform API (./platform.js); platform overrides uniPlatform. */
export function uniDialect(uniApi, platform) {
  const p = platform || uniPlatformOf(uniApi);
  const parts = UNI_RANGE_READ_PLATFORMS.includes(p) && typeof uniApi.getFileSystemManager === 'function';
  return {
    platform: 'uni-app',
    api: uniApi,
    ...wxShapes,
    uploadOptions: (o) => (p === 'mp-alipay' ? { ...wxShapes.uploadOptions(o), fileType: fileTypeOf(o.file.type) } : wxShapes.uploadOptions(o)),
    multipartUnsupported: parts
      ? ''
      : `uni-app on ${p || 'an unknown platform'} cannot read a byte range of a file for a part (only ${UNI_RANGE_READ_PLATFORMS.join(' and ')} can), so files go by form POST only`,
  };
}

/**
 * createUniUploader is createWxUploader's counterpart for uni-app: the same
 * options and uploader, with uni (default: the global uni) instead of wx,
 * and platform (default: uni.getSystemInfoSync().uniPlatform).
 */
export function createUniUploader(options) {
  const o = options || {};
  const uniApi = o.uni || (typeof uni !== 'undefined' ? uni : undefined); // eslint-disable-line no-undef
  if (!uniApi) throw new TypeError('ossgate: no uni object');
  return createPlatformUploader(uniDialect(uniApi, o.platform), o);
}
