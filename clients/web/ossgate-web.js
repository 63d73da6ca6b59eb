// ossgate for web pages: upload tickets from the sign function (fetch), then a
// multipart/form-data POST straight to OSS (XMLHttpRequest, for upload
// progress); large files go by OSS multipart upload: Blob.slice parts PUT to
// presigned URLs with XHR, a few at a time, resumable after a reload
// (localStorage). With retries, fresh tickets and {code, message} errors. A
// plain ES module with no dependency: serve this folder and ../core side by side.
//
//   import { createWebUploader } from './ossgate-web.js';
//   const uploader = createWebUploader({ signUrl: '/sign', profile: 'image' });
//   const results = await uploader.upload(input.files, { onProgress: (p) => bar(p.index, p.percent) });
import { createUploader } from '../core/uploader.js';
import { abortError, networkError } from '../core/errors.js';
import { onAbort } from '../core/retry.js';

export { Codes, OssgateError, mimeFromName } from '../core/index.js';

/**
 * createWebUploader is createUploader (../core/uploader.js) over fetch,
 * XMLHttpRequest, Blob.slice and localStorage: {upload, uploadFile, list,
 * pending, discard}. Files are File/Blob objects (a FileList works too) or
 * {name, type, size, blob, lastModified?, fileId?}. options are
 * createUploader's (signUrl, profile, getToken, concurrency, maxAttempts,
 * multipartThreshold, partConcurrency, storage, ...) plus timeoutMs,
 * partTimeoutMs (per part PUT; default timeoutMs), and fetch /
 * XMLHttpRequest / localStorage to replace the globals.
 */
export function createWebUploader(options) {
  const o = options || {};
  const up = createUploader({ ...o, transport: webTransport(o) });
  return {
    upload: (files, opts) => up.upload(Array.from(files).map(webFile), opts),
    uploadFile: (file, opts) => up.uploadFile(webFile(file), opts),
    list: (opts) => up.list(opts),
    pending: () => up.pending(),
    discard: (idOrEntry, opts) => up.discard(idOrEntry, opts),
  };
}

function webFile(f) {
  if (f && f.blob) return f;
  return { name: f.name || 'blob', type: f.type, size: f.size, lastModified: f.lastModified, blob: f };
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
    readPart: async (file, start, end) => file.blob.slice(start, end),
    put: (req) => xhrPut(XHR, req, o.partTimeoutMs || o.timeoutMs),
    storage: localStorageAdapter('localStorage' in o ? o.localStorage : globalThis.localStorage),
  };
}

/**
 * xhrPut sends one part: PUT of body (a Blob slice) with exactly the signed
 * headers (the browser adds Host and Content-Length itself), reporting
 * upload progress within the part.
 */
function xhrPut(XHR, { url, headers, body, onProgress, signal }, timeoutMs) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(abortError());
    const xhr = new XHR();
    let off = () => {};
    const fail = (err) => {
      off();
      reject(err);
    };
    xhr.open('PUT', url);
    if (timeoutMs) xhr.timeout = timeoutMs;
    for (const k of Object.keys(headers || {})) {
      const lk = k.toLowerCase();
      if (lk === 'content-length' || lk === 'host') continue; // forbidden: the browser sets them
      xhr.setRequestHeader(k, headers[k]);
    }
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body.size);
    xhr.onload = () => {
      off();
      resolve({ status: xhr.status, body: xhr.responseText, headers: {} });
    };
    xhr.onerror = () => fail(networkError('part upload failed: no answer from ' + url.split('?')[0]));
    xhr.ontimeout = () => fail(networkError('part upload timed out'));
    xhr.onabort = () => fail(abortError());
    off = onAbort(signal, () => xhr.abort());
    xhr.send(body);
  });
}

/**
 * localStorageAdapter is the core's storage contract over a Storage
 * (window.localStorage): values as JSON text. Without one (storage blocked,
 * or null given), uploads work but do not resume.
 */
export function localStorageAdapter(ls) {
  if (!ls) return undefined;
  return {
    get: (key) => {
      const v = ls.getItem(key);
      return v === null ? null : JSON.parse(v);
    },
    set: (key, value) => ls.setItem(key, JSON.stringify(value)),
    remove: (key) => ls.removeItem(key),
    keys: () => {
      const out = [];
      for (let i = 0; i < ls.length; i++) out.push(ls.key(i));
      return out;
    },
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
