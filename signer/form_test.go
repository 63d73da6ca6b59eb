package signer

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestConditionMarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		c    Condition
		want string
	}{
		{"eq", Eq("key", "a<b>&c"), `["eq","$key","a<b>&c"]`},
		{"eq escapes", Eq("x-oss-meta-q", "\"\\\u2028"), `["eq","$x-oss-meta-q","\"\\\u2028"]`},
		{"starts-with", StartsWith("key", "上传/"), `["starts-with","$key","上传/"]`},
		{"range", ContentLengthRange(0, 5368709120), `["content-length-range",0,5368709120]`},
		{"in", In("Content-Type", "image/png"), `["in","$Content-Type",["image/png"]]`},
		{"bucket", Bucket("ossgate-test"), `{"bucket":"ossgate-test"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.MarshalJSON()
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := json.Marshal(Condition{}); err == nil {
		t.Error("zero Condition: got no error, want ErrCondition")
	}
}

func TestFormJSONRoundTrip(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	form, err := Sign(Credentials{AccessKeyID: "a", AccessKeySecret: "s", SecurityToken: "t"}, Policy{
		Expiration: at.Add(time.Minute),
		Conditions: []Condition{Eq("key", "a<&>.png"), Eq("x-oss-meta-n", "张三")},
	}, "cn-beijing", at)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	b, err := json.Marshal(form)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var obj map[string]string
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatalf("not a JSON object of strings: %v: %s", err, b)
	}
	if got, want := len(obj), form.Len(); got != want {
		t.Errorf("got %d members, want %d", got, want)
	}
	var back Form
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if diff := cmp.Diff(form.Fields(), back.Fields()); diff != "" {
		t.Errorf("fields after round trip (-want +got):\n%s", diff)
	}
	if back.Policy() != form.Policy() || back.Signature() != form.Signature() {
		t.Errorf("got policy/signature %q/%q, want %q/%q", back.Policy(), back.Signature(), form.Policy(), form.Signature())
	}
	if got := form.Get("x-oss-meta-n"); got != "张三" {
		t.Errorf("Get: got %q, want 张三", got)
	}
	if got := form.Get("absent"); got != "" {
		t.Errorf("Get(absent): got %q, want empty", got)
	}
	var n int
	for range form.All() {
		n++
		break
	}
	if n != 1 {
		t.Errorf("All did not stop when asked")
	}
	if err := json.Unmarshal([]byte(`["x"]`), &back); err == nil {
		t.Error("Unmarshal of an array: got no error")
	}
}
