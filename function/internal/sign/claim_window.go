package sign

import "time"

// RecordingWindow is how long after its ticket expires an upload made with
// it may still be waiting for its record, and so how much longer the
// ticket's claim counts against its user's quota: FC retries the upload's
// event for at most the record function's maximum event age
// (maxAsyncEventAgeInSeconds in s.yaml, 1 h), then hands it to the
// maintenance function, which records it on its next hourly run. Without
// it, an upload made near its ticket's expiry while the records store is
// down would stop counting before it is recorded, and an outage could be
// used to upload past a quota. A ticket never used holds its claim as long.
const RecordingWindow = 2 * time.Hour
