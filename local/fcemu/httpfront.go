package fcemu

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// HTTPEvent is the FC 3.0 HTTP trigger event (events.HTTPTriggerEvent).
type HTTPEvent struct {
	Version         string            `json:"version"`
	RawPath         string            `json:"rawPath"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	Headers         map[string]string `json:"headers"`
	QueryParameters map[string]string `json:"queryParameters"`
	RequestContext  HTTPContext       `json:"requestContext"`
}

// HTTPContext is the event's requestContext.
type HTTPContext struct {
	AccountID    string `json:"accountId"`
	DomainName   string `json:"domainName"`
	DomainPrefix string `json:"domainPrefix"`
	HTTP         struct {
		Method    string `json:"method"`
		Path      string `json:"path"`
		Protocol  string `json:"protocol"`
		SourceIP  string `json:"sourceIp"`
		UserAgent string `json:"userAgent"`
	} `json:"http"`
	RequestID string `json:"requestId"`
	Time      string `json:"time"`      // RFC 3339, UTC
	TimeEpoch string `json:"timeEpoch"` // epoch milliseconds
}

// HTTPResponse is the function's result for an HTTP trigger
// (events.HTTPTriggerResponse).
type HTTPResponse struct {
	StatusCode      int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	Body            string            `json:"body"`
}

// ServeHTTP is the function's HTTP trigger: it turns r into an HTTPEvent
// (body always base64 with isBase64Encoded true; multi-valued headers joined
// with ", "; the first value of each query parameter), invokes the function
// and writes its HTTPResponse. Failures are JSON {"error":{"code","message"}}:
// 413 RequestEntityTooLarge, 504 FunctionTimeout, 502 FunctionError /
// FunctionCrashed / InvalidFunctionResult, 429 ResourceThrottled,
// 503 ServiceUnavailable.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, e.cfg.MaxBodyBytes+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequest", "cannot read the request body")
		return
	}
	if int64(len(body)) > e.cfg.MaxBodyBytes {
		writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			fmt.Sprintf("request body larger than %d bytes", e.cfg.MaxBodyBytes))
		return
	}
	c := newCall(nil, 0)
	payload, err := json.Marshal(e.httpEvent(r, body, c.id))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "InternalError", "cannot encode the event")
		return
	}
	c.payload = payload
	w.Header().Set("X-Fc-Request-Id", c.id)
	res, err := e.run(r.Context(), c)
	if err != nil {
		e.log.Warn("fcemu: http invocation failed", "requestId", res.RequestID, "error", err.Error())
		status, code, msg := httpFailure(err)
		writeError(w, status, code, msg)
		return
	}
	if err := writeResult(w, res.Payload); err != nil {
		e.log.Warn("fcemu: malformed http result", "requestId", res.RequestID, "error", err.Error())
		writeError(w, http.StatusBadGateway, "InvalidFunctionResult", err.Error())
	}
}

func (e *Emulator) httpEvent(r *http.Request, body []byte, requestID string) HTTPEvent {
	now := e.cfg.Now().UTC()
	ev := HTTPEvent{
		Version:         "v1",
		RawPath:         r.URL.EscapedPath(),
		Body:            base64.StdEncoding.EncodeToString(body),
		IsBase64Encoded: true,
		Headers:         map[string]string{},
		QueryParameters: map[string]string{},
	}
	for k, vs := range r.Header {
		ev.Headers[http.CanonicalHeaderKey(k)] = strings.Join(vs, ", ")
	}
	if r.Host != "" {
		ev.Headers["Host"] = r.Host
	}
	for k, vs := range r.URL.Query() {
		ev.QueryParameters[k] = vs[0]
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if e.cfg.DomainName != "" {
		host = e.cfg.DomainName
	}
	rc := &ev.RequestContext
	rc.AccountID = e.cfg.AccountID
	rc.DomainName = host
	rc.DomainPrefix, _, _ = strings.Cut(host, ".")
	rc.HTTP.Method = r.Method
	rc.HTTP.Path = r.URL.Path
	rc.HTTP.Protocol = r.Proto
	rc.HTTP.SourceIP, _, _ = net.SplitHostPort(r.RemoteAddr)
	rc.HTTP.UserAgent = r.UserAgent()
	rc.RequestID = requestID
	rc.Time = now.Format(time.RFC3339)
	rc.TimeEpoch = strconv.FormatInt(now.UnixMilli(), 10)
	return ev
}

// writeResult decodes an HTTPResponse and writes it; a result that is not
// one (not an object, status outside 100..599, bad base64) is an error and
// nothing is written.
func writeResult(w http.ResponseWriter, payload []byte) error {
	var hr HTTPResponse
	if err := json.Unmarshal(payload, &hr); err != nil {
		return fmt.Errorf("fcemu: result is not an HTTP trigger response: %w", err)
	}
	if hr.StatusCode < 100 || hr.StatusCode > 599 {
		return fmt.Errorf("fcemu: result statusCode %d out of range", hr.StatusCode)
	}
	body := []byte(hr.Body)
	if hr.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(hr.Body)
		if err != nil {
			return fmt.Errorf("fcemu: result body is not base64: %w", err)
		}
		body = b
	}
	for k, v := range hr.Headers {
		if !hopByHop(k) {
			w.Header().Set(k, v)
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(hr.StatusCode)
	_, _ = w.Write(body)
	return nil
}

func hopByHop(k string) bool {
	switch http.CanonicalHeaderKey(k) {
	case "Content-Length", "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade":
		return true
	}
	return false
}

// httpFailure maps an invocation error to the HTTP trigger's answer.
func httpFailure(err error) (status int, code, msg string) {
	var fe *FunctionError
	switch {
	case errors.Is(err, ErrTimeout):
		return http.StatusGatewayTimeout, "FunctionTimeout", err.Error()
	case errors.As(err, &fe):
		return http.StatusBadGateway, "FunctionError", fe.Type + ": " + fe.Message
	case errors.Is(err, ErrCrashed):
		return http.StatusBadGateway, "FunctionCrashed", err.Error()
	case errors.Is(err, ErrMalformed):
		return http.StatusBadGateway, "InvalidFunctionResult", err.Error()
	case errors.Is(err, ErrThrottled):
		return http.StatusTooManyRequests, "ResourceThrottled", err.Error()
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "RequestCanceled", err.Error()
	default:
		return http.StatusServiceUnavailable, "ServiceUnavailable", err.Error()
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	b, _ := json.Marshal(map[string]map[string]string{"error": {"code": code, "message": msg}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
