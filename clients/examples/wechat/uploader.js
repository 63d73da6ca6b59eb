// The one uploader of the sample, bound to the sign function in config.js.
import { createWxUploader } from 'ossgate-upload';
import { PROFILE, SIGN_URL, TOKEN } from './config.js';

export const uploader = createWxUploader({
  signUrl: SIGN_URL,
  profile: PROFILE,
  getToken: () => TOKEN,
});
