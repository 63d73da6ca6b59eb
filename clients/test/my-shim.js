// A `my` (Alipay) for Node, written from Alipay's documented shapes
// (opendocs.alipay.com/mini/api/owycmh, /kmq4hc, /0226oj, /00hxw8), making
// real HTTP requests:
//
//   my.request {url, method, headers, data, dataType, timeout}: only
//   GET/POST/PUT/DELETE, header values must be strings (error 2 otherwise);
//   a 2xx answer → success {data, status, headers}; any other status → fail
//   {error: 19, errorMessage, status, data, headers}; a JSON dataType whose
//   body does not parse → fail {error: 14, ...}; no answer → fail {error: 12};
//   a timeout → 13; abort → {error: 9, errorMessage: 'request:fail abort'}.
//   The WeChat name "header" is not read: what is put there is not sent.
//   my.uploadFile {url, filePath, name (or the older fileName), fileType,
//   header, formData, timeout}: fileType must be image, video or audio (the
//   IDE's check); every HTTP answer → success {data, statusCode, header};
//   UploadTask.onProgressUpdate {progress, totalBytesWritten,
//   totalBytesExpectedToWrite}.
//   FileSystemManager.readFile {filePath, encoding}: the whole file (no
//   position or length).
//   Storage: getStorage → success {data} (data null for a missing key),
//   setStorage, removeStorage, getStorageInfo → {keys, currentSize, limitSize}.
import { exchange, formBody, kvStore, readRange, requestBody, writeForm } from './mp-http.js';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const FILE_TYPES = ['image', 'video', 'audio'];

/** createMy returns the my object; calls records every call's options. opts: storageFile. */
export function createMy(opts = {}) {
  const calls = [];
  const store = kvStore(opts.storageFile);
  const later = (fn, arg) => setImmediate(() => fn && fn(arg));
  return {
    calls,
    request(o) {
      const method = (o.method || 'GET').toUpperCase();
      calls.push({ api: 'request', url: o.url, method, headers: { ...(o.headers || {}) } });
      const headers = { ...(o.headers || {}) };
      if (!METHODS.includes(method) || Object.values(headers).some((v) => typeof v !== 'string')) {
        later(o.fail, { error: 2, errorMessage: 'invalid parameter' });
        return { abort() {} };
      }
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      const body = o.data === undefined ? undefined : requestBody(o.data);
      if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
      let aborted = false;
      const x = exchange({
        url: o.url,
        method,
        headers,
        timeout: o.timeout || 30_000,
        write: (req) => req.end(body),
        onError: (err) =>
          o.fail &&
          o.fail(aborted ? { error: 9, errorMessage: 'request:fail abort' } : err.message === 'timeout' ? { error: 13, errorMessage: 'timeout' } : { error: 12, errorMessage: err.message }),
        onAnswer: ({ status, text, headers: h }) => {
          let data = text;
          const json = !o.dataType || o.dataType.toLowerCase() === 'json';
          if (json) {
            try {
              data = JSON.parse(text);
            } catch {
              return o.fail && o.fail({ error: 14, errorMessage: 'JSON parse data error', status, data: text, headers: h });
            }
          }
          if (status < 200 || status > 299) return o.fail && o.fail({ error: 19, errorMessage: 'http status error', status, data, headers: h });
          if (o.success) o.success({ data, status, headers: h });
        },
      });
      return {
        abort() {
          aborted = true;
          x.abort();
        },
      };
    },
    uploadFile(o) {
      const name = o.name || o.fileName;
      calls.push({ api: 'uploadFile', url: o.url, formData: o.formData, name, fileType: o.fileType });
      const listeners = [];
      const noTask = { abort() {}, onProgressUpdate() {} };
      if (!o.url || !o.filePath || !name || !FILE_TYPES.includes(o.fileType)) {
        later(o.fail, { error: 11, errorMessage: 'invalid parameter' });
        return noTask;
      }
      let parts;
      try {
        parts = formBody(o.formData || {}, name, o.filePath);
      } catch {
        later(o.fail, { error: 11, errorMessage: 'file not found' });
        return noTask;
      }
      const progress = (sent, total) => {
        const p = { progress: Math.floor((sent * 100) / total), totalBytesWritten: sent, totalBytesExpectedToWrite: total };
        for (const fn of listeners) fn(p);
      };
      let aborted = false;
      const x = exchange({
        url: o.url,
        method: 'POST',
        headers: { ...(o.header || {}), 'Content-Type': 'multipart/form-data; boundary=' + parts.boundary, 'Content-Length': String(parts.length) },
        timeout: o.timeout || 60_000,
        write: (req) => writeForm(req, parts, progress),
        onError: (err) => o.fail && o.fail(aborted ? { error: 9, errorMessage: 'uploadFile:fail abort' } : { error: 12, errorMessage: 'upload failed: ' + err.message }),
        onAnswer: ({ status, text, headers: h }) => o.success && o.success({ data: text, statusCode: status, header: h }),
      });
      return {
        abort() {
          aborted = true;
          x.abort();
        },
        onProgressUpdate: (fn) => listeners.push(fn),
      };
    },
    getFileSystemManager() {
      return {
        readFile(o) {
          calls.push({ api: 'readFile', filePath: o.filePath, position: o.position, length: o.length });
          readRange(o.filePath, undefined, undefined).then(
            (r) => o.success && o.success({ data: r.data, dataType: 'ArrayBuffer' }),
            () => o.fail && o.fail({ error: 10022, errorMessage: 'file or directory does not exist' }),
          );
        },
      };
    },
    getStorage(o) {
      later(o.success, { data: store.has(o.key) ? store.get(o.key) : null });
    },
    setStorage(o) {
      store.set(o.key, o.data);
      later(o.success, { success: true });
    },
    removeStorage(o) {
      store.remove(o.key);
      later(o.success, { success: true });
    },
    getStorageInfo(o) {
      later(o.success, { keys: store.keys(), currentSize: 0, limitSize: 10240 });
    },
  };
}
