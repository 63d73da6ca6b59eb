package fcadapter

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/aliyun/fc-runtime-go-sdk/events"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
	"github.com/google/go-cmp/cmp"

	"github.com/ossgate/ossgate/function/internal/invocation"
)

func ptr[T any](v T) *T { return &v }

// seen is what the echo handler observed.
type seen struct {
	Method, Path, Query, Body, Auth, RequestID, RemoteAddr, AccessKeyID string
}

func echo(t *testing.T) (http.Handler, *seen) {
	var s seen
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read body: %v", err)
		}
		info := invocation.FromContext(r.Context())
		s = seen{r.Method, r.URL.Path, r.URL.RawQuery, string(b), r.Header.Get("Authorization"),
			info.RequestID, r.RemoteAddr, info.Credentials.AccessKeyID}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("Vary", "Origin")
		w.Header().Add("Vary", "Accept")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}), &s
}

func TestWrap(t *testing.T) {
	body := `{"profile":"avatar"}`
	tests := []struct {
		name string
		ev   events.HTTPTriggerEvent
		want seen
	}{
		{"zero event", events.HTTPTriggerEvent{}, seen{Method: "GET", Path: "/"}},
		{"plain body", events.HTTPTriggerEvent{
			RawPath: ptr("/sign"), Body: ptr(body), IsBase64Encoded: ptr(false),
			Headers:         &map[string]string{"Authorization": "Bearer x"},
			QueryParameters: &map[string]string{"limit": "5", "cursor": "a b"},
			TriggerContext:  events.HTTPTriggerRequestContext{RequestId: ptr("req-1")},
		}, seen{Method: "GET", Path: "/sign", Query: "cursor=a+b&limit=5", Body: body, Auth: "Bearer x", RequestID: "req-1"}},
		{"base64 body", func() events.HTTPTriggerEvent {
			ev := events.HTTPTriggerEvent{Body: ptr(base64.StdEncoding.EncodeToString([]byte(body))), IsBase64Encoded: ptr(true)}
			ev.TriggerContext.Http.Method = ptr("POST")
			ev.TriggerContext.Http.Path = ptr("/sign")
			ev.TriggerContext.Http.SourceIp = ptr("1.2.3.4")
			return ev
		}(), seen{Method: "POST", Path: "/sign", Body: body, RemoteAddr: "1.2.3.4"}},
		{"escaped path", events.HTTPTriggerEvent{RawPath: ptr("/a%20b")}, seen{Method: "GET", Path: "/a b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, got := echo(t)
			res, err := Wrap(h)(t.Context(), tt.ev)
			if err != nil {
				t.Fatalf("Wrap: %v", err)
			}
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
			want := &events.HTTPTriggerResponse{StatusCode: 201, Body: `{"ok":true}`,
				Headers: map[string]string{"Content-Type": "application/json", "Vary": "Origin, Accept"}}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWrapCredentialsFromFC(t *testing.T) {
	h, got := echo(t)
	ctx := fccontext.NewContext(context.Background(), &fccontext.FcContext{
		RequestID:   "r",
		Credentials: fccontext.Credentials{AccessKeyId: "STS.test", AccessKeySecret: "s", SecurityToken: "tok"},
	})
	if _, err := Wrap(h)(ctx, events.HTTPTriggerEvent{}); err != nil {
		t.Fatal(err)
	}
	if got.AccessKeyID != "STS.test" || got.RequestID != "r" {
		t.Errorf("AccessKeyID in request context, request id: got %q, %q; want STS.test, r", got.AccessKeyID, got.RequestID)
	}
}

func TestWrapIgnoresRequestIDHeader(t *testing.T) {
	h, got := echo(t)
	ev := events.HTTPTriggerEvent{Headers: &map[string]string{"X-Fc-Request-Id": "forged"}}
	if _, err := Wrap(h)(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	if got.RequestID != "" {
		t.Errorf("request id: got %q from a client header, want none", got.RequestID)
	}
}

func TestWrapEvent(t *testing.T) {
	ctx := fccontext.NewContext(context.Background(), &fccontext.FcContext{
		RequestID:   "r2",
		Credentials: fccontext.Credentials{AccessKeyId: "STS.test", AccessKeySecret: "s", SecurityToken: "tok"},
	})
	var got invocation.Info
	err := WrapEvent(func(ctx context.Context, payload json.RawMessage) error {
		got = invocation.FromContext(ctx)
		return nil
	})(ctx, json.RawMessage(`{}`))
	want := invocation.Info{RequestID: "r2"}
	want.Credentials.AccessKeyID, want.Credentials.AccessKeySecret, want.Credentials.SecurityToken = "STS.test", "s", "tok"
	if err != nil || got != want {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
}

func TestWrapBadEvent(t *testing.T) {
	h, _ := echo(t)
	tests := map[string]events.HTTPTriggerEvent{
		"bad base64": {Body: ptr("%%%"), IsBase64Encoded: ptr(true)},
		"bad method": func() events.HTTPTriggerEvent {
			var ev events.HTTPTriggerEvent
			ev.TriggerContext.Http.Method = ptr("GE T")
			return ev
		}(),
	}
	for name, ev := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := Wrap(h)(t.Context(), ev)
			if err != nil || res.StatusCode != 400 || !json.Valid([]byte(res.Body)) {
				t.Errorf("got %+v, %v; want a 400 JSON response", res, err)
			}
		})
	}
}

func TestWrapBinaryBody(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte{0xff, 0x00}) })
	res, err := Wrap(h)(t.Context(), events.HTTPTriggerEvent{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsBase64Encoded || res.Body != "/wA=" || res.StatusCode != 200 {
		t.Errorf("got %+v, want base64 body /wA= and status 200", res)
	}
}
