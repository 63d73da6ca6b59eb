// Loaded by mocha (--require) before ali-oss's test files, in the temp copy of
// its suite (adapt-alioss.sh):
//   - the buckets the local OSS serves exist from the start and are fresh for
//     each test file (run.sh starts a new emulator per file), so the suites'
//     bucket creation and deletion are no-ops answering success;
//   - names under .localhost resolve to 127.0.0.1, as a resolver that follows
//     RFC 6761 resolves them, so that ali-oss's virtual-host requests
//     (Host: <bucket>.localhost:PORT) and the URLs it builds
//     (getObjectUrl, signatureUrl) reach the emulator; ali-oss refuses to
//     build object URLs for an IP endpoint.
// Every other call goes to the emulator unchanged.
const dns = require('dns');
const path = require('path');

const OSS = require(path.resolve(process.env.OSSEMU_ALIOSS_DIR));

const ok = name => ({ bucket: name, res: { status: 200, headers: {}, size: 0, rt: 0 } });

OSS.prototype.putBucket = async function putBucket(name) {
  return ok(name);
};

OSS.prototype.deleteBucket = async function deleteBucket(name) {
  return ok(name);
};

const { lookup } = dns;
dns.lookup = function localhostLookup(hostname, options, callback) {
  if (typeof hostname === 'string' && (hostname === 'localhost' || hostname.endsWith('.localhost'))) {
    const cb = typeof options === 'function' ? options : callback;
    const all = typeof options === 'object' && options !== null && options.all;
    process.nextTick(() => (all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
