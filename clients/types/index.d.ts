// Type declarations of the ossgate-upload package: every public function and
// option of index.js (the mini-program adapters, the browser uploader and the
// core they share).

/** Codes of the sign function's JSON error body ({"error":{"code","message"}}). */
export declare const ServerCodes: Readonly<{
  BadRequest: 'BadRequest'; InvalidJSON: 'InvalidJSON'; BodyTooLarge: 'BodyTooLarge'; ProfileRequired: 'ProfileRequired';
  UnknownProfile: 'UnknownProfile'; NoFiles: 'NoFiles'; TooManyFiles: 'TooManyFiles'; InvalidFileName: 'InvalidFileName';
  InvalidSize: 'InvalidSize'; UnsupportedType: 'UnsupportedType'; FileTooLarge: 'FileTooLarge'; FileTooSmall: 'FileTooSmall';
  InvalidLimit: 'InvalidLimit'; InvalidCursor: 'InvalidCursor'; Unauthenticated: 'Unauthenticated'; NoCredentials: 'NoCredentials';
  NotFound: 'NotFound'; MethodNotAllowed: 'MethodNotAllowed'; InternalError: 'InternalError'; InvalidFilter: 'InvalidFilter';
  QuotaExceeded: 'QuotaExceeded'; StoreUnavailable: 'StoreUnavailable'; MultipartRequired: 'MultipartRequired';
  MultipartNotAllowed: 'MultipartNotAllowed'; InvalidUpload: 'InvalidUpload'; InvalidParts: 'InvalidParts';
  TooManyParts: 'TooManyParts'; Forbidden: 'Forbidden'; NoSuchUpload: 'NoSuchUpload'; PartsMissing: 'PartsMissing';
  PartSizeMismatch: 'PartSizeMismatch'; FileAlreadyExists: 'FileAlreadyExists';
}>;

/** Codes of OSS's XML errors that the clients act on. */
export declare const OssCodes: Readonly<{
  AccessDenied: 'AccessDenied'; NoSuchUpload: 'NoSuchUpload'; FileAlreadyExists: 'FileAlreadyExists';
  SecurityTokenExpired: 'SecurityTokenExpired'; InvalidSecurityToken: 'InvalidSecurityToken'; InvalidAccessKeyId: 'InvalidAccessKeyId';
}>;

/** Codes the clients produce themselves. */
export declare const Codes: Readonly<{
  Network: 'NetworkError'; Aborted: 'Aborted'; BadResponse: 'BadResponse'; Http: 'HttpError';
  Token: 'TokenUnavailable'; FileRead: 'FileReadError'; MultipartUnsupported: 'MultipartUnsupported';
}>;

/** The one error type the clients throw or report. */
export declare class OssgateError extends Error {
  constructor(e: { code: string; message: string; status?: number; requestId?: string; details?: Record<string, unknown> });
  readonly name: 'OssgateError';
  /** ServerCodes, OssCodes or Codes value (or another code a server sent). */
  code: string;
  /** The HTTP status; 0 when there was no HTTP answer. */
  status: number;
  requestId: string;
  /** The error's extra fields (MultipartRequired's threshold and partSize, QuotaExceeded's retryAfter, ...). */
  details: Record<string, unknown>;
  toJSON(): { code: string; message: string; status: number; requestId: string; details?: Record<string, unknown> };
}

/** An abort signal: a DOM AbortSignal or createAbort().signal. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', fn: () => void): void;
  removeEventListener(type: 'abort', fn: () => void): void;
}

/** A minimal AbortController for runtimes that lack one (mini-programs). */
export declare function createAbort(): { signal: AbortSignalLike; abort(): void };

/** Resume storage: each call may return a promise; values are plain objects. */
export interface UploadStorage {
  get(key: string): unknown | Promise<unknown>;
  set(key: string, value: object): void | Promise<void>;
  remove(key: string): void | Promise<void>;
  keys?(): string[] | Promise<string[]>;
}

/** An HTTP answer as a transport gives it. */
export interface TransportAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** The HTTP work createUploader delegates (the adapters provide one). */
export interface Transport {
  request(r: { url: string; method: string; headers: Record<string, string>; body?: string; signal?: AbortSignalLike }): Promise<TransportAnswer>;
  upload(r: { url: string; fields: Record<string, string>; file: object; onProgress(loaded: number, total: number): void; signal?: AbortSignalLike }): Promise<TransportAnswer>;
  readPart?(file: object, start: number, end: number): Promise<ArrayBuffer | Uint8Array | Blob>;
  put?(r: { url: string; headers: Record<string, string>; body: ArrayBuffer | Uint8Array | Blob; onProgress(loaded: number, total: number): void; signal?: AbortSignalLike }): Promise<TransportAnswer>;
  storage?: UploadStorage;
}

/** Options every uploader takes (createUploader's, which the adapters pass on). */
export interface UploaderOptions {
  /** The sign function's POST /sign URL. */
  signUrl: string;
  /** The upload profile (one of the sign function's OSSGATE_PROFILES). */
  profile?: string;
  /** The caller's JWT, or '' for anonymous uploads. */
  getToken?: () => string | Promise<string>;
  /** Uploads in flight at once (3). */
  concurrency?: number;
  /** Tries per request, the first included (4). */
  maxAttempts?: number;
  /** Delay before the second try, before jitter (300 ms). */
  baseDelayMs?: number;
  /** Cap of one delay, before jitter (5000 ms). */
  maxDelayMs?: number;
  /** A ticket or part URL this close to its expiry is fetched anew (1000 ms). */
  expiryMarginMs?: number;
  /** Files at least this large go multipart without asking /sign first. */
  multipartThreshold?: number;
  /** Part PUTs in flight at once, per uploader (3). */
  partConcurrency?: number;
  /** Tries per part, the first included (6). */
  partMaxAttempts?: number;
  /** Fresh URLs one part may ask for after OSS said its URL expired (3). */
  urlRefreshes?: number;
  /** GET /uploads URL (default: signUrl with /sign replaced by /uploads). */
  listUrl?: string;
  /** GET /quota URL (default: …/quota). */
  quotaUrl?: string;
  /** The multipart API's base URL (default: …/uploads/multipart). */
  multipartUrl?: string;
  /** Resume storage (default: the platform's); null: uploads do not resume. */
  storage?: UploadStorage | null;
  /** For tests: epoch milliseconds. */
  now?: () => number;
  /** For tests: a number in [0, 1). */
  random?: () => number;
  /** Results carry the upload's checked record (default true). */
  waitForRecord?: boolean;
  /** How long GET /uploads/{id} is asked for a record the upload's answer lacked (ms, default 60000). */
  recordWaitMs?: number;
  /** First delay between those asks, doubling (ms, default 250). */
  recordPollMs?: number;
  /** Cap of that delay (ms, default 4000). */
  recordPollMaxMs?: number;
  /** For tests: waits ms, rejecting early when signal aborts. */
  sleep?: (ms: number, signal?: AbortSignalLike) => Promise<void>;
}

/** createUploader's options: UploaderOptions with the transport. */
export interface CoreUploaderOptions extends UploaderOptions {
  transport: Transport;
  /** Why the transport cannot send parts: files then go by form POST only. */
  multipartUnsupported?: string;
}

/** A file as the uploaders take it; the adapters also read their platform's picker fields. */
export interface UploadFileInput {
  /** Local path (mini-programs); tempFilePath, apFilePath or filePath work too. */
  path?: string;
  tempFilePath?: string;
  apFilePath?: string;
  filePath?: string;
  size: number;
  /** Default: the path's last segment. */
  name?: string;
  /** A MIME type; anything else ("image") is replaced by one guessed from the name. */
  type?: string;
  /** The app's identity of the file, for resuming. */
  fileId?: string;
  lastModified?: number;
  [key: string]: unknown;
}

export type UploadState = 'signing' | 'uploading' | 'retrying' | 'done' | 'failed';

export interface ProgressEvent {
  index: number;
  file: UploadFileInput;
  loaded: number;
  total: number;
  /** Below 100 until OSS accepted the file, then 100. */
  percent: number;
  /** Multipart only. */
  partsDone?: number;
  partCount?: number;
}

export interface StateEvent {
  index: number;
  file: UploadFileInput;
  state: UploadState;
  error?: OssgateError;
  result?: UploadResult;
  multipart?: { uploadId: string; key: string; partCount: number; partSize: number; resumed: boolean; partsDone: number };
  part?: number;
  resumed?: boolean;
}

export interface UploadCallOptions {
  onProgress?: (e: ProgressEvent) => void;
  onState?: (e: StateEvent) => void;
  signal?: AbortSignalLike;
  /** Overrides the uploader's profile for this call. */
  profile?: string;
  /** On abort, keep a multipart upload and its resume entry (a pause). */
  keepOnAbort?: boolean;
}

export interface UploadSuccess {
  index: number;
  file: UploadFileInput;
  ok: true;
  key: string;
  objectUrl: string;
  url: string;
  etag?: string;
  size?: number;
  multipart?: { uploadId: string; partCount: number; partSize: number; resumed: boolean };
  /** The upload's checked record (status "ok" or "quarantined"), with waitForRecord (the default). */
  record?: UploadRecord;
  /** Where record came from: the upload's own answer (OSS's upload callback) or GET /uploads/{id}. */
  recordVia?: 'answer' | 'poll';
  /** Why record could not be had (the upload itself succeeded). */
  recordError?: OssgateError;
}

export interface UploadFailure {
  index: number;
  file: UploadFileInput;
  ok: false;
  error: OssgateError;
}

export type UploadResult = UploadSuccess | UploadFailure;

/** One record of GET /uploads. */
export interface UploadRecord {
  id: string;
  key: string;
  status: string;
  originalName?: string;
  size?: number;
  type?: string;
  uploader?: string;
  downloadUrl?: string;
  thumbnailUrl?: string;
  /** Set when the profile moderates: status is 'pending' until the verdict, then 'ok' or 'rejected'. */
  moderation?: { provider: string; traceId?: string; labels?: { label: string; confidence?: number }[]; decidedAt?: string; by?: string };
  [key: string]: unknown;
}



export interface PendingUpload {
  id: string;
  key: string;
  uploadId: string;
  name: string;
  size: number;
  partSize: number;
  profile: string;
  createdAt: string;
}

export interface Quota {
  quota?: number;
  rate?: number;
  used?: number;
  left?: number;
  resetsAt?: string;
  [key: string]: unknown;
}

/** What every uploader does. */
export interface Uploader {
  /** Resolves, never rejects, with one result per file, in order. */
  upload(files: ArrayLike<UploadFileInput> | Iterable<UploadFileInput>, opts?: UploadCallOptions): Promise<UploadResult[]>;
  /** Resolves with the file's result, or rejects with its OssgateError. */
  uploadFile(file: UploadFileInput, opts?: UploadCallOptions): Promise<UploadSuccess>;
  list(opts?: { cursor?: string; limit?: number; signal?: AbortSignalLike }): Promise<{ records: UploadRecord[]; next: string }>;
  remove(id: string, opts?: { signal?: AbortSignalLike }): Promise<UploadRecord>;
  /** GET /uploads/{id}. */
  get(id: string, opts?: { signal?: AbortSignalLike }): Promise<UploadRecord>;
  /** Polls GET /uploads/{id} until the record is no longer pending (or timeoutMs passes). */
  awaitVerdict(id: string, opts?: { onChange?: (r: UploadRecord) => void; intervalMs?: number; timeoutMs?: number; signal?: AbortSignalLike }): Promise<UploadRecord>;
  quota(profile: string, opts?: { signal?: AbortSignalLike }): Promise<Quota>;
  pending(): Promise<PendingUpload[]>;
  discard(idOrEntry: string | PendingUpload, opts?: { signal?: AbortSignalLike }): Promise<void>;
}

/** What a mini-program platform can do, declared when its uploader is made. */
export interface Capabilities {
  platform: 'wechat' | 'alipay' | 'douyin' | 'uni-app' | 'taro';
  /** Whether large files can go in parts (multipart upload). */
  multipart: boolean;
  /** Why not, when multipart is false. */
  reason: string;
}

export interface PlatformUploader extends Uploader {
  readonly capabilities: Readonly<Capabilities>;
}

/** Options of the mini-program adapters: UploaderOptions plus the per-call timeouts. */
export interface MiniProgramOptions extends UploaderOptions {
  /** Timeout of one platform call, in ms (the platform's default when unset). */
  timeoutMs?: number;
  /** Timeout of one part PUT (default timeoutMs). */
  partTimeoutMs?: number;
}

/** A platform's API object (wx, my, tt, uni, Taro): its request, uploadFile, file-system and storage calls. */
export type PlatformApi = object;

export declare function createWxUploader(options: MiniProgramOptions & { wx?: PlatformApi }): PlatformUploader;
export declare function createAlipayUploader(options: MiniProgramOptions & { my?: PlatformApi }): PlatformUploader;
export declare function createDouyinUploader(options: MiniProgramOptions & { tt?: PlatformApi }): PlatformUploader;
export declare function createUniUploader(options: MiniProgramOptions & { uni?: PlatformApi; platform?: string }): PlatformUploader;
export declare function createTaroUploader(options: MiniProgramOptions & { taro?: PlatformApi; env?: string }): PlatformUploader;

/** How one platform's API is called (miniprogram/platform.js). */
export interface Dialect {
  platform: Capabilities['platform'];
  api: PlatformApi;
  multipartUnsupported: string;
  requestOptions(o: { url: string; method: string; headers: Record<string, string>; body: unknown; timeout?: number }): object;
  answer(res: object): TransportAnswer;
  uploadOptions(o: { url: string; filePath: string; fields: Record<string, string>; file: UploadFileInput; timeout?: number }): object;
  progress(p: object): [number, number];
}

export declare function createPlatformUploader(dialect: Dialect, options: MiniProgramOptions): PlatformUploader;
export declare function wxDialect(wx: PlatformApi): Dialect;
export declare function alipayDialect(my: PlatformApi): Dialect;
export declare function ttDialect(tt: PlatformApi): Dialect;
export declare function uniDialect(uni: PlatformApi, platform?: string): Dialect;
export declare function taroDialect(taro: PlatformApi, env?: string): Dialect;

/** Options of the browser uploader. */
export interface WebOptions extends UploaderOptions {
  timeoutMs?: number;
  partTimeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  XMLHttpRequest?: unknown;
  localStorage?: unknown;
}

/** A browser file: a File or Blob, or {name, type, size, blob}. */
export type WebFileInput = Blob | { name: string; type?: string; size: number; blob: Blob; lastModified?: number; fileId?: string };

export interface WebUploader extends Omit<Uploader, 'upload' | 'uploadFile'> {
  upload(files: ArrayLike<WebFileInput> | Iterable<WebFileInput>, opts?: UploadCallOptions): Promise<UploadResult[]>;
  uploadFile(file: WebFileInput, opts?: UploadCallOptions): Promise<UploadSuccess>;
}

export declare function createWebUploader(options: WebOptions): WebUploader;
export declare function webTransport(options: WebOptions): Transport;
export declare function localStorageAdapter(ls: unknown): UploadStorage | null;

export declare function createUploader(options: CoreUploaderOptions): Uploader;
export declare const UploaderDefaults: Readonly<Required<Pick<UploaderOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'partConcurrency' | 'partMaxAttempts' | 'urlRefreshes' | 'concurrency' | 'expiryMarginMs'>> & { multipartThreshold: undefined }>;
export declare function errorFromResponse(status: number, body: unknown, headers?: Record<string, string>): OssgateError;
export declare function networkError(message?: string): OssgateError;
export declare function abortError(): OssgateError;
export declare function xmlText(xml: string, name: string): string;
export declare function backoffDelay(attempt: number, opts: { baseDelayMs: number; maxDelayMs: number }, random: () => number): number;
export declare function isRetryable(err: OssgateError | null | undefined): boolean;
export declare function ticketExpired(ticket: { expiresAt?: string }, nowMs: number, marginMs: number): boolean;
export declare function isStaleTicket(err: OssgateError | null | undefined): boolean;
export declare const StaleCredentialCodes: readonly string[];
export declare function listUrlFor(signUrl: string): string;
export declare function quotaUrlFor(signUrl: string): string;
/** What to show of a record's moderation: 'checking…' while pending, then the verdict. */
export declare function verdictOf(record: UploadRecord): { state: string; text: string };
export declare function multipartUrlFor(signUrl: string): string;
export declare function mimeFromName(name: string): string;
export declare function baseName(path: string): string;

export interface PartSchedule {
  size: number;
  partSize: number;
  partCount: number;
  start(n: number): number;
  sizeOf(n: number): number;
}
export declare function partSchedule(size: number, partSize: number): PartSchedule;
export declare const MAX_PARTS: 10000;
export declare const STORAGE_PREFIX: string;
export declare function storageKeyFor(profile: string, file: UploadFileInput): string;
export declare function createLimiter(limit: number): { acquire(signal?: AbortSignalLike): Promise<() => void>; inUse(): number };
