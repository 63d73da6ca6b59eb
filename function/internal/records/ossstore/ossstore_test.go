package ossstore_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/config"
	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/function/internal/ossclient"
	"github.com/ossgate/ossgate/function/internal/record"
	"github.com/ossgate/ossgate/function/internal/records"
	"github.com/ossgate/ossgate/function/internal/records/ossstore"
	"github.com/ossgate/ossgate/function/internal/records/storetest"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/signer"
)

const bucket = "testbucket"

var keys = ossstore.Keys{Prefix: "records"}

// fake are STS-style credentials the local OSS endpoint accepts.
var fake = signer.Credentials{AccessKeyID: "STS.fake-store-test", AccessKeySecret: "fake-store-secret", SecurityToken: "fake-store-token"}

// ctx carries the fake invocation credentials, as the FC adapter puts them.
func ctx(t *testing.T) context.Context {
	return invocation.NewContext(t.Context(), invocation.Info{Credentials: fake})
}

// newStore returns a store over a fresh local OSS endpoint, reached through
// the SDK as the functions reach OSS, and the endpoint's fault injector.
func newStore(t *testing.T) (records.Store, *testutil.Faults) {
	t.Helper()
	l := testutil.StartLocalOSS(t, bucket, ossemu.Credential{AccessKeyID: fake.AccessKeyID, AccessKeySecret: fake.AccessKeySecret, SecurityToken: fake.SecurityToken})
	b, err := ossclient.FromConfig(config.OSS{Bucket: bucket, Region: "cn-hangzhou", InternalEndpoint: l.URL}, nil).Bucket(ctx(t))
	if err != nil {
		t.Fatalf("ossclient: %v", err)
	}
	return ossstore.New(b, keys.Prefix), l.Faults
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) records.Store {
		s, _ := newStore(t)
		return s
	})
}

func TestTransientErrors(t *testing.T) {
	s, faults := newStore(t)
	r := storetest.Sample("alice", 1)
	key := keys.Record(r.Uploader, r.ID)
	faults.FailNext(http.MethodPut, "/"+bucket+"/"+key, 1)
	if err := s.Put(ctx(t), r); !record.Transient(err) {
		t.Fatalf("Put with a 503: got %v, want a transient error", err)
	}
	if _, err := s.Get(ctx(t), "alice", r.ID); !errors.Is(err, records.ErrNotFound) {
		t.Errorf("Get after a failed Put: got %v, want ErrNotFound", err)
	}
	if err := s.Put(ctx(t), r); err != nil {
		t.Fatalf("Put retried: %v", err)
	}
	got, err := s.Get(ctx(t), "alice", r.ID)
	if err != nil {
		t.Fatalf("Get after the retried Put: %v", err)
	}
	if d := cmp.Diff(r, got); d != "" {
		t.Errorf("Get after the retried Put (-want +got):\n%s", d)
	}
	if err := s.Put(ctx(t), storetest.Sample("alice", 2)); err != nil {
		t.Fatal(err)
	}
	faults.FailNext(http.MethodGet, "/"+bucket+"/"+keys.Record("alice", storetest.Sample("alice", 2).ID), 1)
	if _, err := s.List(ctx(t), "alice", records.Query{Limit: 10}); !record.Transient(err) {
		t.Errorf("List with a 503 GET: got %v, want a transient error", err)
	}
}

func TestListLimitAboveOSSMaximum(t *testing.T) {
	s, _ := newStore(t)
	if err := s.Put(ctx(t), storetest.Sample("alice", 1)); err != nil {
		t.Fatal(err)
	}
	p, err := s.List(ctx(t), "alice", records.Query{Limit: 5000})
	if err != nil {
		t.Fatalf("List(limit 5000): %v", err)
	}
	if len(p.Records) != 1 {
		t.Errorf("List(limit 5000): got %d records, want 1", len(p.Records))
	}
	if _, err := s.List(ctx(t), "alice", records.Query{}); err == nil {
		t.Error("List(limit 0): got nil error, want one")
	}
}

// TestRequestCounts counts, at the local OSS endpoint, what each call
// costs: a Put is one request; a page is two (the listing and the newest
// generation) once the records are folded, whatever its size; the first
// page after new records reads each once and folds them.
func TestRequestCounts(t *testing.T) {
	l := testutil.StartLocalOSS(t, bucket, ossemu.Credential{AccessKeyID: fake.AccessKeyID, AccessKeySecret: fake.AccessKeySecret, SecurityToken: fake.SecurityToken})
	b, err := ossclient.FromConfig(config.OSS{Bucket: bucket, Region: "cn-hangzhou", InternalEndpoint: l.URL}, nil).Bucket(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	s := ossstore.New(b, keys.Prefix)
	count := func(what string, want ossemu.Requests, f func()) {
		t.Helper()
		before := l.Server.Requests()
		f()
		if got := l.Server.Requests().Sub(before); !cmp.Equal(want, got) {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}
	const n = 30
	for i := range n {
		count("Put", ossemu.Requests{"PutObject": 1}, func() {
			if err := s.Put(ctx(t), storetest.Sample("alice", i)); err != nil {
				t.Fatal(err)
			}
		})
	}
	list := func(q records.Query) records.Page {
		p, err := s.List(ctx(t), "alice", q)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	count("first page after 30 records", ossemu.Requests{"ListObjects": 1, "GetObject": n, "PutObject": 1, "DeleteMultipleObjects": 1}, func() { list(records.Query{Limit: 20}) })
	var p records.Page
	count("page of 20", ossemu.Requests{"ListObjects": 1, "GetObject": 1}, func() { p = list(records.Query{Limit: 20}) })
	count("next page", ossemu.Requests{"ListObjects": 1, "GetObject": 1}, func() { list(records.Query{Limit: 20, Cursor: p.Next}) })
	count("page of 100, filtered", ossemu.Requests{"ListObjects": 1, "GetObject": 1}, func() { list(records.Query{Limit: 100, Profile: "avatar"}) })
	count("Get", ossemu.Requests{"ListObjects": 1, "GetObject": 1}, func() {
		if _, err := s.Get(ctx(t), "alice", storetest.Sample("alice", 3).ID); err != nil {
			t.Fatal(err)
		}
	})
	count("Put of a folded record again", ossemu.Requests{"PutObject": 1}, func() {
		if err := s.Put(ctx(t), storetest.Sample("alice", 3)); err != nil {
			t.Fatal(err)
		}
	})
	if got := len(list(records.Query{Limit: 100}).Records); got != n {
		t.Errorf("after a duplicate Put of a folded record: got %d records, want %d", got, n)
	}
}
