// The backend half of a mini-program's sign-in (Node.js 18+, no dependency):
// POST /login {"code": "<from wx.login>"} exchanges the code for the user's
// openid (WeChat's code2session) and answers {"token": "<JWT>"}, a token the
// ossgate sign function accepts (HS256 with OSSGATE_JWT_SECRET; sub, iat, exp).
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');

const secret = process.env.OSSGATE_JWT_SECRET; // the sign function's secret, at least 32 bytes
const wxAPI = process.env.WX_API || 'https://api.weixin.qq.com';
const b64url = (s) => Buffer.from(s).toString('base64url');

// mint signs an HS256 JWT for sub, valid ttl seconds (at most OSSGATE_JWT_MAX_TTL, 24h).
function mint(sub, ttl = 2 * 3600) {
  const iat = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub, iat, exp: iat + ttl }));
  const sig = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

const send = (res, status, obj) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(obj));

http.createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/login') return send(res, 404, { error: 'not found' });
  let code;
  try {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    code = JSON.parse(raw).code;
  } catch { /* answered below */ }
  if (typeof code !== 'string' || code === '') return send(res, 400, { error: 'want {"code": …}' });
  const q = new URLSearchParams({ appid: process.env.WX_APPID, secret: process.env.WX_SECRET, js_code: code, grant_type: 'authorization_code' });
  try {
    const s = await (await fetch(`${wxAPI}/sns/jscode2session?${q}`)).json();
    if (s.errcode || !s.openid) {
      console.error(`code2session: errcode ${s.errcode} ${s.errmsg}`);
      return send(res, 401, { error: 'login failed' });
    }
    send(res, 200, { token: mint(s.openid) }); // sub: the openid, or your own user id for it
  } catch (err) {
    console.error('code2session:', err.message);
    send(res, 502, { error: 'code2session unreachable' });
  }
}).listen(Number(process.env.PORT || 8000), '127.0.0.1', function () {
  console.error(`listening on http://127.0.0.1:${this.address().port}`);
});
