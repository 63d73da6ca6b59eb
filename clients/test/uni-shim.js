// A `uni` (uni-app) for Node, written from uni-app's documented shapes
// (uniapp.dcloud.net.cn/api/request/request.html, …/network-file.html,
// …/system/info.html), making real HTTP requests. uni.* follows WeChat's
// shapes (wx-shim.js) on every platform; getSystemInfoSync().uniPlatform names
// the platform. As the build for Alipay (mp-alipay) it carries Alipay's
// limits through: uploadFile fails without fileType (image/video/audio, "仅支付
// 宝小程序，且必填"), gives statusCode as a string (as Alipay's IDE does), and
// FileSystemManager.readFile reads the whole file (no position or length).
import { createWx } from './wx-shim.js';
import { readRange } from './mp-http.js';

/** createUni returns the uni object; opts: platform ('mp-weixin' by default), storageFile. */
export function createUni(opts = {}) {
  const platform = opts.platform || 'mp-weixin';
  const alipay = platform === 'mp-alipay';
  const base = createWx({ storageFile: opts.storageFile });
  return {
    calls: base.calls,
    request: base.request,
    uploadFile(o) {
      if (alipay && !['image', 'video', 'audio'].includes(o.fileType)) {
        setImmediate(() => o.fail && o.fail({ errMsg: 'uploadFile:fail fileType is required' }));
        return { abort() {}, onProgressUpdate() {} };
      }
      return base.uploadFile({
        ...o,
        success: (res) => o.success && o.success({ data: res.data, statusCode: alipay ? String(res.statusCode) : res.statusCode, errMsg: 'uploadFile:ok' }),
      });
    },
    getFileSystemManager() {
      if (!alipay) return base.getFileSystemManager();
      return {
        readFile(o) {
          base.calls.push({ api: 'readFile', filePath: o.filePath, position: o.position, length: o.length });
          readRange(o.filePath, undefined, undefined).then(
            (r) => o.success && o.success({ data: r.data, errMsg: 'readFile:ok' }),
            (err) => o.fail && o.fail({ errMsg: 'readFile:fail ' + err.message }),
          );
        },
      };
    },
    getSystemInfoSync: () => ({ uniPlatform: platform, SDKVersion: '3.0.0' }),
    getStorage: base.getStorage,
    setStorage: base.setStorage,
    removeStorage: base.removeStorage,
    getStorageInfo: base.getStorageInfo,
  };
}
