// Package greenemu is a local stand-in for Alibaba Cloud Content
// Moderation's ImageModeration (enhanced edition, API version 2022-03-02),
// strict where ossgate's client depends on it and decided by one test rule.
//
// What it does, and where each behaviour is documented:
//   - Signature V3, the official SDKs' default (v3.go), and the RPC
//     signature V1 (help.aliyun.com "RPC-style request" / signature
//     method V1): the common parameters Action, Version, Format,
//     AccessKeyId, SignatureMethod HMAC-SHA1, SignatureVersion 1.0,
//     SignatureNonce, Timestamp (ISO 8601 UTC) and Signature, in the query
//     or the form body; the signature is
//     Base64(HMAC-SHA1(AccessKeySecret + "&", Method + "&%2F&" +
//     percentEncode(the sorted, percent-encoded parameters but Signature)))
//     and is checked exactly so; a SecurityToken must be the credential's.
//     Errors as the gateway answers them: MissingParameter,
//     InvalidAccessKeyId.NotFound, SignatureDoesNotMatch,
//     SignatureNonceUsed, InvalidTimeStamp.Expired (more than 15 minutes
//     off), InvalidSecurityToken.Mismatch, InvalidAction.NotFound.
//   - ImageModeration ("Image Moderation 2.0 API",
//     help.aliyun.com/document_detail/467829; the official SDK's request in
//     github.com/alibabacloud-go/green-20220302 client/client.go): Service
//     and ServiceParameters (JSON with imageUrl, or ossBucketName,
//     ossObjectName and ossRegionId, and dataId); the answer Code 200, Msg,
//     RequestId, Data{DataId, RiskLevel, Result[{Label, Confidence,
//     RiskLevel}]}; a clean image is RiskLevel "none" with the label
//     "nonLabel".
//
// The test rule: an image whose bytes contain the ASCII marker Marker
// anywhere is RiskLevel "high" with the label RiskyLabel (confidence
// 99.0); every other image passes.
package greenemu

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The test rule.
const (
	Marker     = "OSSGATE-TEST-RISKY"
	RiskyLabel = "ossgate_test_risky"
)

// Config configures a Server. Credential and Read are required.
type Config struct {
	// Credential returns the secret and security token ("" for an
	// AccessKey pair) of an AccessKeyId, or false for an unknown one.
	Credential func(accessKeyID string) (secret, token string, ok bool)
	// Read returns the object the service was asked to check.
	Read func(ctx context.Context, region, bucket, key string) ([]byte, error)
	// Fetch returns the image at an imageUrl; nil refuses imageUrl.
	Fetch  func(ctx context.Context, url string) ([]byte, error)
	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default discards
}

// Server is the stand-in; it is an http.Handler.
type Server struct {
	cfg    Config
	mu     sync.Mutex
	nonces map[string]time.Time
	calls  atomic.Int64
}

// New returns a Server of cfg.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Server{cfg: cfg, nonces: map[string]time.Time{}}
}

// Calls returns the number of ImageModeration calls answered with a
// verdict.
func (s *Server) Calls() int64 { return s.calls.Load() }

// apiError is an error answer of the gateway.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func fail(status int, code, format string, a ...any) *apiError {
	return &apiError{status, code, fmt.Sprintf(format, a...)}
}

// ServeHTTP answers one RPC request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	res, err := s.serve(r, reqID)
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if err != nil {
		s.cfg.Logger.Info("greenemu: refused", "code", err.code, "message", err.message)
		w.WriteHeader(err.status)
		_ = json.NewEncoder(w).Encode(map[string]string{"RequestId": reqID, "Code": err.code, "Message": err.message})
		return
	}
	_ = json.NewEncoder(w).Encode(res)
}

func (s *Server) serve(r *http.Request, reqID string) (any, *apiError) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, fail(405, "UnsupportedHTTPMethod", "method %s", r.Method)
	}
	var p url.Values
	if strings.HasPrefix(r.Header.Get("Authorization"), "ACS3-") {
		body, err := s.authenticateV3(r)
		if err != nil {
			return nil, err
		}
		if p, err = v3Params(r, body); err != nil {
			return nil, err
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return nil, fail(400, "InvalidParameter", "form: %v", err)
		}
		p = r.Form // query and body
		if err := s.authenticate(r.Method, p); err != nil {
			return nil, err
		}
	}
	if a := p.Get("Action"); a != "ImageModeration" {
		return nil, fail(404, "InvalidAction.NotFound", "action %q not found for version %s", a, p.Get("Version"))
	}
	if v := p.Get("Version"); v != "2022-03-02" {
		return nil, fail(400, "InvalidVersion", "version %q", v)
	}
	return s.imageModeration(r.Context(), p, reqID)
}

// required are the common parameters of a signed RPC request.
var required = []string{"Action", "Version", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Signature"}

// authenticate checks the request's signature as the gateway does.
func (s *Server) authenticate(method string, p url.Values) *apiError {
	for _, k := range required {
		if p.Get(k) == "" {
			return fail(400, "MissingParameter", "%s is mandatory for this action", k)
		}
	}
	if p.Get("SignatureMethod") != "HMAC-SHA1" || p.Get("SignatureVersion") != "1.0" {
		return fail(400, "InvalidParameter", "SignatureMethod HMAC-SHA1 and SignatureVersion 1.0 expected")
	}
	at, err := time.Parse("2006-01-02T15:04:05Z", p.Get("Timestamp"))
	if err != nil {
		return fail(400, "InvalidTimeStamp.Format", "timestamp %q", p.Get("Timestamp"))
	}
	if d := s.cfg.Now().Sub(at); d > 15*time.Minute || d < -15*time.Minute {
		return fail(400, "InvalidTimeStamp.Expired", "timestamp %s is more than 15 minutes off", p.Get("Timestamp"))
	}
	secret, token, ok := s.cfg.Credential(p.Get("AccessKeyId"))
	if !ok {
		return fail(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	if token != "" && p.Get("SecurityToken") != token || token == "" && p.Get("SecurityToken") != "" {
		return fail(400, "InvalidSecurityToken.Mismatch", "Specified SecurityToken mismatch with the AccessKey.")
	}
	want := Signature(method, p, secret)
	if !hmac.Equal([]byte(want), []byte(p.Get("Signature"))) {
		return fail(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:%s",
			StringToSign(method, p))
	}
	return s.useNonce(p.Get("SignatureNonce"))
}

// useNonce refuses a nonce seen in the last 15 minutes.
func (s *Server) useNonce(nonce string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	for n, t := range s.nonces {
		if now.Sub(t) > 15*time.Minute {
			delete(s.nonces, n)
		}
	}
	if _, seen := s.nonces[nonce]; seen {
		return fail(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
	}
	s.nonces[nonce] = now
	return nil
}

// percentEncode is the RFC 3986 encoding RPC signatures use: unreserved
// characters stay, a space is %20, everything else %XX (upper case).
func percentEncode(s string) string {
	e := url.QueryEscape(s)
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(e)
}

// StringToSign is the string an RPC request of method with parameters p is
// signed over (Signature excluded).
func StringToSign(method string, p url.Values) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, percentEncode(k)+"="+percentEncode(p.Get(k)))
	}
	return method + "&" + percentEncode("/") + "&" + percentEncode(strings.Join(pairs, "&"))
}

// Signature is the RPC signature of a request with secret.
func Signature(method string, p url.Values, secret string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(StringToSign(method, p)))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// serviceParameters is what ServiceParameters may hold.
type serviceParameters struct {
	ImageURL      string `json:"imageUrl"`
	OSSBucketName string `json:"ossBucketName"`
	OSSObjectName string `json:"ossObjectName"`
	OSSRegionID   string `json:"ossRegionId"`
	DataID        string `json:"dataId"`
}

type result struct {
	Label      string  `json:"Label"`
	Confidence float64 `json:"Confidence,omitempty"`
	RiskLevel  string  `json:"RiskLevel"`
}

type data struct {
	DataID    string   `json:"DataId,omitempty"`
	RiskLevel string   `json:"RiskLevel"`
	Result    []result `json:"Result"`
}

type answer struct {
	Code      int    `json:"Code"`
	Msg       string `json:"Msg"`
	RequestID string `json:"RequestId"`
	Data      *data  `json:"Data,omitempty"`
}

// imageModeration reads the image and decides by the test rule.
func (s *Server) imageModeration(ctx context.Context, p url.Values, reqID string) (any, *apiError) {
	if p.Get("Service") == "" {
		return nil, fail(400, "MissingParameter", "Service is mandatory for this action")
	}
	var sp serviceParameters
	if err := json.Unmarshal([]byte(p.Get("ServiceParameters")), &sp); err != nil {
		return answer{Code: 400, Msg: "ServiceParameters is not valid JSON", RequestID: reqID}, nil
	}
	var img []byte
	var err error
	switch {
	case sp.OSSBucketName != "" && sp.OSSObjectName != "":
		img, err = s.cfg.Read(ctx, sp.OSSRegionID, sp.OSSBucketName, sp.OSSObjectName)
	case sp.ImageURL != "" && s.cfg.Fetch != nil:
		img, err = s.cfg.Fetch(ctx, sp.ImageURL)
	default:
		return answer{Code: 400, Msg: "imageUrl or ossBucketName and ossObjectName required", RequestID: reqID}, nil
	}
	if err != nil {
		return answer{Code: 408, Msg: "image download failed: " + err.Error(), RequestID: reqID}, nil
	}
	s.calls.Add(1)
	d := &data{DataID: sp.DataID, RiskLevel: "none", Result: []result{{Label: "nonLabel", RiskLevel: "none"}}}
	if bytes.Contains(img, []byte(Marker)) {
		d.RiskLevel, d.Result = "high", []result{{Label: RiskyLabel, Confidence: 99.0, RiskLevel: "high"}}
	}
	return answer{Code: 200, Msg: "OK", RequestID: reqID, Data: d}, nil
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := strings.ToUpper(hex.EncodeToString(b))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
