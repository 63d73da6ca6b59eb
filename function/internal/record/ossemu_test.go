package record_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/record/storetest"
	"github.com/ossgate/ossgate/local/ossemu"
)

// emu is a local OSS endpoint reached through the real SDK, with an
// optional fault-injecting middleware in front.
type emu struct {
	srv    *ossemu.Server
	url    string
	faults *faults
}

// fake STS credentials the emulator accepts.
var emuCreds = creds.Credentials{AccessKeyID: "STS.fake-record-test", AccessKeySecret: "fake-record-secret", SecurityToken: "fake-record-token"}

func newEmu(t *testing.T) *emu {
	t.Helper()
	srv, err := ossemu.New(ossemu.Config{DataDir: t.TempDir(), Region: "cn-hangzhou", Buckets: []string{bucket}})
	if err != nil {
		t.Fatalf("ossemu.New: %v", err)
	}
	srv.AddCredential(ossemu.Credential{AccessKeyID: emuCreds.AccessKeyID, AccessKeySecret: emuCreds.AccessKeySecret, SecurityToken: emuCreds.SecurityToken})
	e := &emu{srv: srv, faults: &faults{fail: map[string]int{}}}
	hs := httptest.NewServer(e.faults.wrap(srv))
	t.Cleanup(func() { hs.Close(); _ = srv.Close() })
	e.url = hs.URL
	return e
}

// ctx carries the fake invocation credentials.
func (e *emu) ctx(t *testing.T) context.Context {
	return creds.NewContext(t.Context(), emuCreds)
}

// bucket returns an SDK bucket as the record function builds it.
func (e *emu) bucket(t *testing.T) *oss.Bucket {
	t.Helper()
	b, err := ossclient.Bucket(e.ctx(t), ossclient.Config{Endpoint: e.url, Region: "cn-hangzhou"}, bucket)
	if err != nil {
		t.Fatalf("ossclient.Bucket: %v", err)
	}
	return b
}

// faults answers 503 to the next n requests of a method on a path.
type faults struct {
	mu   sync.Mutex
	fail map[string]int // "HEAD /bucket/key" → remaining failures
}

func (f *faults) failNext(method, path string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method+" "+path] += n
}

func (f *faults) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		k := r.Method + " " + r.URL.Path
		n := f.fail[k]
		if n > 0 {
			f.fail[k] = n - 1
		}
		f.mu.Unlock()
		if n > 0 {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>injected</Message></Error>`))
			return
		}
		h.ServeHTTP(w, r)
	})
}

func TestOSSStoreConformance(t *testing.T) {
	storetest.RunStoreConformance(t, func(t *testing.T) record.Store {
		return record.NewOSSStore(newEmu(t).bucket(t), "records")
	})
}

func TestOSSStoreTransientErrors(t *testing.T) {
	e := newEmu(t)
	s := record.NewOSSStore(e.bucket(t), "records/")
	r := storetest.Sample("alice", 1)
	l := record.Layout{Prefix: "records"}
	e.faults.failNext(http.MethodPut, "/"+bucket+"/"+l.RecordKey(r), 1)
	if err := s.Put(e.ctx(t), r); !record.Transient(err) {
		t.Fatalf("Put with a 503: got %v, want a transient error", err)
	}
	// Cut off between the claim and the record: nothing is visible yet.
	if _, err := s.Get(e.ctx(t), r.ID); !errors.Is(err, record.ErrNotFound) {
		t.Errorf("Get after a half-done Put: got %v, want ErrNotFound", err)
	}
	if p, err := s.List(e.ctx(t), "alice", "", 10); err != nil || len(p.Records) != 0 {
		t.Errorf("List after a half-done Put: got %d records, %v; want none", len(p.Records), err)
	}
	if err := s.Put(e.ctx(t), r); err != nil {
		t.Fatalf("Put retried: %v", err)
	}
	if got, err := s.Get(e.ctx(t), r.ID); err != nil || got.ID != r.ID {
		t.Errorf("Get after the retried Put: got %+v, %v; want the record", got, err)
	}
	e.faults.failNext(http.MethodGet, "/"+bucket+"/"+l.RecordKey(r), 1)
	if _, err := s.List(e.ctx(t), "alice", "", 10); !record.Transient(err) {
		t.Errorf("List with a 503 GET: got %v, want a transient error", err)
	}
}

func TestOSSStoreListLimitAboveOSSMaximum(t *testing.T) {
	e := newEmu(t)
	s := record.NewOSSStore(e.bucket(t), "records")
	if err := s.Put(e.ctx(t), storetest.Sample("alice", 1)); err != nil {
		t.Fatal(err)
	}
	p, err := s.List(e.ctx(t), "alice", "", 5000)
	if err != nil || len(p.Records) != 1 {
		t.Errorf("List(limit 5000): got %d records, %v; want 1, nil", len(p.Records), err)
	}
	if _, err := s.List(e.ctx(t), "alice", "", 0); err == nil {
		t.Error("List(limit 0): got nil error, want one")
	}
}
