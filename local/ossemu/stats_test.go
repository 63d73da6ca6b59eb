package ossemu

import (
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOperation(t *testing.T) {
	tests := []struct{ method, target, key, copySrc, want string }{
		{"GET", "/b/k", "k", "", "GetObject"},
		{"HEAD", "/b/k", "k", "", "HeadObject"},
		{"PUT", "/b/k", "k", "", "PutObject"},
		{"PUT", "/b/k", "k", "/b/src", "CopyObject"},
		{"DELETE", "/b/k", "k", "", "DeleteObject"},
		{"GET", "/b/?list-type=2", "", "", "ListObjects"},
		{"POST", "/b/", "", "", "PostObject"},
		{"POST", "/b/?delete", "", "", "DeleteMultipleObjects"},
		{"PUT", "/b/k?tagging", "k", "", "PUTObjectTagging"},
		{"PUT", "/b/k?partNumber=1&uploadId=x", "k", "", "MultipartPUT"},
		{"OPTIONS", "/b/k", "k", "", "Other"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.target, nil)
		if tt.copySrc != "" {
			r.Header.Set("x-oss-copy-source", tt.copySrc)
		}
		if got := operation(r, tt.key); got != tt.want {
			t.Errorf("%s %s: got %q, want %q", tt.method, tt.target, got, tt.want)
		}
	}
}

func TestRequestsSub(t *testing.T) {
	got := Requests{"GetObject": 5, "PutObject": 2, "ListObjects": 1}.Sub(Requests{"GetObject": 3, "PutObject": 2})
	if d := cmp.Diff(Requests{"GetObject": 2, "ListObjects": 1}, got); d != "" {
		t.Errorf("Sub (-want +got):\n%s", d)
	}
	if got.Total() != 3 || got.String() != "GetObject 2, ListObjects 1" {
		t.Errorf("Total %d, String %q", got.Total(), got.String())
	}
}
