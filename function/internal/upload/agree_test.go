package upload_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/auth"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/memstore"
	"github.com/ossgate/ossgate/function/internal/records/ossstore"
	"github.com/ossgate/ossgate/function/internal/sign"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/signer"
)

// asUser authenticates every caller as the user its Authorization header
// names ("User <id>"): the contract must hold for any id a token may carry,
// whatever auth accepts today.
type asUser struct{}

func (asUser) Authenticate(_ context.Context, header string) (auth.Identity, error) {
	return auth.Identity{User: strings.TrimPrefix(header, "User ")}, nil
}

// agreeUsers are ids that take every branch of both user segments.
var agreeUsers = []string{
	"alice", "bob@example.com", "A-Z.09_x", "anonymous", "a/b", "..", ".", "ü", "用户 1", "_ids", "~x",
	"a_2Fb", "a%2Fb", "a+b c", strings.Repeat("x", 64), strings.Repeat("x", 65), strings.Repeat("é", 100),
	strings.Repeat("u/", 100),
}

// TestSignAndRecordAgree uploads, for every user of agreeUsers, a file with
// the ticket the real sign handler hands out, to the local OSS endpoint
// whose trigger feeds the real record handler, and wants GET /uploads to
// list the record of exactly that key for exactly that user: sign's upload
// key and metadata, and record's reading of them and its record key, agree.
// It runs over the OSS store (where the record key layout matters) and the
// memory store.
func TestSignAndRecordAgree(t *testing.T) {
	for _, storeName := range []string{"oss", "memory"} {
		t.Run(storeName, func(t *testing.T) {
			a := startAgreement(t, storeName, "")
			sh, ctx, l := a.sign, a.ctx, a.oss
			for i, user := range agreeUsers {
				name := fmt.Sprintf("file %d ü.png", i)
				key := uploadAs(t, sh, l, ctx, user, name, pngFile(i))
				recs := listAs(t, sh, ctx, user)
				checkOneRecord(t, user, recs, key, name)
			}
		})
	}
}

// agreement is the real sign handler and the real record handler on one
// local OSS bucket, whose trigger feeds the record handler.
type agreement struct {
	sign   http.Handler
	oss    *ossemu.Server
	ctx    context.Context // carries the credentials both use
	bucket ossclient.Objects
	cfg    config.Config // the record function's
}

// startAgreement starts an agreement whose records go to the OSS store
// (storeName "oss") or a memory store, with profiles (JSON; "" for the
// built-in ones) and the default quarantine mode; the sign handler serves
// the multipart endpoints and deletes uploads too.
func startAgreement(t *testing.T, storeName, profiles string) agreement {
	t.Helper()
	return startAgreementIn(t, storeName, profiles, "")
}

// startAgreementIn is startAgreement with quarantine mode mode ("" for the
// default).
func startAgreementIn(t *testing.T, storeName, profiles, mode string) agreement {
	t.Helper()
	fake := signer.Credentials{AccessKeyID: "STS.fake-agree", AccessKeySecret: "fake-agree-secret", SecurityToken: "fake-agree-token"}
	const bucket = "agree-bucket"
	l := testutil.StartLocalOSS(t, bucket, ossemu.Credential{AccessKeyID: fake.AccessKeyID, AccessKeySecret: fake.AccessKeySecret, SecurityToken: fake.SecurityToken})
	env := map[string]string{config.VarBucket: bucket, config.VarRegion: "cn-hangzhou", config.VarEndpoint: l.URL,
		config.VarInternalEndpoint: l.URL, config.VarAllowAnonymous: "true", config.VarProfiles: profiles, config.VarQuarantineMode: mode}
	getenv := func(k string) string { return env[k] }
	signCfg, err := config.Load(config.Sign, getenv)
	if err != nil {
		t.Fatal(err)
	}
	recordCfg, err := config.Load(config.Record, getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := invocation.NewContext(t.Context(), invocation.Info{Credentials: fake})
	opener := ossclient.FromConfig(recordCfg.OSS, nil)
	b, err := opener.Bucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var store records.Store = memstore.New()
	if storeName == "oss" {
		store = ossstore.New(b, recordCfg.Prefixes.Records)
	}
	rh, err := record.NewHandler(recordCfg, record.Options{
		Open: func(context.Context) (record.Objects, records.Store, error) {
			return record.OSSObjects{Objects: ossclient.Objects{Bucket: b}}, store, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	l.Server.AddTrigger(bucket, ossemu.Trigger{Prefix: recordCfg.Prefixes.Upload + "/", Events: []string{"ObjectCreated:*"},
		Deliver: func(_ context.Context, event []byte) error { return rh.Handle(ctx, event) }})
	sh, err := sign.New(sign.Options{Config: signCfg, Auth: asUser{}, Open: signOpener{store: store, oss: opener}})
	if err != nil {
		t.Fatal(err)
	}
	return agreement{sign: sh, oss: l.Server, ctx: ctx, bucket: ossclient.Objects{Bucket: b}, cfg: recordCfg}
}

// checkOneRecord checks that recs, user's GET /uploads, is one ok record
// of key by user, named name.
func checkOneRecord(t *testing.T, user string, recs []records.Record, key, name string) {
	t.Helper()
	type fields struct{ Key, Uploader, OriginalName, Status string }
	var got []fields
	for _, r := range recs {
		got = append(got, fields{r.Key, r.Uploader, r.OriginalName, r.Status})
	}
	if d := cmp.Diff([]fields{{key, user, name, records.StatusOK}}, got); d != "" {
		t.Errorf("user %q: GET /uploads (-want +got):\n%s", user, d)
	}
}

// pngFile is a PNG header (signature and the IHDR chunk of a 1×1 image)
// followed by bytes unique to i: content the record function accepts as
// image/png.
func pngFile(i int) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"), fmt.Sprintf("agree-%03d", i)...)
}

// serve sends one request to h with ctx and returns the answer.
func serve(t *testing.T, h http.Handler, ctx context.Context, method, path, user, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequestWithContext(ctx, method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "User "+user)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("%s %s as %q: got %d %s", method, path, user, w.Code, w.Body)
	}
	return w
}

// uploadAs asks sh for user's ticket for data, posts the form to the local
// OSS endpoint and waits until its event has been delivered; it returns the
// ticket's key.
func uploadAs(t *testing.T, sh http.Handler, oe *ossemu.Server, ctx context.Context, user, name string, data []byte) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"profile": "avatar", "files": []map[string]any{{"name": name, "type": "image/png", "size": len(data)}}})
	var res struct{ Uploads []testutil.Ticket }
	if err := json.Unmarshal(serve(t, sh, ctx, http.MethodPost, "/sign", user, string(body)).Body.Bytes(), &res); err != nil || len(res.Uploads) != 1 {
		t.Fatalf("POST /sign as %q: %v, %d tickets", user, err, len(res.Uploads))
	}
	tk := res.Uploads[0]
	if err := testutil.PostForm(&http.Client{Timeout: 10 * time.Second}, tk, "image/png", data); err != nil {
		t.Fatalf("user %q: %v", user, err)
	}
	for range 1000 {
		if oe.PendingDeliveries() == 0 {
			return tk.Key
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("user %q: the event of %s was not delivered in 5 s", user, tk.Key)
	return ""
}

// listAs returns what GET /uploads shows user.
func listAs(t *testing.T, sh http.Handler, ctx context.Context, user string) []records.Record {
	t.Helper()
	var p records.Page
	if err := json.Unmarshal(serve(t, sh, ctx, http.MethodGet, "/uploads", user, "").Body.Bytes(), &p); err != nil {
		t.Fatalf("GET /uploads as %q: %v", user, err)
	}
	return p.Records
}
