// A `tt` (Douyin) for Node, written from Douyin's documented shapes
// (developer.open-douyin.com mini-app API: tt.request, tt.uploadFile,
// FileSystemManager.readFile, storage), making real HTTP requests. They follow
// WeChat's (wx-shim.js), with Douyin's differences: request's dataType is json
// or string; uploadFile's success has no header; readFile honours position and
// length only from base library 2.60.0 (SDKVersion, from getSystemInfoSync),
// below it reads the whole file.
import { createWx } from './wx-shim.js';
import { readRange } from './mp-http.js';

/** createTt returns the tt object; opts: SDKVersion ('3.0.0' by default), storageFile. */
export function createTt(opts = {}) {
  const sdk = opts.SDKVersion || '3.0.0';
  const base = createWx({ storageFile: opts.storageFile });
  const ranges = atLeast(sdk, '2.60.0');
  return {
    calls: base.calls,
    request(o) {
      if (o.dataType !== undefined && o.dataType !== 'json' && o.dataType !== 'string') {
        setImmediate(() => o.fail && o.fail({ errMsg: 'request:fail invalid dataType', errNo: 10000 }));
        return { abort() {} };
      }
      return base.request({ ...o, dataType: o.dataType === 'string' ? 'text' : o.dataType });
    },
    uploadFile(o) {
      return base.uploadFile({ ...o, success: (res) => o.success && o.success({ statusCode: res.statusCode, data: res.data, errMsg: 'uploadFile:ok' }) });
    },
    getFileSystemManager() {
      return {
        readFile(o) {
          base.calls.push({ api: 'readFile', filePath: o.filePath, position: o.position, length: o.length });
          const [position, length] = ranges ? [o.position, o.length] : [undefined, undefined];
          readRange(o.filePath, position, length).then(
            (r) => o.success && o.success({ data: r.data, errMsg: 'readFile:ok' }),
            (err) => o.fail && o.fail({ errMsg: 'readFile:fail ' + err.message }),
          );
        },
      };
    },
    getSystemInfoSync: () => ({ SDKVersion: sdk, platform: 'devtools' }),
    getStorage: base.getStorage,
    setStorage: base.setStorage,
    removeStorage: base.removeStorage,
    getStorageInfo: base.getStorageInfo,
  };
}

function atLeast(v, min) {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
  return true;
}
