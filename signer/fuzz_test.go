package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var sentinels = []error{ErrCredentials, ErrRegion, ErrTime, ErrExpiration, ErrCondition, ErrField,
	ErrReservedField, ErrKey, ErrValue, ErrLengthRange, ErrBucket, ErrDuplicate}

// FuzzSign: arbitrary keys, metadata, times and ranges never panic; every
// error wraps a sentinel; every success carries a policy that decodes to
// exactly the conditions asked for plus the V4 ones, fields that agree with
// it, and a signature recomputed here with crypto/hmac directly.
func FuzzSign(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		in := randomInput(r)
		f.Add(in.Key, in.MetaName, in.MetaValue, in.ContentType, in.Token, in.Unix, in.Validity, in.Min, in.Max, in.Region, in.Flags)
	}
	f.Add("", "x-oss-meta-a", "", "", "", int64(0), int64(0), int64(-1), int64(-2), uint8(7), uint8(31))
	f.Add("a\x00b", "bad name", "\xff", "x", "tok\n", int64(-62135596801), int64(1), int64(0), int64(0), uint8(0), uint8(0))
	f.Add("k", "key", "dup", "t", "", int64(253402300799), int64(10), int64(0), int64(0), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, key, metaName, metaValue, contentType, token string, unix, validity, min, max int64, region, flags uint8) {
		in := fuzzInput{key, metaName, metaValue, contentType, token, unix, validity, min, max, region, flags}
		creds, p, reg, at := in.build()
		form, err := Sign(creds, p, reg, at)
		if err != nil {
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		checkForm(t, creds, p, reg, form)
		checkDocument(t, creds, p, reg, at, form)
	})
}

// checkForm verifies a signed form independently of the package's code.
func checkForm(t *testing.T, creds Credentials, p Policy, region string, form Form) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(form.Get("policy"))
	if err != nil {
		t.Fatalf("policy base64: %v", err)
	}
	var doc struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("policy JSON: %v", err)
	}
	var want []any
	wantFields := [][2]string{}
	for _, c := range p.Conditions {
		switch c.kind {
		case kindBucket:
			want = append(want, map[string]any{"bucket": c.value()})
		case kindEq:
			want = append(want, []any{"eq", "$" + c.Field(), c.value()})
			wantFields = append(wantFields, [2]string{c.Field(), c.value()})
		case kindStartsWith:
			want = append(want, []any{"starts-with", "$" + c.Field(), c.value()})
		case kindLengthRange:
			want = append(want, []any{"content-length-range", float64(c.min), float64(c.max)})
		case kindIn:
			vals := make([]any, len(c.values))
			for i, v := range c.values {
				vals[i] = v
			}
			want = append(want, []any{"in", "$" + c.Field(), vals})
		}
	}
	date := form.Get("x-oss-date")
	wantCred := creds.AccessKeyID + "/" + date[:8] + "/" + region + "/oss/aliyun_v4_request"
	mandatory := [][2]string{{"x-oss-signature-version", "OSS4-HMAC-SHA256"}, {"x-oss-credential", wantCred}, {"x-oss-date", date}}
	if creds.SecurityToken != "" {
		mandatory = append(mandatory, [2]string{"x-oss-security-token", creds.SecurityToken})
	}
	for _, m := range mandatory {
		want = append(want, map[string]any{m[0]: m[1]})
	}
	if diff := cmp.Diff(want, doc.Conditions); diff != "" {
		t.Fatalf("policy conditions (-want +got):\n%s", diff)
	}
	if got, want := doc.Expiration, p.Expiration.UTC().Format(ExpirationLayout); got != want {
		t.Errorf("expiration: got %q, want %q", got, want)
	}
	var got [][2]string
	for name, value := range form.All() {
		got = append(got, [2]string{name, value})
	}
	wantFields = append(wantFields, mandatory...)
	wantFields = append(wantFields, [2]string{"policy", form.Policy()}, [2]string{"x-oss-signature", form.Signature()})
	if diff := cmp.Diff(wantFields, got); diff != "" {
		t.Fatalf("form fields (-want +got):\n%s", diff)
	}
	if got, want := form.Signature(), independentSignature(creds.AccessKeySecret, date[:8], region, form.Policy()); got != want {
		t.Fatalf("signature: got %s, want %s", got, want)
	}
}

// independentSignature is the V4 chain written out with crypto/hmac, not
// through the package's step functions.
func independentSignature(secret, day, region, stringToSign string) string {
	key := []byte("aliyun_v4" + secret)
	for _, part := range []string{day, region, "oss", "aliyun_v4_request", stringToSign} {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(part))
		key = h.Sum(nil)
	}
	return hex.EncodeToString(key)
}
