// Resume entries: what a client keeps, in its own storage, to continue a
// multipart upload after the app or page was killed. An entry is
//
//   {key, uploadId, size, name, partSize, profile, objectUrl, createdAt}
//
// stored under a key derived from the file's identity: its profile plus the
// app's fileId, or by default its name, size and lastModified when known.
// The storage adapter is {get(key), set(key, value), remove(key), keys()?},
// each returning a value or a promise; values are plain JSON objects.

/** The prefix of every storage key the clients write. */
export const STORAGE_PREFIX = 'ossgate.multipart.';

/**
 * storageKeyFor returns the storage key of file's resume entry for profile:
 * file.fileId when the app gave one, otherwise [name, size, lastModified].
 */
export function storageKeyFor(profile, file) {
  const id = file.fileId !== undefined && file.fileId !== null && file.fileId !== '' ? String(file.fileId) : [file.name, file.size, file.lastModified === undefined ? null : file.lastModified];
  return STORAGE_PREFIX + JSON.stringify([profile || '', id]);
}

/** validEntry tells whether e is a usable resume entry. */
export function validEntry(e) {
  return (
    !!e &&
    typeof e === 'object' &&
    typeof e.key === 'string' &&
    e.key !== '' &&
    typeof e.uploadId === 'string' &&
    e.uploadId !== '' &&
    Number.isSafeInteger(e.size) &&
    e.size > 0 &&
    Number.isSafeInteger(e.partSize) &&
    e.partSize > 0 &&
    typeof e.profile === 'string'
  );
}

/**
 * safeStorage wraps a storage adapter so that it never throws: a failing get
 * reads as "no entry", a failing set or remove is ignored (the upload goes on,
 * only its resumability is lost). Values that come back as JSON text are
 * parsed. It returns null when there is no adapter.
 */
export function safeStorage(storage) {
  if (!storage || typeof storage.get !== 'function' || typeof storage.set !== 'function' || typeof storage.remove !== 'function') {
    return null;
  }
  return {
    async get(key) {
      try {
        let v = await storage.get(key);
        if (typeof v === 'string') v = JSON.parse(v);
        return v && typeof v === 'object' ? v : null;
      } catch {
        return null;
      }
    },
    async set(key, value) {
      try {
        await storage.set(key, value);
        return true;
      } catch {
        return false;
      }
    },
    async remove(key) {
      try {
        await storage.remove(key);
      } catch {
        // nothing to do: a stale entry is dropped on its next use (NoSuchUpload)
      }
    },
    async keys() {
      if (typeof storage.keys !== 'function') return [];
      try {
        const k = await storage.keys();
        return Array.isArray(k) ? k.filter((x) => typeof x === 'string' && x.startsWith(STORAGE_PREFIX)) : [];
      } catch {
        return [];
      }
    },
  };
}
