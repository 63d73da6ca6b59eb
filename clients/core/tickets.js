// Upload tickets: one POST /sign for several files, and when a ticket is stale.
import { apiRequest } from './api.js';
import { OssCodes } from './codes.js';
import { Codes, OssgateError, parseJSON } from './errors.js';

/**
 * requestTickets asks the sign function for one ticket per file in a single
 * request and resolves with the tickets in the files' order:
 * [{url, key, fields, expiresAt, maxSize, objectUrl}]. It makes exactly one
 * HTTP request (retries are the caller's); a non-2xx answer rejects with the
 * function's {code, message, status, requestId}.
 *
 * opts: {transport, signUrl, profile, token, signal}; files: [{name, type, size}].
 */
export async function requestTickets(opts, files) {
  const payload = {
    profile: opts.profile,
    files: files.map((f) => ({ name: f.name, type: f.type, size: f.size })),
  };
  const res = await apiRequest(opts.transport, { url: opts.signUrl, method: 'POST', token: opts.token, payload, signal: opts.signal });
  return checkTickets(parseJSON(res.body), files.length, res.status);
}

/** checkTickets validates the shape of a 2xx /sign answer and returns its uploads. */
function checkTickets(json, want, status) {
  const uploads = json && Array.isArray(json.uploads) ? json.uploads : null;
  const bad = (why) =>
    new OssgateError({ code: Codes.BadResponse, message: 'sign: ' + why, status });
  if (!uploads) throw bad('answer has no "uploads" list');
  if (uploads.length !== want) throw bad('got ' + uploads.length + ' tickets, want ' + want);
  for (const t of uploads) {
    if (!t || typeof t.url !== 'string' || typeof t.key !== 'string' || !t.fields || typeof t.fields !== 'object') {
      throw bad('a ticket lacks url, key or fields');
    }
  }
  return uploads;
}

/**
 * ticketExpired tells whether ticket's expiresAt is at most marginMs after
 * nowMs (epoch milliseconds). A ticket without a parsable expiresAt never
 * counts as expired here: OSS has the last word.
 */
export function ticketExpired(ticket, nowMs, marginMs) {
  const at = Date.parse(ticket.expiresAt);
  if (Number.isNaN(at)) return false;
  return at - marginMs <= nowMs;
}

/**
 * StaleCredentialCodes are the codes OSS answers a ticket whose STS
 * credentials it no longer accepts: expired (SecurityTokenExpired, and
 * sometimes InvalidAccessKeyId once the temporary key is gone), or a token
 * that no longer matches its key (InvalidSecurityToken). The sign function
 * signs each ticket with its current credentials, so a fresh ticket can
 * succeed.
 */
export const StaleCredentialCodes = Object.freeze([OssCodes.SecurityTokenExpired, OssCodes.InvalidSecurityToken, OssCodes.InvalidAccessKeyId]);

/**
 * isStaleTicket tells whether OSS refused an upload because its ticket went
 * stale (a fresh one can succeed): AccessDenied "Policy expired", or one of
 * StaleCredentialCodes.
 */
export function isStaleTicket(err) {
  if (!err) return false;
  if (StaleCredentialCodes.includes(err.code)) return true;
  return err.code === OssCodes.AccessDenied && /policy expired/i.test(err.message || '');
}
