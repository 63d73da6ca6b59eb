// Where the sample uploads to. With `make run` on this machine the sign
// function is at http://127.0.0.1:8080/sign; DevTools must then skip the
// legal-domain check (Details → Local settings → "Do not verify valid domain
// names…", which project.config.json's urlCheck: false sets). On a phone, use
// the deployed sign function's https URL and list it and the bucket's domain
// in the mini-program's legal domains (clients/README.md).
export const SIGN_URL = 'http://127.0.0.1:8080/sign';

/** The upload profile (one of the sign function's OSSGATE_PROFILES). */
export const PROFILE = 'image';

/**
 * TOKEN is the caller's JWT: GET /uploads lists a signed-in caller's uploads
 * only. `make run` prints a demo link …/demo/web/?token=…; paste that token
 * here (uploads work without one, signed as anonymous).
 */
export const TOKEN = '';
