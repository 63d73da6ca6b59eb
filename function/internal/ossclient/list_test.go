package ossclient

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPutGet writes a small JSON object and reads it back whole, within
// and beyond a size limit.
func TestPutGet(t *testing.T) {
	objs := Objects{Bucket: localMultipart(t).Bucket}
	ctx := context.Background()
	body := []byte(`{"a":1}`)
	if err := objs.Put(ctx, "records/x.json", "application/json", body); err != nil {
		t.Fatalf("Put: %v", err)
	}
	info, _, err := objs.Read(ctx, "records/x.json", "", 1)
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "application/json" {
		t.Errorf("Put: Content-Type %q, want application/json", info.ContentType)
	}
	tests := []struct {
		name    string
		key     string
		limit   int64
		want    string
		wantErr bool
	}{
		{name: "within the limit", key: "records/x.json", limit: int64(len(body)), want: string(body)},
		{name: "beyond the limit", key: "records/x.json", limit: int64(len(body)) - 1, wantErr: true},
		{name: "missing", key: "records/none.json", limit: 100, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := objs.Get(ctx, tt.key, tt.limit)
			if (err != nil) != tt.wantErr || string(got) != tt.want {
				t.Errorf("Get(%s, %d): got %q, %v; want %q, error %t", tt.key, tt.limit, got, err, tt.want, tt.wantErr)
			}
		})
	}
	if _, err := objs.Get(ctx, "records/none.json", 100); !IsNotFound(err) {
		t.Errorf("Get of a missing key: got %v, want not found", err)
	}
}

// TestListPastOnePage: a listing goes on past 1,000 keys through the
// continuation token, starts after startAfter, keeps to the prefix and
// stops when visit says so.
func TestListPastOnePage(t *testing.T) {
	objs := Objects{Bucket: localMultipart(t).Bucket}
	ctx := context.Background()
	var keys []string
	for i := range 1003 {
		keys = append(keys, fmt.Sprintf("l/k%04d", i))
	}
	all := append(slices.Clone(keys), "other/k", "l")
	errs := make(chan error, len(all))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, key := range all {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs <- objs.Put(ctx, key, "text/plain", []byte(key))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	list := func(startAfter string, pages int) ([]string, int) {
		t.Helper()
		var got []string
		n := 0
		err := objs.List(ctx, "l/", startAfter, func(page []Listed) bool {
			n++
			for _, o := range page {
				if o.Size != int64(len(o.Key)) || o.ETag == "" || o.LastModified.IsZero() {
					t.Errorf("listed %+v: want its size, ETag and time", o)
				}
				got = append(got, o.Key)
			}
			return n < pages
		})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		return got, n
	}
	got, pages := list("", 10)
	if d := cmp.Diff(keys, got); d != "" || pages != 2 {
		t.Errorf("List: %d pages, want 2; keys (-want +got):\n%s", pages, d)
	}
	got, _ = list("l/k0999", 10)
	if d := cmp.Diff(keys[1000:], got); d != "" {
		t.Errorf("List after l/k0999 (-want +got):\n%s", d)
	}
	got, pages = list("", 1)
	if len(got) != 1000 || pages != 1 {
		t.Errorf("List whose visit stops: got %d keys in %d pages, want 1000 in 1", len(got), pages)
	}
}
