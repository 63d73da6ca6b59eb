// A `wx` for Node: request and uploadFile make real HTTP requests with the
// callback shapes of the mini-program API, so the mini-program module runs
// unchanged against real servers. uploadFile streams a real
// multipart/form-data body (fields first, then the file read from filePath)
// and reports progress by counting the body bytes written. request sends an
// ArrayBuffer body as is (a PUT of a part) and, like wx, adds
// "content-type: application/json" when the header has no content-type.
// getFileSystemManager().readFile reads real files, honouring position and
// length; the storage calls keep their data in memory, or in a JSON file that
// outlives the process (an app killed and started again).
import { exchange, formBody, kvStore, readRange, requestBody, writeForm } from './mp-http.js';

/**
 * createWx returns {request, uploadFile, getFileSystemManager, getStorage,
 * setStorage, removeStorage, getStorageInfo}; calls records every call's
 * options (for assertions). opts: storageFile (persist storage there),
 * onRead(arrayBuffer, {filePath, position, length}) (sees every buffer
 * readFile hands out).
 */
export function createWx(opts = {}) {
  const calls = [];
  const store = kvStore(opts.storageFile);
  return {
    calls,
    request(o) {
      calls.push({ api: 'request', url: o.url, method: o.method || 'GET', header: { ...(o.header || {}) }, bytes: o.data instanceof ArrayBuffer ? o.data.byteLength : undefined });
      const header = { ...(o.header || {}) };
      if (!Object.keys(header).some((k) => k.toLowerCase() === 'content-type')) header['content-type'] = 'application/json';
      const body = o.data === undefined ? undefined : requestBody(o.data);
      if (body !== undefined) header['Content-Length'] = String(Buffer.byteLength(body)); // framed for every method, DELETE included
      return send(o, 'request', { method: o.method || 'GET', headers: header, write: (req) => req.end(body) });
    },
    uploadFile(o) {
      calls.push({ api: 'uploadFile', url: o.url, formData: o.formData });
      const listeners = [];
      let parts;
      try {
        parts = formBody(o.formData || {}, o.name, o.filePath);
      } catch (err) {
        setImmediate(() => o.fail && o.fail({ errMsg: 'uploadFile:fail ' + err.message }));
        return { abort() {}, onProgressUpdate() {} };
      }
      const progress = (sent, total) => {
        const p = { progress: Math.floor((sent * 100) / total), totalBytesSent: sent, totalBytesExpectedToSend: total };
        for (const fn of listeners) fn(p);
      };
      const task = send(o, 'uploadFile', {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=' + parts.boundary, 'Content-Length': String(parts.length), ...(o.header || {}) },
        write: (req) => writeForm(req, parts, progress),
      });
      task.onProgressUpdate = (fn) => listeners.push(fn);
      return task;
    },
    getFileSystemManager() {
      return {
        readFile(o) {
          calls.push({ api: 'readFile', filePath: o.filePath, position: o.position, length: o.length });
          readRange(o.filePath, o.position, o.length).then(
            (r) => {
              if (opts.onRead) opts.onRead(r.data, { filePath: o.filePath, position: r.position, length: r.length });
              if (o.success) o.success({ data: r.data, errMsg: 'readFile:ok' });
            },
            (err) => o.fail && o.fail({ errMsg: 'readFile:fail ' + err.message }),
          );
        },
      };
    },
    getStorage(o) {
      const v = store.get(o.key);
      setImmediate(() => (v === undefined ? o.fail && o.fail({ errMsg: 'getStorage:fail data not found' }) : o.success && o.success({ data: v, errMsg: 'getStorage:ok' })));
    },
    setStorage(o) {
      store.set(o.key, o.data);
      setImmediate(() => o.success && o.success({ errMsg: 'setStorage:ok' }));
    },
    removeStorage(o) {
      store.remove(o.key);
      setImmediate(() => o.success && o.success({ errMsg: 'removeStorage:ok' }));
    },
    getStorageInfo(o) {
      const keys = store.keys();
      setImmediate(() => o.success && o.success({ keys, currentSize: 0, limitSize: 10240, errMsg: 'getStorageInfo:ok' }));
    },
  };
}

/** send performs one HTTP request and maps the outcome to wx's success/fail/complete callbacks. */
function send(o, api, { method, headers, write }) {
  const done = (fn, arg) => {
    if (fn) fn(arg);
    if (o.complete) o.complete(arg);
  };
  return exchange({
    url: o.url,
    method,
    headers,
    timeout: o.timeout,
    write,
    onError: (err) => done(o.fail, { errMsg: api + ':fail ' + err.message }),
    onAnswer: ({ status, text, headers: h }) => {
      let data = text;
      if (api === 'request' && (o.dataType === undefined || o.dataType === 'json')) {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      done(o.success, { statusCode: status, data, header: h, errMsg: api + ':ok' });
    },
  });
}
