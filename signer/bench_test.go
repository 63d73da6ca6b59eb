package signer

import (
	"testing"
	"time"
)

// typicalPolicy is a typical upload policy: bucket, key, status, content
// type, size range and the uploader metadata, for STS credentials (with a
// short test token; real STS tokens are longer). Its policy base64 is about
// 600 bytes.
func typicalPolicy(at time.Time) (Credentials, Policy) {
	creds := Credentials{
		AccessKeyID:     "STS.TestOnlyNotARealKey",
		AccessKeySecret: "test-only-secret-0123456789abcdef",
		SecurityToken:   "CAIS-test-token",
	}
	return creds, Policy{
		Expiration: at.Add(10 * time.Minute),
		Conditions: []Condition{
			Bucket("ossgate-uploads"),
			Eq("key", "uploads/u-42/0f8fad5b.png"),
			Eq("success_action_status", "204"),
			Eq("Content-Type", "image/png"),
			ContentLengthRange(1, 5<<20),
			Eq("x-oss-meta-uploader", "u-42"),
		},
	}
}

var benchAt = time.Date(2024, 7, 13, 13, 34, 14, 0, time.UTC)

// BenchmarkSign measures Sign for the typical policy, built once.
func BenchmarkSign(b *testing.B) {
	creds, p := typicalPolicy(benchAt)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sign(creds, p, "cn-hangzhou", benchAt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildAndSign measures what the sign function pays per request:
// the typical policy's conditions built, then signed.
func BenchmarkBuildAndSign(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		creds, p := typicalPolicy(benchAt)
		if _, err := Sign(creds, p, "cn-hangzhou", benchAt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHMACFloor measures only the V4 HMAC chain Sign runs (four key
// derivations, the final HMAC and hex) over the typical policy's base64:
// the floor no implementation of the job can go below.
func BenchmarkHMACFloor(b *testing.B) {
	creds, p := typicalPolicy(benchAt)
	form, err := Sign(creds, p, "cn-hangzhou", benchAt)
	if err != nil {
		b.Fatal(err)
	}
	stringToSign := []byte(form.Policy())
	b.Logf("policy base64: %d bytes", len(stringToSign))
	b.ReportAllocs()
	var out [64]byte
	for b.Loop() {
		appendSignature(out[:0], SigningKey(creds.AccessKeySecret, "20240713", "cn-hangzhou"), stringToSign)
	}
}
