// Command fn is the test function the fcemu tests run through the emulator.
// Its behaviour is chosen by the payload: an HTTP trigger event (rawPath
// decides) or an event {"op": ...}.
//
//	echo   HTTP: status from ?status=, body and X-* headers echoed, query as X-Query-*
//	ctx    the invocation context as JSON (request id, credentials, deadline...)
//	sleep  sleeps ?ms= / "ms" milliseconds
//	panic  panics; exit: os.Exit(3); error: returns an error
//	bad    HTTP: returns a result that is not an HTTP trigger response
//	record appends {"seq","retry","pid"} to the file "file"; fails while
//	       retry < "failUntil"
//	attempt appends {"retry","requestId","atMs"} to "file" on every
//	       invocation; fails while retry < "failUntil"
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
)

type input struct {
	// HTTP trigger event fields.
	RawPath         *string           `json:"rawPath"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	Headers         map[string]string `json:"headers"`
	QueryParameters map[string]string `json:"queryParameters"`
	RequestContext  json.RawMessage   `json:"requestContext"`
	// Event fields.
	Op        string `json:"op"`
	Ms        int    `json:"ms"`
	Seq       int    `json:"seq"`
	File      string `json:"file"`
	FailUntil int    `json:"failUntil"`
}

// inflight counts the invocations this process runs at once (the emulator
// must keep it at 1).
var inflight atomic.Int32

func main() {
	fc.Start(handle)
}

func handle(ctx context.Context, in input) (any, error) {
	op, ms := in.Op, in.Ms
	if in.RawPath != nil {
		op = strings.TrimPrefix(*in.RawPath, "/")
		ms, _ = strconv.Atoi(in.QueryParameters["ms"])
	}
	switch op {
	case "echo":
		return echo(in)
	case "ctx":
		return wrap(in, contextInfo(ctx))
	case "sleep":
		n := inflight.Add(1)
		defer inflight.Add(-1)
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return wrap(in, map[string]int{"slept": ms, "pid": os.Getpid(), "concurrent": int(n)})
	case "panic":
		panic("test panic")
	case "exit":
		os.Exit(3)
	case "error":
		return nil, errors.New("test error")
	case "bad":
		return "not an http response", nil
	case "record":
		return record(ctx, in)
	case "attempt":
		return attempt(ctx, in)
	}
	return nil, fmt.Errorf("unknown op %q", op)
}

// wrap returns v as an HTTP trigger response for HTTP events, else v.
func wrap(in input, v any) (any, error) {
	if in.RawPath == nil {
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return map[string]any{"statusCode": 200, "headers": map[string]string{"Content-Type": "application/json"}, "body": string(b)}, nil
}

func echo(in input) (any, error) {
	body := in.Body
	if !in.IsBase64Encoded {
		body = base64.StdEncoding.EncodeToString([]byte(in.Body))
	}
	status, _ := strconv.Atoi(in.QueryParameters["status"])
	if status == 0 {
		status = 200
	}
	h := map[string]string{"Content-Type": in.Headers["Content-Type"]}
	for k, v := range in.Headers {
		if strings.HasPrefix(k, "X-") {
			h[k] = v
		}
	}
	for k, v := range in.QueryParameters {
		h["X-Query-"+k] = v
	}
	h["X-Request-Context"] = string(in.RequestContext)
	return map[string]any{"statusCode": status, "headers": h, "isBase64Encoded": true, "body": body}, nil
}

func contextInfo(ctx context.Context) map[string]any {
	fctx, _ := fccontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	return map[string]any{
		"requestId":   fctx.RequestID,
		"accessKeyId": fctx.Credentials.AccessKeyId,
		"secret":      fctx.Credentials.AccessKeySecret,
		"token":       fctx.Credentials.SecurityToken,
		"region":      fctx.Region,
		"accountId":   fctx.AccountId,
		"retryCount":  fctx.RetryCount,
		"function":    fctx.Function,
		"qualifier":   fctx.Service.Qualifier,
		"deadlineMs":  deadline.UnixMilli(),
		"env":         os.Getenv("FN_TEST_ENV"),
		"fcName":      os.Getenv("FC_FUNCTION_NAME"),
		"pid":         os.Getpid(),
	}
}

func record(ctx context.Context, in input) (any, error) {
	fctx, _ := fccontext.FromContext(ctx)
	if fctx.RetryCount < in.FailUntil {
		return nil, fmt.Errorf("failing until retry %d", in.FailUntil)
	}
	line, _ := json.Marshal(map[string]int{"seq": in.Seq, "retry": fctx.RetryCount, "pid": os.Getpid()})
	f, err := os.OpenFile(in.File, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		return nil, err
	}
	return map[string]int{"seq": in.Seq}, nil
}

func attempt(ctx context.Context, in input) (any, error) {
	fctx, _ := fccontext.FromContext(ctx)
	line, _ := json.Marshal(map[string]any{"retry": fctx.RetryCount, "requestId": fctx.RequestID, "atMs": time.Now().UnixMilli()})
	f, err := os.OpenFile(in.File, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		return nil, err
	}
	if fctx.RetryCount < in.FailUntil {
		return nil, fmt.Errorf("failing until retry %d", in.FailUntil)
	}
	return map[string]int{"retry": fctx.RetryCount}, nil
}
