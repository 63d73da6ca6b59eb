package sign

import (
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Why a callback is refused: the signature does not hold.
var (
	errNoSignature = errors.New("no authorization or x-oss-pub-key-url header")
	errKeyHost     = errors.New("the public key URL is not on OSS's public-key host")
	errBadSig      = errors.New("the signature does not verify")
)

// maxKeyBytes bounds a public-key file; maxCachedKeys the key cache.
const (
	maxKeyBytes   = 16 << 10
	maxCachedKeys = 16
	keyTimeout    = 2 * time.Second
)

// keyCache verifies OSS's callback signatures with public keys fetched
// from the URLs the callbacks name, on allowed hosts only, each fetched
// once and kept (OSS's "Callback" page: cache by URL). It is safe for
// concurrent use.
type keyCache struct {
	hosts  []string // allowed hosts (host[:port]) of a key URL
	client *http.Client
	mu     sync.Mutex
	keys   map[string]*rsa.PublicKey // by URL
}

func newKeyCache(hosts []string, client *http.Client) *keyCache {
	if client == nil {
		client = &http.Client{Timeout: keyTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &keyCache{hosts: hosts, client: client, keys: map[string]*rsa.PublicKey{}}
}

// verify checks the signature OSS puts on a callback request r whose body
// is body: the authorization header is Base64 of an RSA (PKCS #1 v1.5)
// signature of the MD5 of url_decode(path) + query (with its '?') + "\n" +
// body, by the key at the URL Base64-encoded in x-oss-pub-key-url.
func (c *keyCache) verify(ctx context.Context, r *http.Request, body []byte) error {
	auth, keyURL := r.Header.Get("Authorization"), r.Header.Get("X-Oss-Pub-Key-Url")
	if auth == "" || keyURL == "" {
		return errNoSignature
	}
	sig, err := base64.StdEncoding.DecodeString(auth)
	if err != nil {
		return fmt.Errorf("%w: authorization is not Base64", errBadSig)
	}
	u, err := base64.StdEncoding.DecodeString(keyURL)
	if err != nil {
		return fmt.Errorf("%w: x-oss-pub-key-url is not Base64", errKeyHost)
	}
	key, err := c.key(ctx, string(u))
	if err != nil {
		return err
	}
	sum := md5.Sum(stringToSign(r, body))
	if err := rsa.VerifyPKCS1v15(key, crypto.MD5, sum[:], sig); err != nil {
		return errBadSig
	}
	return nil
}

// stringToSign is what OSS signs: url_decode(path) + query + "\n" + body.
func stringToSign(r *http.Request, body []byte) []byte {
	path, err := url.PathUnescape(r.URL.EscapedPath())
	if err != nil {
		path = r.URL.Path
	}
	s := []byte(path)
	if r.URL.RawQuery != "" {
		s = append(append(s, '?'), r.URL.RawQuery...)
	}
	return append(append(s, '\n'), body...)
}

// key returns the public key at raw, an http(s) URL on an allowed host,
// from the cache or fetched.
func (c *keyCache) key(ctx context.Context, raw string) (*rsa.PublicKey, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !slices.Contains(c.hosts, u.Host) ||
		u.User != nil || len(u.Path) < 2 || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w: %.200q", errKeyHost, raw)
	}
	c.mu.Lock()
	k, ok := c.keys[raw]
	c.mu.Unlock()
	if ok {
		return k, nil
	}
	k, err = c.fetch(ctx, raw)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.keys) >= maxCachedKeys {
		clear(c.keys)
	}
	c.keys[raw] = k
	c.mu.Unlock()
	return k, nil
}

// fetch GETs the PEM public key at raw.
func (c *keyCache) fetch(ctx context.Context, raw string) (*rsa.PublicKey, error) {
	ctx, cancel := context.WithTimeout(ctx, keyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("sign: callback public key: %w", err)
	}
	res, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign: callback public key: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxKeyBytes))
	if err != nil || res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sign: callback public key %s: status %d, %v", raw, res.StatusCode, err)
	}
	return parsePublicKey(b)
}

// parsePublicKey parses a PEM RSA public key (PKIX "PUBLIC KEY", or PKCS #1
// "RSA PUBLIC KEY").
func parsePublicKey(b []byte) (*rsa.PublicKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%w: the public key is not PEM", errBadSig)
	}
	if blk.Type == "RSA PUBLIC KEY" {
		return x509.ParsePKCS1PublicKey(blk.Bytes)
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: public key: %w", errBadSig, err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: the public key is not RSA", errBadSig)
	}
	return rk, nil
}
