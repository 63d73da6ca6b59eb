// The mini-program platforms over one core: each platform (WeChat wx.*,
// Alipay my.*, Douyin tt.*, uni-app uni.*, Taro Taro.*) is a dialect — how
// its request, uploadFile, file-system and storage calls are shaped — and
// createPlatformUploader turns a dialect into the uploader every platform
// shares: {upload, uploadFile, list, remove, quota, pending, discard,
// capabilities}. The platform modules beside this file hold the dialects and
// cite the documentation each shape comes from.
import { createUploader, publicApi } from '../core/uploader.js';
import { abortError, networkError } from '../core/errors.js';
import { onAbort } from '../core/retry.js';
import { baseName, mimeFromName } from '../core/mime.js';

/**
 * @typedef {object} Answer an HTTP answer in the core's shape
 * @property {number} status
 * @property {unknown} body
 * @property {Record<string, string>} headers lower-case names
 */

/**
 * @typedef {object} Dialect how one platform's API is called
 * @property {string} platform 'wechat' | 'alipay' | 'douyin' | 'uni-app' | 'taro'
 * @property {object} api the platform object (wx, my, tt, uni, Taro)
 * @property {string} multipartUnsupported why the platform cannot send parts ('' when it can)
 * @property {(o: {url: string, method: string, headers: object, body: unknown, timeout?: number}) => object} requestOptions
 *   the options of api.request, without success and fail
 * @property {(res: object) => Answer} answer the success result of request and uploadFile as an answer
 * @property {(o: {url: string, filePath: string, fields: object, file: object, timeout?: number}) => object} uploadOptions
 *   the options of api.uploadFile, without success and fail
 * @property {(p: object) => [number, number]} progress an onProgressUpdate event as [loaded, total]
 */

/**
 * createPlatformUploader is createUploader (../core/uploader.js) over the
 * dialect's API. options: createUploader's, timeoutMs (per call) and
 * partTimeoutMs (per part PUT; default timeoutMs). The result adds
 * capabilities: {platform, multipart, reason}, what the platform can do
 * (reason says why multipart is off). On a platform that cannot send parts,
 * files go by form POST only and one the profile takes in parts only fails
 * with MultipartUnsupported.
 *
 * @param {Dialect} d
 * @param {object} options
 */
export function createPlatformUploader(d, options) {
  const o = options || {};
  const capabilities = Object.freeze({ platform: d.platform, multipart: !d.multipartUnsupported, reason: d.multipartUnsupported });
  const up = createUploader({
    ...o,
    transport: platformTransport(d, o.timeoutMs, o.partTimeoutMs),
    multipartUnsupported: d.multipartUnsupported || undefined,
  });
  return { ...publicApi(up, platformFile), capabilities };
}

/**
 * platformFile normalises a picker's file: path from path, tempFilePath,
 * apFilePath or filePath; name defaults to the path's last segment; a type
 * that is not a MIME type ("image") is guessed from the name. A file's
 * identity for resuming is fileId when given; for a chooseMessageFile result
 * its name, size and time; for a chooseMedia result (whose temp path changes
 * each time the same video is chosen) its type, size, duration, width and
 * height.
 */
export function platformFile(f) {
  const path = f.path || f.tempFilePath || f.apFilePath || f.filePath;
  const name = f.name || baseName(path);
  const out = { ...f, path, name, type: f.type && f.type.indexOf('/') > 0 ? f.type : mimeFromName(name) };
  if (out.lastModified === undefined && f.time !== undefined) out.lastModified = f.time; // chooseMessageFile
  if (out.fileId === undefined && !f.name && f.tempFilePath && (f.duration !== undefined || f.width !== undefined)) {
    out.fileId = JSON.stringify(['media', f.fileType || '', f.size, f.duration || 0, f.width || 0, f.height || 0]); // chooseMedia
  }
  return out;
}

/**
 * platformTransport is the core's transport contract over the dialect:
 * request, upload (uploadFile with progress), and, when the platform can
 * send parts, readPart (FileSystemManager.readFile with position and
 * length) and put (request PUT of an ArrayBuffer); storage over the
 * platform's storage calls.
 */
export function platformTransport(d, timeoutMs, partTimeoutMs) {
  const t = {
    request({ url, method, headers, body, signal }) {
      return platformCall(d, signal, 'request', d.requestOptions({ url, method, headers, body, timeout: timeoutMs }));
    },
    upload({ url, fields, file, onProgress, signal }) {
      return platformCall(d, signal, 'uploadFile', d.uploadOptions({ url, filePath: file.path, fields, file, timeout: timeoutMs }), (task) => {
        if (task && typeof task.onProgressUpdate === 'function') task.onProgressUpdate((p) => onProgress(...d.progress(p)));
      });
    },
    storage: platformStorage(d.api),
  };
  if (d.multipartUnsupported) return t;
  /** readPart reads [start, end) of the file into one ArrayBuffer (the only copy of the part in memory). */
  t.readPart = (file, start, end) =>
    new Promise((resolve, reject) => {
      let fsm;
      try {
        fsm = d.api.getFileSystemManager();
      } catch (err) {
        return reject(err);
      }
      fsm.readFile({
        filePath: file.path,
        position: start,
        length: end - start,
        success: (res) => resolve(res.data),
        fail: (err) => reject(new Error(failMessage(err) || 'readFile failed')),
      });
    });
  /**
   * put sends body with a request PUT and exactly the signed headers. The
   * platforms add "content-type: application/json" to a request without one,
   * which would break the signature: the signed value is always set
   * explicitly, under the lower-case name.
   */
  t.put = ({ url, headers, body, signal }) => {
    const h = {};
    for (const k of Object.keys(headers || {})) {
      const lk = k.toLowerCase();
      if (lk === 'content-length' || lk === 'host') continue; // the platform sets these itself
      h[lk === 'content-type' ? 'content-type' : k] = headers[k];
    }
    const data = ArrayBuffer.isView(body) ? body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) : body;
    return platformCall(d, signal, 'request', d.requestOptions({ url, method: 'PUT', headers: h, body: data, timeout: partTimeoutMs || timeoutMs }));
  };
  return t;
}

/** failMessage is the message of a platform's fail result: errMsg (wx, tt, uni, Taro) or errorMessage (my). */
function failMessage(err) {
  if (!err) return '';
  const msg = err.errMsg || err.errorMessage || err.message || '';
  return err.error !== undefined ? `${msg} (error ${err.error})` : msg;
}

/**
 * failAnswer returns the HTTP answer a fail result carries, or null: Alipay's
 * my.request fails on an HTTP status it counts as an error (error 19, or 14
 * when the body did not decode) and still gives status, data and headers.
 */
function failAnswer(err) {
  const status = err && Number(err.status !== undefined ? err.status : err.statusCode);
  if (!(status >= 100 && status <= 599) || err.data === undefined) return null;
  return { status, body: err.data, headers: lowerKeys(err.headers || err.header) };
}

/**
 * platformCall runs one callback-style call (api[method]) as a promise of an
 * answer. The platforms call success for every HTTP answer and fail when
 * there was none (Alipay's request also fails on an HTTP error, with the
 * answer). An API that also returns a promise (Taro) has it observed, so
 * that its rejection is not left unhandled: the callbacks carry the outcome.
 */
function platformCall(d, signal, method, options, withTask) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(abortError());
    let off = () => {};
    let task;
    const success = (res) => {
      off();
      resolve(d.answer(res));
    };
    const fail = (err) => {
      off();
      if (signal && signal.aborted) return reject(abortError());
      const answer = failAnswer(err);
      if (answer) resolve(answer);
      else reject(networkError(failMessage(err) || method + ' failed'));
    };
    try {
      task = d.api[method]({ ...options, success, fail });
    } catch (err) {
      return reject(networkError(`${d.platform} ${method}: ${err && err.message ? err.message : String(err)}`));
    }
    if (task && typeof task.then === 'function') task.then(undefined, () => {});
    if (withTask) withTask(task);
    off = onAbort(signal, () => task && typeof task.abort === 'function' && task.abort());
  });
}

/** lowerKeys copies an object with lower-case keys. */
export function lowerKeys(h) {
  const out = {};
  if (h && typeof h === 'object') for (const k of Object.keys(h)) out[k.toLowerCase()] = h[k];
  return out;
}

/**
 * platformStorage is the core's storage contract over the platform's
 * getStorage, setStorage, removeStorage and getStorageInfo (the app's local
 * storage, which survives the app being killed; the five platforms name and
 * shape them alike). A missing key reads as null.
 */
export function platformStorage(api) {
  const quiet = (p) => p && typeof p.then === 'function' && p.then(undefined, () => {});
  return {
    get: (key) =>
      new Promise((resolve) => quiet(api.getStorage({ key, success: (res) => resolve(res && res.data !== undefined ? res.data : null), fail: () => resolve(null) }))),
    set: (key, value) =>
      new Promise((resolve, reject) =>
        quiet(api.setStorage({ key, data: value, success: () => resolve(), fail: (err) => reject(new Error(failMessage(err) || 'setStorage failed')) })),
      ),
    remove: (key) => new Promise((resolve) => quiet(api.removeStorage({ key, success: () => resolve(), fail: () => resolve() }))),
    keys: () => new Promise((resolve) => quiet(api.getStorageInfo({ success: (res) => resolve((res && res.keys) || []), fail: () => resolve([]) }))),
  };
}

/** atLeast tells whether version (dotted numbers) is at least min; an unknown version ('') counts as recent enough. */
export function atLeast(version, min) {
  if (!version) return true;
  const a = String(version).split('.').map(Number);
  const b = String(min).split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] || 0;
    const y = b[i] || 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** sdkVersion reads the base library version from getAppBaseInfo or getSystemInfoSync ('' when neither tells). */
export function sdkVersion(api) {
  for (const fn of ['getAppBaseInfo', 'getSystemInfoSync']) {
    try {
      if (typeof api[fn] === 'function') {
        const v = api[fn]().SDKVersion;
        if (v) return String(v);
      }
    } catch {
      // next
    }
  }
  return '';
}

/** fileTypeOf is Alipay's fileType for a MIME type: image, video or audio (the only three its IDE accepts). */
export function fileTypeOf(mime) {
  const top = String(mime || '').split('/')[0];
  return top === 'video' || top === 'audio' ? top : 'image';
}

/** wxShapes are the option and result shapes WeChat defines and Douyin, uni-app and Taro follow. */
export const wxShapes = Object.freeze({
  requestOptions: ({ url, method, headers, body, timeout }) => ({ url, method, header: headers, data: body, dataType: 'text', responseType: 'text', timeout }),
  answer: (res) => ({ status: Number(res.statusCode), body: res.data, headers: lowerKeys(res.header) }),
  uploadOptions: ({ url, filePath, fields, timeout }) => ({ url, filePath, name: 'file', formData: fields, timeout }),
  progress: (p) => [p.totalBytesSent, p.totalBytesExpectedToSend],
});
