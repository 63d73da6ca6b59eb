package record_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/ossstore"
	"github.com/ossgate/ossgate/local/ossemu"
)

// TestQuarantineCopyIsPrivate: in move mode the
// quarantined copy is written with x-oss-object-acl: private, so no bucket
// or prefix ACL makes it readable by anyone but the roles the bucket's
// policies allow.
func TestQuarantineCopyIsPrivate(t *testing.T) {
	srv, err := ossemu.New(ossemu.Config{DataDir: t.TempDir(), Region: "cn-hangzhou", Buckets: []string{bucket}})
	if err != nil {
		t.Fatal(err)
	}
	srv.AddCredential(ossemu.Credential{AccessKeyID: emuCreds.AccessKeyID, AccessKeySecret: emuCreds.AccessKeySecret, SecurityToken: emuCreds.SecurityToken})
	var mu sync.Mutex
	acl := map[string]string{} // path of each copy → its x-oss-object-acl
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.Header.Get("x-oss-copy-source") != "" {
			mu.Lock()
			acl[r.URL.Path] = r.Header.Get("x-oss-object-acl")
			mu.Unlock()
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { hs.Close(); _ = srv.Close() })
	opener := ossclient.FromConfig(config.OSS{Bucket: bucket, Region: "cn-hangzhou", InternalEndpoint: hs.URL}, nil)
	ctx := invocation.NewContext(t.Context(), invocation.Info{RequestID: "req-acl", Credentials: emuCreds})
	b, err := opener.Bucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h, err := record.NewHandler(testConfig(t, "move"), record.Options{
		Open: func(ctx context.Context) (record.Objects, records.Store, error) {
			objs, err := opener.Objects(ctx)
			return record.OSSObjects{Objects: objs}, ossstore.New(objs.Bucket, layout.Records), err
		},
		Now: func() time.Time { return time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	bad := sdkUpload(t, b, key("t.png"), "image/png", textBytes())
	if err := h.Handle(ctx, payload(t, bad)); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	q := "/" + bucket + "/" + layout.QuarantineKey(bad.key)
	if got, ok := acl[q]; !ok || got != string(oss.ACLPrivate) {
		t.Errorf("copy to %s: x-oss-object-acl %q (copied: %v), want private; copies: %v", q, got, ok, acl)
	}
}

// TestTaggedQuarantineIsNotReread: in tag mode, with the bucket policy of
// deploy/ram that denies reading objects tagged quarantined (to everyone,
// the record role included), a duplicate delivery of a quarantined upload's
// event is refused its read (403 AccessDenied) and acknowledged as a
// duplicate, since the record is there: not retried until FC gives up.
func TestTaggedQuarantineIsNotReread(t *testing.T) {
	e := newEnv(t, "tag")
	e.objs.denyTagged = true
	ev := e.upload(key("t.png"), "image/png", textBytes())
	for i := range 2 {
		if err := e.handle(t, ev); err != nil {
			t.Fatalf("delivery %d: %v", i+1, err)
		}
	}
	if n := e.store.Len(); n != 1 {
		t.Errorf("got %d records, want 1", n)
	}
	if !strings.Contains(e.logs.String(), `"status":"duplicate"`) {
		t.Errorf("logs %s: want a duplicate", e.logs)
	}
}

// TestTagPolicyNamesTheTag checks that the tag-mode bucket policy shipped in
// deploy/ram denies reads by exactly the tag this package sets.
func TestTagPolicyNamesTheTag(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "ram", "quarantine-tag-bucket-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Statement []struct {
			Condition map[string]map[string][]string
		}
	}
	if err := json.Unmarshal(doc, &p); err != nil {
		t.Fatal(err)
	}
	want := []string{records.StatusQuarantined}
	if len(p.Statement) != 1 || !slices.Equal(p.Statement[0].Condition["StringEquals"]["oss:ExistingObjectTag/"+record.TagStatus], want) {
		t.Errorf("policy %s: want one statement conditioned on oss:ExistingObjectTag/%s = %v", doc, record.TagStatus, want)
	}
}
