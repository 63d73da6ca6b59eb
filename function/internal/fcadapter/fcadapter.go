// Package fcadapter is the one place that knows the Function Compute
// runtime: it runs a plain http.Handler as an FC 3.0 HTTP trigger handler
// (an events.HTTPTriggerEvent becomes an *http.Request, the handler's
// response an events.HTTPTriggerResponse) and an event handler as an FC
// event handler. Both get the invocation's request id and credentials in
// their context (package invocation), read once from the FC context.
package fcadapter

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aliyun/fc-runtime-go-sdk/events"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"

	"github.com/ossgate/ossgate/function/internal/invocation"
	"github.com/ossgate/ossgate/signer"
)

// Handler is the FC handler signature fc.Start accepts for HTTP triggers.
type Handler func(ctx context.Context, ev events.HTTPTriggerEvent) (*events.HTTPTriggerResponse, error)

// EventHandler is the FC handler signature of an event trigger (OSS).
type EventHandler func(ctx context.Context, payload json.RawMessage) error

// Wrap returns an FC handler serving h. It never returns an error: a
// malformed event becomes a 400 response. Nil pointer fields of the event are
// treated as absent. The request's context carries the invocation's Info;
// its request id is the event's, else the runtime context's.
func Wrap(h http.Handler) Handler {
	return func(ctx context.Context, ev events.HTTPTriggerEvent) (*events.HTTPTriggerResponse, error) {
		info := fromFC(ctx)
		if id := str(ev.TriggerContext.RequestId); id != "" {
			info.RequestID = id
		}
		req, err := NewRequest(invocation.NewContext(ctx, info), ev)
		if err != nil {
			return &events.HTTPTriggerResponse{StatusCode: http.StatusBadRequest,
				Headers: map[string]string{"Content-Type": "application/json"},
				Body:    `{"error":{"code":"BadRequest","message":"malformed HTTP trigger event"}}`}, nil
		}
		w := newRecorder()
		h.ServeHTTP(w, req)
		return w.response(), nil
	}
}

// WrapEvent returns an FC event handler calling h with the invocation's
// Info in its context.
func WrapEvent(h EventHandler) EventHandler {
	return func(ctx context.Context, payload json.RawMessage) error {
		return h(invocation.NewContext(ctx, fromFC(ctx)), payload)
	}
}

// fromFC reads the invocation's request id and credentials from the FC
// runtime context, once per invocation: fccontext.FromContext writes to the
// context it reads, so handlers never call it.
func fromFC(ctx context.Context) invocation.Info {
	fctx, ok := fccontext.FromContext(ctx)
	if !ok || fctx == nil {
		return invocation.Info{}
	}
	info := invocation.Info{RequestID: fctx.RequestID}
	if c := fctx.Credentials; c.AccessKeyId != "" {
		info.Credentials = signer.Credentials{AccessKeyID: c.AccessKeyId, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}
	}
	return info
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// NewRequest builds the request ev describes, with ctx as its context.
func NewRequest(ctx context.Context, ev events.HTTPTriggerEvent) (*http.Request, error) {
	hc := ev.TriggerContext.Http
	method := str(hc.Method)
	if method == "" {
		method = http.MethodGet
	}
	path := str(ev.RawPath)
	if path == "" {
		path = str(hc.Path)
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	body := []byte(str(ev.Body))
	if ev.IsBase64Encoded != nil && *ev.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(str(ev.Body))
		if err != nil {
			return nil, fmt.Errorf("fcadapter: body: %w", err)
		}
		body = b
	}
	u, err := url.Parse(path) // rawPath is as sent: keep its escaping
	if err != nil {
		u = &url.URL{Path: path}
	}
	if ev.QueryParameters != nil {
		q := url.Values{}
		for k, v := range *ev.QueryParameters {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("fcadapter: %w", err)
	}
	if ev.Headers != nil {
		for k, v := range *ev.Headers {
			req.Header.Set(k, v)
		}
	}
	req.Host = req.Header.Get("Host")
	if req.Host == "" {
		req.Host = str(ev.TriggerContext.DomainName)
	}
	req.RemoteAddr = str(hc.SourceIp)
	if ua := str(hc.UserAgent); ua != "" && req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", ua)
	}
	return req, nil
}

// recorder is the http.ResponseWriter the handler writes to.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

// response converts what was recorded; several values of one header are
// joined with ", ", and a body that is not valid UTF-8 is sent base64.
func (r *recorder) response() *events.HTTPTriggerResponse {
	r.WriteHeader(http.StatusOK)
	headers := make(map[string]string, len(r.header))
	for k, v := range r.header {
		headers[k] = strings.Join(v, ", ")
	}
	res := &events.HTTPTriggerResponse{StatusCode: r.status, Headers: headers}
	if b := r.body.Bytes(); utf8.Valid(b) {
		res.Body = string(b)
	} else {
		res.Body = base64.StdEncoding.EncodeToString(b)
		res.IsBase64Encoded = true
	}
	return res
}
