package signer

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestSignRejects covers every validation error: each case changes one
// thing in a valid request and names the sentinel it must produce.
func TestSignRejects(t *testing.T) {
	at := time.Date(2024, 7, 13, 13, 34, 14, 0, time.UTC)
	good := Credentials{AccessKeyID: "LTAI-TEST", AccessKeySecret: "test-secret"}
	base := func(c ...Condition) Policy {
		return Policy{Expiration: at.Add(time.Minute), Conditions: append([]Condition{Bucket("ossgate-test"), Eq("key", "a/b.png")}, c...)}
	}
	tests := []struct {
		name   string
		creds  Credentials
		policy Policy
		region string
		at     time.Time
		want   error
	}{
		{"empty access key id", Credentials{AccessKeySecret: "s"}, base(), "cn-hangzhou", at, ErrCredentials},
		{"empty secret", Credentials{AccessKeyID: "id"}, base(), "cn-hangzhou", at, ErrCredentials},
		{"slash in access key id", Credentials{AccessKeyID: "a/b", AccessKeySecret: "s"}, base(), "cn-hangzhou", at, ErrCredentials},
		{"newline in token", Credentials{AccessKeyID: "a", AccessKeySecret: "s", SecurityToken: "t\n"}, base(), "cn-hangzhou", at, ErrCredentials},
		{"empty region", good, base(), "", at, ErrRegion},
		{"oss- prefix", good, base(), "oss-cn-hangzhou", at, ErrRegion},
		{"uppercase region", good, base(), "CN-Hangzhou", at, ErrRegion},
		{"region without hyphen", good, base(), "hangzhou", at, ErrRegion},
		{"region with underscore", good, base(), "cn_hangzhou", at, ErrRegion},
		{"region trailing hyphen", good, base(), "cn-hangzhou-", at, ErrRegion},
		{"region double hyphen", good, base(), "cn--hangzhou", at, ErrRegion},
		{"year 10000", good, Policy{Expiration: time.Date(10001, 1, 1, 0, 0, 0, 0, time.UTC)}, "cn-hangzhou", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), ErrTime},
		{"year 0", good, base(), "cn-hangzhou", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), ErrTime},
		{"expiration equals at", good, Policy{Expiration: at}, "cn-hangzhou", at, ErrExpiration},
		{"expiration before at", good, Policy{Expiration: at.Add(-time.Second)}, "cn-hangzhou", at, ErrExpiration},
		{"expiration within the same millisecond", good, Policy{Expiration: at.Add(500 * time.Microsecond)}, "cn-hangzhou", at, ErrExpiration},
		{"zero expiration", good, Policy{}, "cn-hangzhou", at, ErrExpiration},
		{"expiration year 10000", good, Policy{Expiration: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "cn-hangzhou", at, ErrExpiration},
		{"zero condition", good, base(Condition{}), "cn-hangzhou", at, ErrCondition},
		{"in without values", good, base(In("Content-Type")), "cn-hangzhou", at, ErrCondition},
		{"negative range", good, base(ContentLengthRange(-1, 10)), "cn-hangzhou", at, ErrLengthRange},
		{"inverted range", good, base(ContentLengthRange(10, 9)), "cn-hangzhou", at, ErrLengthRange},
		{"empty key", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", "")}}, "cn-hangzhou", at, ErrKey},
		{"key too long", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", strings.Repeat("k", 1024))}}, "cn-hangzhou", at, ErrKey},
		{"key leading slash", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", "/a")}}, "cn-hangzhou", at, ErrKey},
		{"key leading backslash", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", `\a`)}}, "cn-hangzhou", at, ErrKey},
		{"key invalid utf-8", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", "a\xffb")}}, "cn-hangzhou", at, ErrKey},
		{"key NUL", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", "a\x00b")}}, "cn-hangzhou", at, ErrKey},
		{"key newline", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("Key", "a\nb")}}, "cn-hangzhou", at, ErrKey},
		{"key DEL", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", "a\x7f")}}, "cn-hangzhou", at, ErrKey},
		{"key C1 control", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", "a\u0085")}}, "cn-hangzhou", at, ErrKey},
		{"empty key prefix", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{StartsWith("key", "")}}, "cn-hangzhou", at, ErrKey},
		{"key prefix leading slash", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{StartsWith("key", "/u/")}}, "cn-hangzhou", at, ErrKey},
		{"empty field name", good, base(Eq("", "v")), "cn-hangzhou", at, ErrField},
		{"space in field name", good, base(Eq("x-oss-meta a", "v")), "cn-hangzhou", at, ErrField},
		{"quote in field name", good, base(StartsWith(`a"b`, "v")), "cn-hangzhou", at, ErrField},
		{"non-ASCII field name", good, base(In("名字", "v")), "cn-hangzhou", at, ErrField},
		{"field name too long", good, base(Eq(strings.Repeat("f", 129), "v")), "cn-hangzhou", at, ErrField},
		{"reserved policy", good, base(Eq("policy", "v")), "cn-hangzhou", at, ErrReservedField},
		{"reserved bucket via eq", good, base(Eq("Bucket", "v")), "cn-hangzhou", at, ErrReservedField},
		{"reserved credential", good, base(StartsWith("X-OSS-Credential", "v")), "cn-hangzhou", at, ErrReservedField},
		{"reserved signature", good, base(Eq("x-oss-signature", "v")), "cn-hangzhou", at, ErrReservedField},
		{"reserved token", good, base(In("x-oss-security-token", "v")), "cn-hangzhou", at, ErrReservedField},
		{"reserved file", good, base(Eq("file", "v")), "cn-hangzhou", at, ErrReservedField},
		{"value invalid utf-8", good, base(Eq("x-oss-meta-a", "\xc3")), "cn-hangzhou", at, ErrValue},
		{"value control char", good, base(Eq("x-oss-meta-a", "a\tb")), "cn-hangzhou", at, ErrValue},
		{"in value control char", good, base(In("Content-Type", "a\r")), "cn-hangzhou", at, ErrValue},
		{"bucket too short", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Bucket("ab")}}, "cn-hangzhou", at, ErrBucket},
		{"bucket uppercase", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Bucket("Ossgate")}}, "cn-hangzhou", at, ErrBucket},
		{"bucket leading hyphen", good, Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Bucket("-ossgate")}}, "cn-hangzhou", at, ErrBucket},
		{"duplicate eq", good, base(Eq("KEY", "c")), "cn-hangzhou", at, ErrDuplicate},
		{"duplicate bucket", good, base(Bucket("ossgate-test")), "cn-hangzhou", at, ErrDuplicate},
		{"duplicate range", good, base(ContentLengthRange(1, 2), ContentLengthRange(1, 2)), "cn-hangzhou", at, ErrDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form, err := Sign(tt.creds, tt.policy, tt.region, tt.at)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got error %v, want %v", err, tt.want)
			}
			if form.Len() != 0 {
				t.Errorf("got %d fields with an error, want none", form.Len())
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "signer: ") || strings.Contains(msg, good.AccessKeySecret) {
				t.Errorf("error %q: want a signer: prefix and no secret", msg)
			}
		})
	}
}

// TestSignAccepts pins inputs at the edges that must be accepted.
func TestSignAccepts(t *testing.T) {
	at := time.Date(2024, 7, 13, 13, 34, 14, 999_000_000, time.FixedZone("CST", 8*3600))
	creds := Credentials{AccessKeyID: "STS.test", AccessKeySecret: "s", SecurityToken: "CAIS+/="}
	tests := []struct {
		name string
		p    Policy
	}{
		{"key of 1023 bytes", Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", strings.Repeat("k", 1023))}}},
		{"no conditions", Policy{Expiration: at.Add(time.Minute)}},
		{"empty range", Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{ContentLengthRange(0, 0)}}},
		{"expiration one millisecond later", Policy{Expiration: at.Add(time.Millisecond)}},
		{"empty metadata value", Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("x-oss-meta-a", "")}}},
		{"eq on two different fields", Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", "a"), Eq("x-oss-meta-key", "a")}}},
		{"callback variable", Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("x:uid", "42")}}},
		{"key with middle slashes and backslashes", Policy{Expiration: at.Add(time.Minute), Conditions: []Condition{Eq("key", `a//b\c`)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form, err := Sign(creds, tt.p, "cn-hangzhou", at)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			checkForm(t, creds, tt.p, "cn-hangzhou", form)
			if got, want := form.Get("x-oss-date"), "20240713T053414Z"; got != want {
				t.Errorf("x-oss-date: got %s, want %s (UTC, seconds)", got, want)
			}
		})
	}
}

// TestSignDoesNotModifyInput checks that Sign leaves the caller's slices alone.
func TestSignDoesNotModifyInput(t *testing.T) {
	values := []string{"image/png", "image/jpeg"}
	cond := In("Content-Type", values...)
	values[0] = "changed"
	p := Policy{Expiration: time.Unix(100, 0), Conditions: []Condition{cond, Eq("key", "k")}}
	if _, err := Sign(Credentials{AccessKeyID: "a", AccessKeySecret: "s"}, p, "cn-hangzhou", time.Unix(0, 0)); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	b, err := cond.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	if got, want := string(b), `["in","$Content-Type",["image/png","image/jpeg"]]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
