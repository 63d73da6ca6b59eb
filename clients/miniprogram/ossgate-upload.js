// ossgate for WeChat mini-programs: upload tickets from the sign function
// (wx.request), then wx.uploadFile straight to OSS, with progress, retries,
// fresh tickets and {code, message} errors. No dependency and no build step:
// copy this folder and ../core side by side into the mini-program (ES module
// syntax, which the mini-program compiler accepts as it accepts require).
//
//   import { createWxUploader } from './ossgate/miniprogram/ossgate-upload.js';
//   const uploader = createWxUploader({ signUrl: 'https://<fc-endpoint>/sign', profile: 'avatar' });
//   // in wx.chooseMedia's success callback:
//   const results = await uploader.upload(res.tempFiles, { onProgress: (p) => console.log(p.index, p.percent) });
import { createUploader } from '../core/uploader.js';
import { abortError, networkError } from '../core/errors.js';
import { onAbort } from '../core/retry.js';
import { baseName, mimeFromName } from '../core/mime.js';

export { Codes, OssgateError, createAbort, mimeFromName } from '../core/index.js';

/**
 * createWxUploader is createUploader (../core/uploader.js) over wx.request and
 * wx.uploadFile: {upload, uploadFile, list}. options: signUrl, profile, getToken, concurrency,
 * maxAttempts, baseDelayMs, maxDelayMs, expiryMarginMs, timeoutMs (per wx
 * call), and wx (default: the global wx). Files are {path (or tempFilePath),
 * size, name?, type?}, so wx.chooseMedia's and wx.chooseMessageFile's
 * results fit as they are; name defaults to the path's last segment, and a
 * type that is not a MIME type ("image") is guessed from the name.
 */
export function createWxUploader(options) {
  const o = options || {};
  const wxApi = o.wx || (typeof wx !== 'undefined' ? wx : undefined); // eslint-disable-line no-undef
  if (!wxApi) throw new TypeError('ossgate: no wx object');
  const up = createUploader({ ...o, transport: wxTransport(wxApi, o.timeoutMs) });
  return {
    upload: (files, opts) => up.upload(files.map(wxFile), opts),
    uploadFile: (file, opts) => up.uploadFile(wxFile(file), opts),
    list: (opts) => up.list(opts),
  };
}

function wxFile(f) {
  const path = f.path || f.tempFilePath;
  const name = f.name || baseName(path);
  return { ...f, path, name, type: f.type && f.type.indexOf('/') > 0 ? f.type : mimeFromName(name) };
}

/**
 * wxTransport adapts wx.request / wx.uploadFile to the core's transport
 * contract. wx calls success for every HTTP answer (any status) and fail only
 * when there was none.
 */
export function wxTransport(wxApi, timeoutMs) {
  return {
    request({ url, method, headers, body, signal }) {
      return wxCall(signal, (success, fail) =>
        wxApi.request({ url, method, header: headers, data: body, dataType: 'text', responseType: 'text', timeout: timeoutMs, success, fail }),
      );
    },
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
