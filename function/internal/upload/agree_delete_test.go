package upload_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/records"
)

// TestDeleteOfQuarantinedUploadKeepsTheObject: a caller's DELETE
// /uploads/{id} of a quarantined upload marks its record deleted (gone from
// the caller's list) and leaves the quarantined object in the bucket for
// operators, moved or tagged in place, while an ok upload's object is
// deleted.
func TestDeleteOfQuarantinedUploadKeepsTheObject(t *testing.T) {
	for _, mode := range []config.QuarantineMode{config.QuarantineMove, config.QuarantineTag} {
		t.Run(string(mode), func(t *testing.T) {
			a := startAgreementIn(t, "oss", "", string(mode))
			bad := uploadAs(t, a.sign, a.oss, a.ctx, "alice", "t.png", []byte("plain text, declared image/png"))
			good := uploadAs(t, a.sign, a.oss, a.ctx, "alice", "g.png", pngFile(1))
			for _, r := range listAs(t, a.sign, a.ctx, "alice") {
				serve(t, a.sign, a.ctx, http.MethodDelete, "/uploads/"+r.ID, "alice", "")
			}
			if recs := listAs(t, a.sign, a.ctx, "alice"); len(recs) != 0 {
				t.Errorf("GET /uploads after the deletes: got %+v, want none", recs)
			}
			evidence := bad
			if mode == config.QuarantineMove {
				evidence = a.cfg.Prefixes.Quarantine + "/" + bad
			}
			type objects struct{ Evidence, Good bool }
			got := objects{a.exists(t, evidence), a.exists(t, good)}
			if d := cmp.Diff(objects{Evidence: true}, got); d != "" {
				t.Errorf("objects after the deletes, want the quarantined one only (-want +got):\n%s", d)
			}
			deleted := listStatus(t, a, "alice", records.StatusDeleted)
			if len(deleted) != 2 {
				t.Errorf("GET /uploads?status=deleted: got %d records, want both", len(deleted))
			}
		})
	}
}

// exists reports whether key is in the agreement's bucket.
func (a agreement) exists(t *testing.T, key string) bool {
	t.Helper()
	ok, err := a.bucket.Bucket.IsObjectExist(key)
	if err != nil {
		t.Fatalf("IsObjectExist(%s): %v", key, err)
	}
	return ok
}

// listStatus returns user's records of one status.
func listStatus(t *testing.T, a agreement, user, status string) []records.Record {
	t.Helper()
	var p struct{ Records []records.Record }
	w := serve(t, a.sign, a.ctx, http.MethodGet, "/uploads?status="+status, user, "")
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("GET /uploads?status=%s: %v", status, err)
	}
	return p.Records
}
