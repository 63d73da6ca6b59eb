package upload_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/sign"
	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
)

// signOpener serves the sign handler one record store and the bucket's
// OSS calls.
type signOpener struct {
	store records.Store
	oss   ossclient.Opener
}

func (o signOpener) Store(context.Context) (records.Store, error) { return o.store, nil }

func (o signOpener) OSS(ctx context.Context) (sign.OSS, error) {
	b, err := o.oss.Bucket(ctx)
	return signOSS{Multipart: ossclient.Multipart{Bucket: b}, objs: ossclient.Objects{Bucket: b}}, err
}

// signOSS makes the multipart calls and deletes objects for DELETE
// /uploads/{id}, through ossclient as the sign function's main does.
type signOSS struct {
	ossclient.Multipart
	objs ossclient.Objects
}

func (s signOSS) Delete(key string) error { return s.objs.Delete(context.Background(), key) }

// TestMultipartSignAndRecordAgree is TestSignAndRecordAgree for multipart
// uploads: for every user of agreeUsers, an upload the real sign handler
// initiates (metadata set by headers at initiation, not by a form) and
// completes is recorded by the real record handler for exactly that user,
// key and name.
func TestMultipartSignAndRecordAgree(t *testing.T) {
	a := startAgreement(t, "oss", `{"clip":{"types":["image/png"],"maxSize":1048576,"multipart":{"partSize":102400}}}`)
	sh, ctx := a.sign, a.ctx
	c := &http.Client{Timeout: 10 * time.Second}
	for i, user := range agreeUsers {
		name := fmt.Sprintf("clip %d ü.png", i)
		data := pngFile(i)
		body, _ := json.Marshal(map[string]any{"profile": "clip", "file": map[string]any{"name": name, "type": "image/png", "size": len(data)}})
		var created wire.CreateResponse
		if err := json.Unmarshal(serve(t, sh, ctx, http.MethodPost, "/uploads/multipart", user, string(body)).Body.Bytes(), &created); err != nil {
			t.Fatal(err)
		}
		u := created.Upload
		if err := testutil.PutParts(c, u.Parts, u.PartSize, data); err != nil {
			t.Fatalf("user %q: %v", user, err)
		}
		body, _ = json.Marshal(map[string]any{"key": u.Key, "uploadId": u.UploadID, "size": len(data)})
		serve(t, sh, ctx, http.MethodPost, "/uploads/multipart/complete", user, string(body))
		waitDelivered(t, a.oss, user)
		recs := listAs(t, sh, ctx, user)
		checkOneRecord(t, user, recs, u.Key, name)
	}
}

func waitDelivered(t *testing.T, oe *ossemu.Server, user string) {
	t.Helper()
	for range 1000 {
		if oe.PendingDeliveries() == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("user %q: the event was not delivered in 5 s", user)
}
