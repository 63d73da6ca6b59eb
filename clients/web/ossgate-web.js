// ossgate for web pages: upload tickets from the sign function (fetch), then a
// multipart POST straight to OSS (XMLHttpRequest, for upload progress), with
// retries, fresh tickets and {code, message} errors. A plain ES module with no
// dependency: serve this folder and ../core side by side.
//
//   import { createWebUploader } from './ossgate-web.js';
//   const uploader = createWebUploader({ signUrl: '/sign', profile: 'image' });
//   const results = await uploader.upload(input.files, { onProgress: (p) => bar(p.index, p.percent) });
import { createUploader } from '../core/uploader.js';
import { abortError, networkError } from '../core/errors.js';
import { onAbort } from '../core/retry.js';

export { Codes, OssgateError, mimeFromName } from '../core/index.js';

/**
 * createWebUploader is createUploader (../core/uploader.js) over fetch and
 * XMLHttpRequest: {upload, uploadFile, list}. Files are File/Blob objects (a
 * FileList works too) or {name, type, size, blob}. options are
 * createUploader's (signUrl, profile, getToken, concurrency, maxAttempts, ...)
 * plus timeoutMs, and fetch / XMLHttpRequest to replace the globals.
 */
export function createWebUploader(options) {
  const o = options || {};
  const up = createUploader({ ...o, transport: webTransport(o) });
  return {
    upload: (files, opts) => up.upload(Array.from(files).map(webFile), opts),
    uploadFile: (file, opts) => up.uploadFile(webFile(file), opts),
    list: (opts) => up.list(opts),
  };
}

function webFile(f) {
  if (f && f.blob) return f;
  return { name: f.name || 'blob', type: f.type, size: f.size, blob: f };
}

/** webTransport adapts fetch and XMLHttpRequest to the core's transport contract. */
export function webTransport(o) {
  const doFetch = o.fetch || globalThis.fetch.bind(globalThis);
  const XHR = o.XMLHttpRequest || globalThis.XMLHttpRequest;
  return {
    async request({ url, method, headers, body, signal }) {
      let res;
      try {
        res = await doFetch(url, { method, headers, body, signal: signal && signal.addEventListener ? signal : undefined });
      } catch (err) {
        throw signal && signal.aborted ? abortError() : networkError(err && err.message);
      }
      const h = {};
      res.headers.forEach((v, k) => (h[k.toLowerCase()] = v));
      let text;
      try {
        text = await res.text();
      } catch (err) {
        throw signal && signal.aborted ? abortError() : networkError(err && err.message);
      }
      return { status: res.status, body: text, headers: h };
    },
    upload: (req) => xhrUpload(XHR, req, o.timeoutMs),
  };
}

/** xhrUpload posts fields first and the file last as multipart/form-data, reporting upload progress. */
function xhrUpload(XHR, { url, fields, file, onProgress, signal }, timeoutMs) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(abortError());
    const xhr = new XHR();
    let off = () => {};
    const fail = (err) => {
      off();
      reject(err);
    };
    xhr.open('POST', url);
    if (timeoutMs) xhr.timeout = timeoutMs;
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      off();
      // Only the body: reading a header OSS did not expose through CORS logs an error.
      resolve({ status: xhr.status, body: xhr.responseText, headers: {} });
    };
    xhr.onerror = () => fail(networkError('upload failed: no answer from ' + url));
    xhr.ontimeout = () => fail(networkError('upload timed out'));
    xhr.onabort = () => fail(abortError());
    off = onAbort(signal, () => xhr.abort());
    const form = new FormData();
    for (const k of Object.keys(fields)) form.append(k, fields[k]);
    form.append('file', file.blob, file.name);
    xhr.send(form);
  });
}
