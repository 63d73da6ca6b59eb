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
import { createUploader, publicApi } from '../core/uploader.js';
import { abortError, networkError } from '../core/errors.js';
import { onAbort } from '../core/retry.js';

export { Codes, OssCodes, OssgateError, ServerCodes, mimeFromName, verdictOf } from '../core/index.js';

/**
 * createWebUploader is createUploader (../core/uploader.js) over fetch,
 * XMLHttpRequest, Blob.slice and localStorage: {upload, uploadFile, list,
 * remove, quota, pending, discard}. Files are File/Blob objects (a FileList works too) or
 * {name, type, size, blob, lastModified?, fileId?}. options are
 * createUploader's (signUrl, profile, getToken, concurrency, maxAttempts,
 * multipartThreshold, partConcurrency, storage, ...) plus timeoutMs,
 * partTimeoutMs (per part PUT; default timeoutMs), and fetch /
 * XMLHttpRequest / localStorage to replace the globals.
 */
export function createWebUploader(options) {
  const o = options || {};
  const up = createUploader({ ...o, transport: webTransport(o) });
  return publicApi(up, webFile);
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
  const h = {};
  for (const k of Object.keys(headers || {})) {
    const lk = k.toLowerCase();
    if (lk !== 'content-length' && lk !== 'host') h[k] = headers[k]; // forbidden: the browser sets them
  }
  const where = url.split('?')[0]; // not the signature
  return xhrSend(XHR, { method: 'PUT', url, headers: h, body: () => body, size: body.size, onProgress, signal, what: 'part upload', where }, timeoutMs);
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
  const form = () => {
    const f = new FormData();
    for (const k of Object.keys(fields)) f.append(k, fields[k]);
    f.append('file', file.blob, file.name);
    return f;
  };
  return xhrSend(XHR, { method: 'POST', url, headers: {}, body: form, size: file.size, onProgress, signal, what: 'upload', where: url }, timeoutMs);
}

/**
 * xhrSend makes one XHR request whose body() is built once the request is
 * open, reporting upload progress (size when the browser gives no total) and
 * resolving with the status and body text only: reading a header OSS did not
 * expose through CORS logs an error.
 */
function xhrSend(XHR, { method, url, headers, body, size, onProgress, signal, what, where }, timeoutMs) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(abortError());
    const xhr = new XHR();
    let off = () => {};
    const fail = (err) => {
      off();
      reject(err);
    };
    xhr.open(method, url);
    if (timeoutMs) xhr.timeout = timeoutMs;
    for (const k of Object.keys(headers)) xhr.setRequestHeader(k, headers[k]);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : size);
    xhr.onload = () => {
      off();
      resolve({ status: xhr.status, body: xhr.responseText, headers: {} });
    };
    xhr.onerror = () => fail(networkError(what + ' failed: no answer from ' + where));
    xhr.ontimeout = () => fail(networkError(what + ' timed out'));
    xhr.onabort = () => fail(abortError());
    off = onAbort(signal, () => xhr.abort());
    xhr.send(body());
  });
}
