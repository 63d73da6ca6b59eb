// The error codes the clients meet, in one table. ServerCodes are the codes
// of the sign function's JSON errors ({"error":{"code","message"}}); a Go
// test checks this table against the Go wire contract's codes, both ways.
// OssCodes are the codes of OSS's XML errors that the clients act on, and
// Codes the ones the clients produce themselves. The core compares error
// codes only with the members of these tables (test/codes.test.js).

/** Codes of the sign function's JSON error body. */
export const ServerCodes = Object.freeze({
  BadRequest: 'BadRequest',
  InvalidJSON: 'InvalidJSON',
  BodyTooLarge: 'BodyTooLarge',
  ProfileRequired: 'ProfileRequired',
  UnknownProfile: 'UnknownProfile',
  NoFiles: 'NoFiles',
  TooManyFiles: 'TooManyFiles',
  InvalidFileName: 'InvalidFileName',
  InvalidSize: 'InvalidSize',
  UnsupportedType: 'UnsupportedType',
  FileTooLarge: 'FileTooLarge',
  FileTooSmall: 'FileTooSmall',
  InvalidLimit: 'InvalidLimit',
  InvalidCursor: 'InvalidCursor',
  Unauthenticated: 'Unauthenticated',
  NoCredentials: 'NoCredentials',
  NotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  InternalError: 'InternalError',
  InvalidFilter: 'InvalidFilter',
  QuotaExceeded: 'QuotaExceeded',
  StoreUnavailable: 'StoreUnavailable',
  MultipartRequired: 'MultipartRequired',
  MultipartNotAllowed: 'MultipartNotAllowed',
  InvalidUpload: 'InvalidUpload',
  InvalidParts: 'InvalidParts',
  TooManyParts: 'TooManyParts',
  Forbidden: 'Forbidden',
  NoSuchUpload: 'NoSuchUpload',
  PartsMissing: 'PartsMissing',
  PartSizeMismatch: 'PartSizeMismatch',
  FileAlreadyExists: 'FileAlreadyExists',
  UploadSizeMismatch: 'UploadSizeMismatch',
});

/** Codes of OSS's XML errors that the clients act on (OSS API reference, "Error responses"). */
export const OssCodes = Object.freeze({
  AccessDenied: 'AccessDenied',
  NoSuchUpload: 'NoSuchUpload',
  FileAlreadyExists: 'FileAlreadyExists',
  SecurityTokenExpired: 'SecurityTokenExpired',
  InvalidSecurityToken: 'InvalidSecurityToken',
  InvalidAccessKeyId: 'InvalidAccessKeyId',
});

/** Codes the clients themselves produce (the others come from the servers). */
export const Codes = Object.freeze({
  Network: 'NetworkError', // no HTTP answer: DNS, refused, reset, timeout
  Aborted: 'Aborted', // the caller aborted
  BadResponse: 'BadResponse', // a 2xx answer the client cannot use
  Http: 'HttpError', // a non-2xx answer without a recognisable error body
  Token: 'TokenUnavailable', // the caller's getToken failed
  FileRead: 'FileReadError', // a part of the file could not be read, or its size changed
  MultipartUnsupported: 'MultipartUnsupported', // the file must go in parts and the platform cannot send parts
});
