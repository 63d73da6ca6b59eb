// ossgate for WeChat mini-programs: upload tickets from the sign function
// (wx.request), then wx.uploadFile straight to OSS; large files go multipart:
// each part read with FileSystemManager.readFile({position, length}) and sent
// with wx.request PUT to a presigned URL, a few at a time, resumable after the
// app was killed (wx.setStorage). With progress, retries, fresh tickets and
// {code, message} errors. No dependency and no build step: copy this folder
// and ../core side by side into the mini-program (ES module syntax, which the
// mini-program compiler accepts as it accepts require).
//
//   import { createWxUploader } from './ossgate/miniprogram/ossgate-upload.js';
//   const uploader = createWxUploader({ signUrl: 'https://<fc-endpoint>/sign', profile: 'avatar' });
//   // in wx.chooseMedia's success callback:
//   const results = await uploader.upload(res.tempFiles, { onProgress: (p) => console.log(p.index, p.percent) });
import { createUploader } from '../core/uploader.js';
import { abortError, networkError } from '../core/errors.js';
import { onAbort } from '../core/retry.js';
import { baseName, mimeFromName } from '../core/mime.js';

export { Codes, OssCodes, OssgateError, ServerCodes, createAbort, mimeFromName } from '../core/index.js';

/**
 * createWxUploader is createUploader (../core/uploader.js) over wx.request,
 * wx.uploadFile, FileSystemManager.readFile and wx storage: {upload,
 * uploadFile, list, remove, quota, pending, discard}. options: createUploader's (signUrl,
 * profile, getToken, concurrency, maxAttempts, baseDelayMs, maxDelayMs,
 * expiryMarginMs, multipartThreshold, partConcurrency, partMaxAttempts,
 * storage, ...), timeoutMs (per wx call), partTimeoutMs (per part PUT;
 * default timeoutMs), and wx (default: the global wx). Files are {path (or
 * tempFilePath), size, name?, type?, fileId?}, so wx.chooseMedia's and
 * wx.chooseMessageFile's results fit as they are; name defaults to the path's
 * last segment, and a type that is not a MIME type ("image") is guessed from
 * the name.
 *
 * A file's identity for resuming is fileId when given; for a
 * wx.chooseMessageFile result its name, size and time; for a wx.chooseMedia
 * result (whose temp path changes each time the same video is chosen) its
 * type, size, duration, width and height.
 */
export function createWxUploader(options) {
  const o = options || {};
  const wxApi = o.wx || (typeof wx !== 'undefined' ? wx : undefined); // eslint-disable-line no-undef
  if (!wxApi) throw new TypeError('ossgate: no wx object');
  const up = createUploader({ ...o, transport: wxTransport(wxApi, o.timeoutMs, o.partTimeoutMs) });
  return {
    upload: (files, opts) => up.upload(Array.from(files).map(wxFile), opts),
    uploadFile: (file, opts) => up.uploadFile(wxFile(file), opts),
    list: (opts) => up.list(opts),
    remove: (id, opts) => up.remove(id, opts),
    quota: (profile, opts) => up.quota(profile, opts),
    pending: () => up.pending(),
    discard: (idOrEntry, opts) => up.discard(idOrEntry, opts),
  };
}

function wxFile(f) {
  const path = f.path || f.tempFilePath;
  const name = f.name || baseName(path);
  const out = { ...f, path, name, type: f.type && f.type.indexOf('/') > 0 ? f.type : mimeFromName(name) };
  if (out.lastModified === undefined && f.time !== undefined) out.lastModified = f.time; // chooseMessageFile
  if (out.fileId === undefined && !f.name && f.tempFilePath && (f.duration !== undefined || f.width !== undefined)) {
    out.fileId = JSON.stringify(['media', f.fileType || '', f.size, f.duration || 0, f.width || 0, f.height || 0]); // chooseMedia
  }
  return out;
}

/**
 * wxTransport adapts wx.request / wx.uploadFile / FileSystemManager.readFile
 * and wx storage to the core's transport contract. wx calls success for every
 * HTTP answer (any status) and fail only when there was none.
 */
export function wxTransport(wxApi, timeoutMs, partTimeoutMs) {
  return {
    request({ url, method, headers, body, signal }) {
      return wxCall(signal, (success, fail) =>
        wxApi.request({ url, method, header: headers, data: body, dataType: 'text', responseType: 'text', timeout: timeoutMs, success, fail }),
      );
    },
    /** readPart reads [start, end) of the file into one ArrayBuffer (the only copy of the part in memory). */
    readPart(file, start, end) {
      return new Promise((resolve, reject) => {
        let fsm;
        try {
          fsm = wxApi.getFileSystemManager();
        } catch (err) {
          return reject(err);
        }
        fsm.readFile({
          filePath: file.path,
          position: start,
          length: end - start,
          success: (res) => resolve(res.data),
          fail: (err) => reject(new Error((err && err.errMsg) || 'readFile failed')),
        });
      });
    },
    /**
     * put sends body with wx.request PUT and exactly the signed headers.
     * wx.request adds "content-type: application/json" to a request without
     * one, which would break the signature: the signed value is always set
     * explicitly, under wx's own lower-case name.
     */
    put({ url, headers, body, signal }) {
      const header = {};
      for (const k of Object.keys(headers || {})) {
        const lk = k.toLowerCase();
        if (lk === 'content-length' || lk === 'host') continue; // wx sets these itself
        header[lk === 'content-type' ? 'content-type' : k] = headers[k];
      }
      const data = ArrayBuffer.isView(body) ? body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) : body;
      return wxCall(signal, (success, fail) =>
        wxApi.request({ url, method: 'PUT', header, data, dataType: 'text', responseType: 'text', timeout: partTimeoutMs || timeoutMs, success, fail }),
      );
    },
    storage: wxStorage(wxApi),
    upload({ url, fields, file, onProgress, signal }) {
      return wxCall(
        signal,
        (success, fail) =>
          wxApi.uploadFile({ url, filePath: file.path, name: 'file', formData: fields, timeout: timeoutMs, success, fail }),
        (task) => {
          if (task && task.onProgressUpdate) {
            task.onProgressUpdate((p) => onProgress(p.totalBytesSent, p.totalBytesExpectedToSend));
          }
        },
      );
    },
  };
}

/** wxCall runs one callback-style wx call as a promise of {status, body, headers}. */
function wxCall(signal, start, withTask) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(abortError());
    let off = () => {};
    const task = start(
      (res) => {
        off();
        resolve({ status: res.statusCode, body: res.data, headers: lowerKeys(res.header) });
      },
      (err) => {
        off();
        reject(signal && signal.aborted ? abortError() : networkError(err && err.errMsg));
      },
    );
    if (withTask) withTask(task);
    off = onAbort(signal, () => task && task.abort && task.abort());
  });
}

function lowerKeys(h) {
  const out = {};
  if (h) for (const k of Object.keys(h)) out[k.toLowerCase()] = h[k];
  return out;
}

/**
 * wxStorage is the core's storage contract over wx.getStorage, wx.setStorage,
 * wx.removeStorage and wx.getStorageInfo (the app's local storage, which
 * survives the app being killed). A missing key reads as null.
 */
export function wxStorage(wxApi) {
  return {
    get: (key) => new Promise((resolve) => wxApi.getStorage({ key, success: (res) => resolve(res.data), fail: () => resolve(null) })),
    set: (key, value) =>
      new Promise((resolve, reject) =>
        wxApi.setStorage({ key, data: value, success: () => resolve(), fail: (err) => reject(new Error((err && err.errMsg) || 'setStorage failed')) }),
      ),
    remove: (key) => new Promise((resolve) => wxApi.removeStorage({ key, success: () => resolve(), fail: () => resolve() })),
    keys: () => new Promise((resolve) => wxApi.getStorageInfo({ success: (res) => resolve(res.keys || []), fail: () => resolve([]) })),
  };
}
