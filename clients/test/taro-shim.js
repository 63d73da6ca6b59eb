// A `Taro` for Node, written from Taro's documented shapes
// (docs.taro.zone/docs/apis/network/request/, …/upload/uploadFile/,
// …/about/env), making real HTTP requests. Taro's calls take WeChat's options
// and callbacks (wx-shim.js) and also return a promise: it resolves with the
// success result and rejects with the fail result (a rejection nobody handles
// fails the test process), request's carries abort(), uploadFile's the
// UploadTask's abort() and onProgressUpdate() (and progress(), Taro's own).
// getEnv() names the platform; as ALIPAY the calls carry Alipay's limits
// through (uploadFile needs fileType, readFile reads the whole file).
import { createWx } from './wx-shim.js';
import { readRange } from './mp-http.js';

export const ENV_TYPE = Object.freeze({ WEAPP: 'WEAPP', ALIPAY: 'ALIPAY', TT: 'TT', WEB: 'WEB' });

/** createTaro returns the Taro object; opts: env ('WEAPP' by default), storageFile. */
export function createTaro(opts = {}) {
  const env = opts.env || ENV_TYPE.WEAPP;
  const alipay = env === ENV_TYPE.ALIPAY;
  const base = createWx({ storageFile: opts.storageFile });
  /** promised calls fn(options with success and fail wrapped) and returns a promise carrying the task's methods. */
  const promised = (fn, o, validate) => {
    let task;
    const p = new Promise((resolve, reject) => {
      const bad = validate ? validate(o) : '';
      const success = (res) => {
        if (o.success) o.success(res);
        resolve(res);
      };
      const fail = (err) => {
        if (o.fail) o.fail(err);
        reject(err);
      };
      if (bad) {
        setImmediate(() => fail({ errMsg: bad }));
        return;
      }
      task = fn({ ...o, success, fail });
    });
    p.abort = () => task && task.abort && task.abort();
    p.onProgressUpdate = (cb) => task && task.onProgressUpdate && task.onProgressUpdate(cb);
    p.progress = (cb) => {
      p.onProgressUpdate(cb);
      return p;
    };
    return p;
  };
  return {
    calls: base.calls,
    ENV_TYPE,
    getEnv: () => env,
    request: (o) => promised(base.request, o),
    uploadFile: (o) =>
      promised(base.uploadFile, o, (x) => (alipay && !['image', 'video', 'audio'].includes(x.fileType) ? 'uploadFile:fail fileType is required' : '')),
    getFileSystemManager() {
      if (!alipay) return base.getFileSystemManager();
      return {
        readFile(o) {
          readRange(o.filePath, undefined, undefined).then(
            (r) => o.success && o.success({ data: r.data, errMsg: 'readFile:ok' }),
            (err) => o.fail && o.fail({ errMsg: 'readFile:fail ' + err.message }),
          );
        },
      };
    },
    getStorage: (o) => promised(base.getStorage, o),
    setStorage: (o) => promised(base.setStorage, o),
    removeStorage: (o) => promised(base.removeStorage, o),
    getStorageInfo: (o) => promised(base.getStorageInfo, o),
  };
}
