package ossemu

import (
	"bytes"
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The callback request itself: made after the object is stored, signed as
// OSS signs it, its answer relayed (see callback.go).

// runCallback makes the callback of the object m, stored by q, and answers
// the upload: 200 with the callback's JSON answer, or 203 CallbackFailed
// (the object stays stored).
func (s *Server) runCallback(q *request, c *callbackSpec, m *storedMeta, operation string) error {
	body := c.body(q, m, operation)
	var last error
	for _, u := range c.URLs {
		answer, err := s.callOnce(q, c, u, body)
		if err == nil {
			q.w.Header().Set("Content-Type", "application/json")
			q.w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
			q.w.WriteHeader(http.StatusOK)
			_, _ = q.w.Write(answer)
			return nil
		}
		last = err
	}
	s.log.Warn("ossemu: upload callback failed", "err", last, "key", m.Key, "requestId", q.id)
	return errorf(http.StatusNonAuthoritativeInfo, "CallbackFailed", "", "%s", callbackMessage(last))
}

// callbackMessage is the message of a failed callback.
func callbackMessage(err error) string {
	var se statusError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("Error status : %d.", int(se))
	case errors.Is(err, context.DeadlineExceeded):
		return "Error status : -1 (timeout)."
	}
	return "Response body is not valid json format."
}

// statusError is a callback answered with another status than 200.
type statusError int

func (e statusError) Error() string { return fmt.Sprintf("callback answered %d", int(e)) }

// callOnce POSTs body to u, signed, and returns its answer: a 200 with a
// JSON body of at most 3 MB, within the callback timeout.
func (s *Server) callOnce(q *request, c *callbackSpec, u string, body []byte) ([]byte, error) {
	key, _, err := s.cb.get()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(q.r.Context(), s.callbackTimeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if c.Host != "" {
		req.Host = c.Host
	}
	sig, err := signCallback(key, req.URL, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", c.BodyType)
	req.Header.Set("Authorization", sig)
	req.Header.Set("x-oss-pub-key-url", base64.StdEncoding.EncodeToString([]byte(s.publicKeyURL(q))))
	req.Header.Set("x-oss-requester", "ossemu")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, maxCallbackAnswer+1))
	switch {
	case err != nil:
		return nil, err
	case res.StatusCode != http.StatusOK:
		return nil, statusError(res.StatusCode)
	case len(answer) > maxCallbackAnswer || !json.Valid(answer):
		return nil, errors.New("callback answer is not JSON of at most 3 MB")
	}
	return answer, nil
}

// signCallback is OSS's callback signature: Base64 of the RSA (PKCS #1
// v1.5) signature of MD5(url_decode(path) + query + "\n" + body).
func signCallback(key *rsa.PrivateKey, u *url.URL, body []byte) (string, error) {
	path, err := url.PathUnescape(u.EscapedPath())
	if err != nil {
		path = u.Path
	}
	if path == "" {
		path = "/"
	}
	s := path
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	sum := md5.Sum(append([]byte(s+"\n"), body...))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.MD5, sum[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// publicKeyURL is where this server serves its callback public key: the
// configured URL, else the address the request came in on.
func (s *Server) publicKeyURL(q *request) string {
	if s.cfg.CallbackKeyURL != "" {
		return s.cfg.CallbackKeyURL
	}
	if a, ok := q.r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return "http://" + a.String() + CallbackKeyPath
	}
	return "http://" + q.r.Host + CallbackKeyPath
}

func (s *Server) callbackTimeout() time.Duration {
	if s.cfg.CallbackTimeout > 0 {
		return s.cfg.CallbackTimeout
	}
	return DefaultCallbackTimeout
}
