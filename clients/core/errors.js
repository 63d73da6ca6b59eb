// Errors in one shape, whoever produced them: the sign function's JSON
// ({"error":{"code","message","requestId"}}), OSS's XML (<Error><Code>..),
// the network, or an abort. Every failure the clients report is an
// OssgateError carrying {code, message, status, requestId}, plus details:
// the extra fields of a JSON error (MultipartRequired's threshold and
// partSize, PartsMissing's missing), or {} when there are none.

import { Codes } from './codes.js';

export { Codes };

/** OssgateError is the one error type the clients throw or report. */
export class OssgateError extends Error {
  /**
   * @param {{code: string, message: string, status?: number, requestId?: string, details?: object}} e
   *   status is the HTTP status (0 when there was no HTTP answer); details
   *   the error's extra fields.
   */
  constructor({ code, message, status = 0, requestId = '', details }) {
    super(message || code);
    this.name = 'OssgateError';
    this.code = code;
    this.status = status;
    this.requestId = requestId;
    this.details = details && typeof details === 'object' ? details : {};
  }

  /** toJSON gives the plain {code, message, status, requestId} object, with details when there are some. */
  toJSON() {
    const out = { code: this.code, message: this.message, status: this.status, requestId: this.requestId };
    if (Object.keys(this.details).length > 0) out.details = this.details;
    return out;
  }
}

/** networkError wraps a transport failure that produced no HTTP answer. */
export function networkError(message) {
  return new OssgateError({ code: Codes.Network, message: message || 'network error' });
}

/** abortError is what every operation rejects with once its signal aborted. */
export function abortError() {
  return new OssgateError({ code: Codes.Aborted, message: 'upload aborted' });
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** decodeXMLText decodes the five predefined XML entities and numeric references. */
function decodeXMLText(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (all, ref) => {
    if (ref[0] !== '#') return ENTITIES[ref] !== undefined ? ENTITIES[ref] : all;
    const n = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : all;
  });
}

/**
 * xmlText returns the decoded text of the first <name>...</name> element in
 * xml, or '' when there is none. It is a tiny extractor for OSS's flat error
 * documents (no DOMParser in mini-programs), not a general XML parser.
 */
export function xmlText(xml, name) {
  if (typeof xml !== 'string') return '';
  const open = xml.indexOf('<' + name + '>');
  if (open < 0) return '';
  const start = open + name.length + 2;
  const end = xml.indexOf('</' + name + '>', start);
  if (end < 0) return '';
  let text = xml.slice(start, end);
  if (text.startsWith('<![CDATA[') && text.endsWith(']]>')) return text.slice(9, -3);
  return decodeXMLText(text.trim());
}

/** parseJSON returns the value of text, or undefined when it is not JSON. */
export function parseJSON(text) {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * errorFromResponse turns a non-2xx answer into an OssgateError. body is the
 * response text (or an already-parsed object, as wx.request may give);
 * headers (lower-case names, optional) supply a request id when the body has none.
 */
export function errorFromResponse(status, body, headers) {
  const h = headers || {};
  const headerId = h['x-oss-request-id'] || h['x-fc-request-id'] || h['x-request-id'] || '';
  const json = parseJSON(body);
  if (json && typeof json === 'object' && json.error && typeof json.error === 'object') {
    const e = json.error;
    const details = {};
    for (const k of Object.keys(e)) if (k !== 'code' && k !== 'message' && k !== 'requestId') details[k] = e[k];
    return new OssgateError({
      code: String(e.code || Codes.Http),
      message: String(e.message || ''),
      status,
      requestId: String(e.requestId || headerId),
      details,
    });
  }
  const text = typeof body === 'string' ? body : '';
  const code = xmlText(text, 'Code');
  if (code) {
    return new OssgateError({
      code,
      message: xmlText(text, 'Message'),
      status,
      requestId: xmlText(text, 'RequestId') || headerId,
    });
  }
  const snippet = text.trim().slice(0, 200);
  return new OssgateError({
    code: Codes.Http,
    message: 'HTTP ' + status + (snippet ? ': ' + snippet : ''),
    status,
    requestId: headerId,
  });
}

/** toOssgateError keeps an OssgateError and wraps anything else as a network error. */
export function toOssgateError(err) {
  if (err instanceof OssgateError) return err;
  return networkError(err && err.message ? err.message : String(err));
}
