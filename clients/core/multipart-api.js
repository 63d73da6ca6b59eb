// The sign function's four multipart calls, each one HTTP request whose
// answer is checked against the part schedule:
//
//   POST   {base}          {profile, file:{name,type,size}}  → {upload:{key, uploadId, partSize, partCount, objectUrl, expiresAt, parts}}
//   POST   {base}/parts    {key, uploadId, size, parts?:[n]} → {parts} (with parts) or {done, parts} (without: how a client resumes)
//   POST   {base}/complete {key, uploadId, size}             → {key, objectUrl, size, etag, recordId, record?}
//   DELETE {base}          {key, uploadId}                   → aborts
//
// where a part is {number, url, size, headers, expiresAt} and base is
// …/uploads/multipart.
import { apiRequest, apiUrlFor } from './api.js';
import { Codes, OssgateError, parseJSON } from './errors.js';
import { partSchedule } from './part-schedule.js';

/** The most part URLs one /parts call asks for (the API's limit). */
export const MAX_URLS_PER_CALL = 100;

/**
 * @typedef {object} PartUrl a presigned UploadPart request
 * @property {number} number the part's number, 1..partCount
 * @property {string} url the presigned PUT URL
 * @property {number} size the exact bytes the URL accepts
 * @property {Record<string, string>} headers the headers to send with exactly these values
 * @property {string} [expiresAt] when the URL stops working (RFC 3339)
 */

/**
 * @typedef {object} MultipartApi
 * @property {(a: {profile: string, file: {name: string, type: string, size: number}, token: string, signal?: object}) => Promise<object>} create
 * @property {(a: {key: string, uploadId: string, size: number, parts?: number[], schedule: import('./part-schedule.js').PartSchedule, token: string, signal?: object}) => Promise<{parts: PartUrl[], done?: number[]}>} parts
 * @property {(a: {key: string, uploadId: string, size: number, token: string, signal?: object}) => Promise<{key: string, objectUrl?: string, size?: number, etag?: string}>} complete
 * @property {(a: {key: string, uploadId: string, token: string, signal?: object}) => Promise<void>} abort
 */

/** multipartUrlFor derives the multipart API's base URL from the sign URL: …/sign → …/uploads/multipart. */
export function multipartUrlFor(signUrl) {
  return apiUrlFor(signUrl, 'uploads/multipart');
}

/** badAnswer is the BadResponse error of a 2xx answer the client cannot use. */
export const badAnswer = (why, status) => new OssgateError({ code: Codes.BadResponse, message: 'multipart: ' + why, status });

/**
 * multipartApi returns the sign function's four multipart calls over
 * transport, each making exactly one HTTP request (retries are the
 * caller's) and rejecting with the normalised error on a non-2xx answer:
 * {create, parts, complete, abort}. Every call takes {token, signal} besides
 * its own fields.
 *
 * @returns {MultipartApi}
 */
export function multipartApi(transport, baseUrl) {
  const call = async (url, method, payload, token, signal) => {
    const res = await apiRequest(transport, { url, method, token, payload, signal });
    return { status: res.status, json: parseJSON(res.body) };
  };
  return {
    /** create starts an upload: {profile, file:{name,type,size}} → the upload, checked against the schedule. */
    async create({ profile, file, token, signal }) {
      const { status, json } = await call(baseUrl, 'POST', { profile, file: { name: file.name, type: file.type, size: file.size } }, token, signal);
      const u = json && json.upload;
      if (!u || typeof u !== 'object') throw badAnswer('answer has no "upload"', status);
      if (typeof u.key !== 'string' || !u.key || typeof u.uploadId !== 'string' || !u.uploadId) throw badAnswer('upload lacks key or uploadId', status);
      if (!Number.isSafeInteger(u.partSize) || u.partSize <= 0) throw badAnswer('upload has no valid partSize', status);
      const schedule = partSchedule(file.size, u.partSize);
      if (u.partCount !== schedule.partCount) {
        throw badAnswer(`partCount ${u.partCount} does not fit size ${file.size} and partSize ${u.partSize} (want ${schedule.partCount})`, status);
      }
      return { ...u, parts: checkParts(u.parts, schedule, status) };
    },
    /** parts asks for fresh URLs of the parts numbered in parts, or, without parts, for {done, parts} (the resume call). */
    async parts({ key, uploadId, size, parts, schedule, token, signal }) {
      const payload = { key, uploadId, size };
      if (parts) payload.parts = parts;
      const { status, json } = await call(baseUrl + '/parts', 'POST', payload, token, signal);
      if (!json || typeof json !== 'object') throw badAnswer('parts: answer is not a JSON object', status);
      // The server's schedule follows the profile's part size today; an
      // upload started with another one cannot be continued (on resume the
      // BadResponse starts it afresh).
      if (json.partSize !== undefined && json.partSize !== schedule.partSize) {
        throw badAnswer(`parts: the profile's part size is now ${json.partSize}, this upload's is ${schedule.partSize}`, status);
      }
      const out = { parts: checkParts(json.parts, schedule, status) };
      if (!parts) {
        if (!Array.isArray(json.done)) throw badAnswer('parts: answer has no "done" list', status);
        out.done = json.done.filter((n) => Number.isSafeInteger(n) && n >= 1 && n <= schedule.partCount);
      }
      return out;
    },
    /** complete asks the function to complete the upload: → {key, objectUrl, size, etag}. */
    async complete({ key, uploadId, size, token, signal }) {
      const { status, json } = await call(baseUrl + '/complete', 'POST', { key, uploadId, size }, token, signal);
      if (!json || typeof json.key !== 'string') throw badAnswer('complete: answer has no "key"', status);
      return json;
    },
    /** abort aborts the upload (DELETE). */
    async abort({ key, uploadId, token, signal }) {
      await call(baseUrl, 'DELETE', { key, uploadId }, token, signal);
    },
  };
}

/**
 * checkParts validates the part URLs of an answer against schedule: each
 * {number, url, size, headers, expiresAt} with a number in range and the
 * size the schedule gives that number.
 *
 * @returns {PartUrl[]}
 */
function checkParts(parts, schedule, status) {
  if (!Array.isArray(parts)) throw badAnswer('answer has no "parts" list', status);
  return parts.map((p) => {
    if (!p || !Number.isSafeInteger(p.number) || p.number < 1 || p.number > schedule.partCount || typeof p.url !== 'string' || !p.url) {
      throw badAnswer('a part lacks a valid number or url', status);
    }
    if (p.size !== schedule.sizeOf(p.number)) {
      throw badAnswer(`part ${p.number} is ${p.size} bytes, the schedule says ${schedule.sizeOf(p.number)}`, status);
    }
    const headers = p.headers && typeof p.headers === 'object' ? p.headers : {};
    return { number: p.number, url: p.url, size: p.size, headers, expiresAt: p.expiresAt };
  });
}
