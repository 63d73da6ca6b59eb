package ossemu

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// The upload callback of PutObject, PostObject and CompleteMultipartUpload,
// as OSS's "Callback" page describes it: after the object is stored, OSS
// POSTs the callback body to the callback URL, signed with its RSA key,
// and answers the upload with the callback's answer; when the callback
// fails or times out the object stays stored and the upload is answered
// 203 CallbackFailed.

// CallbackKeyPath is where the server serves the public key of its
// callback signatures (a PEM file, as OSS serves its keys). No bucket name
// starts with '.', so the path is never an object's.
const CallbackKeyPath = "/.ossemu/callback_pub_key_v1.pem"

// DefaultCallbackTimeout is OSS's callback time limit.
const DefaultCallbackTimeout = 5 * time.Second

// Limits of the callback ("Callback" page).
const (
	maxCallbackURLs   = 5
	maxCallbackAnswer = 3 << 20
)

// callbackSigner is the server's callback key pair, made on first use.
type callbackSigner struct {
	once sync.Once
	key  *rsa.PrivateKey
	pem  []byte
	err  error
}

func (c *callbackSigner) get() (*rsa.PrivateKey, []byte, error) {
	c.once.Do(func() {
		c.key, c.err = rsa.GenerateKey(rand.Reader, 2048)
		if c.err != nil {
			return
		}
		der, err := x509.MarshalPKIXPublicKey(&c.key.PublicKey)
		c.pem, c.err = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), err
	})
	return c.key, c.pem, c.err
}

// servePublicKey answers GET CallbackKeyPath with the public key.
func (s *Server) servePublicKey(w http.ResponseWriter, _ *http.Request) {
	_, p, err := s.cb.get()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = w.Write(p)
}

// storedMeta is a stored object's metadata as the upload handlers hold it
// (the one name this file uses for that type).
type storedMeta = disk.Meta

// callbackSpec is a decoded callback parameter and its custom variables.
type callbackSpec struct {
	URLs     []string
	Host     string
	Body     string
	BodyType string
	Vars     map[string]string
}

// callbackJSON is the callback parameter's JSON. callbackSNI is a boolean
// or the string of one.
type callbackJSON struct {
	URL      string          `json:"callbackUrl"`
	Host     string          `json:"callbackHost"`
	Body     string          `json:"callbackBody"`
	BodyType string          `json:"callbackBodyType"`
	SNI      json.RawMessage `json:"callbackSNI"`
}

func errCallbackArg(format string, a ...any) *Error {
	return errorf(http.StatusBadRequest, "InvalidArgument", "", format, a...)
}

// parseCallback decodes param (Base64 JSON) with vars, the custom
// variables; an empty param, or one without callbackUrl, is no callback
// (nil). A malformed one is InvalidArgument, before anything is stored.
func parseCallback(param string, vars map[string]string) (*callbackSpec, error) {
	if param == "" {
		return nil, nil
	}
	raw, err := base64.StdEncoding.DecodeString(param)
	if err != nil {
		return nil, errCallbackArg("The callback parameter is not Base64.")
	}
	var j callbackJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, errCallbackArg("The callback configuration is not json format.")
	}
	if j.URL == "" {
		return nil, nil
	}
	if j.Body == "" {
		return nil, errCallbackArg("The callbackBody is empty.")
	}
	switch j.BodyType {
	case "":
		j.BodyType = "application/x-www-form-urlencoded"
	case "application/x-www-form-urlencoded", "application/json":
	default:
		return nil, errCallbackArg("The callbackBodyType %q is not supported.", j.BodyType)
	}
	if len(j.SNI) > 0 && !validSNI(j.SNI) {
		return nil, errCallbackArg("The callbackSNI is invalid.")
	}
	urls := strings.Split(j.URL, ";")
	if len(urls) > maxCallbackURLs {
		return nil, errCallbackArg("At most %d callback URLs are allowed.", maxCallbackURLs)
	}
	for i, u := range urls {
		if !strings.Contains(u, "://") {
			u = "http://" + u
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, errCallbackArg("The callbackUrl %q is invalid.", urls[i])
		}
		urls[i] = u
	}
	for k := range vars {
		if !strings.HasPrefix(k, "x:") || k != strings.ToLower(k) {
			return nil, errCallbackArg("The custom callback variable %q must start with x: and be lower case.", k)
		}
	}
	return &callbackSpec{URLs: urls, Host: j.Host, Body: j.Body, BodyType: j.BodyType, Vars: vars}, nil
}

// validSNI: true or false, as a boolean or a string.
func validSNI(raw json.RawMessage) bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return true
	}
	var s string
	return json.Unmarshal(raw, &s) == nil && (s == "true" || s == "false")
}

// headerCallback decodes the x-oss-callback and x-oss-callback-var headers
// of PutObject and CompleteMultipartUpload.
func headerCallback(h http.Header) (*callbackSpec, error) {
	vars := map[string]string{}
	if v := h.Get("x-oss-callback-var"); v != "" {
		raw, err := base64.StdEncoding.DecodeString(v)
		if err != nil || json.Unmarshal(raw, &vars) != nil {
			return nil, errCallbackArg("The callback-var parameter is not Base64 JSON.")
		}
	}
	return parseCallback(h.Get("x-oss-callback"), vars)
}

// formCallback decodes a PostObject form's callback field; its custom
// variables are the form's x: fields.
func formCallback(f *form) (*callbackSpec, error) {
	vars := map[string]string{}
	for _, fl := range f.fields {
		if strings.HasPrefix(fl.Lower, "x:") {
			vars[fl.Name] = fl.Value
		}
	}
	return parseCallback(f.get("callback"), vars)
}

var callbackVarRE = regexp.MustCompile(`\$\{([A-Za-z0-9_.:-]+)\}`)

// body fills the callback body's ${...} variables for the object m of
// bucket: URL-encoded values for a form body, JSON values for a JSON one
// (sizes as numbers, the rest as strings); an unknown variable is empty.
func (c *callbackSpec) body(q *request, m *storedMeta, operation string) []byte {
	sys := map[string]string{
		"bucket": q.bucket, "object": m.Key, "etag": m.ETag, "size": strconv.FormatInt(m.Size, 10),
		"mimeType": m.ContentType, "crc64": strconv.FormatUint(m.CRC64, 10), "operation": operation,
		"reqId": q.id, "clientIp": clientIP(q.r),
		"imageInfo.height": "", "imageInfo.width": "", "imageInfo.format": "",
	}
	if sum, err := hexMD5(m.ETag); err == nil && m.Type != "Multipart" {
		sys["contentMd5"] = sum
	}
	jsonBody := c.BodyType == "application/json"
	return []byte(callbackVarRE.ReplaceAllStringFunc(c.Body, func(v string) string {
		name := v[2 : len(v)-1]
		val, ok := sys[name]
		if strings.HasPrefix(name, "x:") {
			val, ok = c.Vars[name]
		}
		switch {
		case !jsonBody:
			return url.QueryEscape(val)
		case ok && name == "size":
			return val
		}
		b, _ := json.Marshal(val)
		return string(b)
	}))
}

// clientIP is the request's remote address without its port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// hexMD5 is the Base64 MD5 of an ETag made of its hex digits.
func hexMD5(etag string) (string, error) {
	b, err := hex.DecodeString(etag)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}
