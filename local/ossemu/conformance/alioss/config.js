// Replaces ali-oss's test/config.js in the temp copy of its suite (adapt-alioss.sh):
// the client options point at the local OSS, from the environment run.sh sets.
// Its own config reads the real account's keys, an STS role and a region; here
//   - endpoint is the emulator's port on localhost: ali-oss sends
//     virtual-host requests (Host: <bucket>.localhost:PORT), which
//     hooks.js resolves to 127.0.0.1; with the IP endpoint itself ali-oss
//     refuses to build object URLs, which many tests do,
//   - conditions, the signings each test file iterates over, is the one the
//     run asks for (OSSEMU_SIGNATURE_VERSION v1 or v4), so each signing is a
//     row of its own.
const { env } = process;

const config = module.exports;

config.oss = {
  accessKeyId: env.OSSEMU_ACCESS_KEY_ID,
  accessKeySecret: env.OSSEMU_ACCESS_KEY_SECRET,
  region: env.OSSEMU_REGION,
  endpoint: env.OSSEMU_ENDPOINT.replace('127.0.0.1', 'localhost'),
  maxSocket: 50
};

config.sts = {};

config.conditions = [{ authorizationV4: env.OSSEMU_SIGNATURE_VERSION === 'v4' }];

config.metaSyncTime = '10ms';
config.timeout = '120s';
