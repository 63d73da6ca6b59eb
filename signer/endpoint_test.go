package signer

import (
	"errors"
	"strings"
	"testing"
)

func TestValidBucket(t *testing.T) {
	for name, want := range map[string]bool{
		"my-bucket": true, "abc": true, "a1-b2-c3": true, strings.Repeat("a", 63): true,
		"": false, "ab": false, strings.Repeat("a", 64): false, "My_Bucket": false, "-ab": false, "ab-": false, "a.b": false,
	} {
		if got := ValidBucket(name); got != want {
			t.Errorf("ValidBucket(%q): got %v, want %v", name, got, want)
		}
	}
}

func TestValidRegion(t *testing.T) {
	for id, want := range map[string]bool{
		"cn-hangzhou": true, "ap-southeast-1": true, "us-east-1": true, "rg-china-mainland": true, "cn-hangzhou-finance": true,
		"": false, "hangzhou": false, "oss-cn-hangzhou": false, "CN-Hangzhou": false, "cn_hangzhou": false,
		"cn-hangzhou-": false, "cn--hangzhou": false, "cn-a--b": false, "c-hangzhou": false, "1-2": false,
		"cn-" + strings.Repeat("a", 62): false,
	} {
		if got := ValidRegion(id); got != want {
			t.Errorf("ValidRegion(%q): got %v, want %v", id, got, want)
		}
	}
}

func TestParseEndpoint(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://oss-cn-hangzhou.aliyuncs.com", "https://oss-cn-hangzhou.aliyuncs.com"},
		{"oss-cn-hangzhou.aliyuncs.com", "https://oss-cn-hangzhou.aliyuncs.com"},
		{"http://127.0.0.1:9000/", "http://127.0.0.1:9000"},
		{"127.0.0.1:9000", "https://127.0.0.1:9000"},
		{"ftp://x", ""},
		{"https://x.com/a", ""},
		{"https://x.com/?a=1", ""},
		{"https://user@x.com", ""},
		{"https://", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseEndpoint(tt.in)
			if tt.want == "" {
				if !errors.Is(err, ErrEndpoint) {
					t.Errorf("got %q, %v; want an error wrapping ErrEndpoint", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestPathStyle(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"http://127.0.0.1:9000": true, "http://localhost:9000": true, "http://[::1]:9000": true,
		"https://oss-cn-hangzhou-internal.aliyuncs.com": false, "https://oss.example.com:8443": false,
	} {
		if got := PathStyle(endpoint); got != want {
			t.Errorf("PathStyle(%q): got %v, want %v", endpoint, got, want)
		}
	}
}

func TestBucketURL(t *testing.T) {
	tests := []struct{ endpoint, want string }{
		{"https://oss-cn-hangzhou.aliyuncs.com", "https://b1.oss-cn-hangzhou.aliyuncs.com"},
		{"http://localhost:9000", "http://localhost:9000/b1"},
		{"http://127.0.0.1:9000", "http://127.0.0.1:9000/b1"},
		{"http://[::1]:9000", "http://[::1]:9000/b1"},
		{"https://oss.example.com:8443", "https://b1.oss.example.com:8443"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			if got := BucketURL(tt.endpoint, "b1"); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
