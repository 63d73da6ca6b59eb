package signer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// genericDocument is what encoding/json writes, HTML escaping off, for the
// policy document Sign should produce, built here as generic values
// ([]any, map[string]any) from the inputs, not from the conditions'
// fragments. The top level is a struct because encoding/json sorts map keys
// and the policy has "expiration" first.
func genericDocument(t *testing.T, creds Credentials, p Policy, region string, at time.Time) string {
	t.Helper()
	var conds []any
	for _, c := range p.Conditions {
		switch c.kind {
		case kindBucket:
			conds = append(conds, map[string]any{"bucket": c.val})
		case kindEq:
			conds = append(conds, []any{"eq", "$" + c.field, c.val})
		case kindStartsWith:
			conds = append(conds, []any{"starts-with", "$" + c.field, c.val})
		case kindLengthRange:
			conds = append(conds, []any{"content-length-range", c.min, c.max})
		case kindIn:
			vals := make([]any, len(c.values))
			for i, v := range c.values {
				vals[i] = v
			}
			conds = append(conds, []any{"in", "$" + c.field, vals})
		default:
			t.Fatalf("condition kind %d", c.kind)
		}
	}
	at = at.UTC()
	day := at.Format("20060102")
	conds = append(conds,
		map[string]any{"x-oss-signature-version": "OSS4-HMAC-SHA256"},
		map[string]any{"x-oss-credential": creds.AccessKeyID + "/" + day + "/" + region + "/oss/aliyun_v4_request"},
		map[string]any{"x-oss-date": at.Format("20060102T150405Z")})
	if creds.SecurityToken != "" {
		conds = append(conds, map[string]any{"x-oss-security-token": creds.SecurityToken})
	}
	doc := struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}{p.Expiration.UTC().Format("2006-01-02T15:04:05.000Z"), conds}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		t.Fatalf("encode generic document: %v", err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// checkDocument fails unless the signed policy is byte for byte the generic
// document's encoding.
func checkDocument(t *testing.T, creds Credentials, p Policy, region string, at time.Time, form Form) {
	t.Helper()
	if got, want := string(form.PolicyJSON()), genericDocument(t, creds, p, region, at); got != want {
		t.Fatalf("policy document:\ngot  %s\nwant %s", got, want)
	}
}

// TestDocumentMatchesEncodingJSON: the document Sign assembles from the
// conditions' fragments and the per-call values is byte for byte what
// encoding/json writes for the same document built generically.
func TestDocumentMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2024, 2, 29, 23, 59, 59, 999_999_999, time.FixedZone("X", -7*3600))
	ak := Credentials{AccessKeyID: "LTAI-TEST", AccessKeySecret: "s"}
	sts := Credentials{AccessKeyID: "STS.TEST", AccessKeySecret: "s", SecurityToken: "CAIS+/=<>&\"\\"}
	odd := Credentials{AccessKeyID: `a"b\c<d>&e\"\\` + "\u2028é", AccessKeySecret: "s", SecurityToken: `\"\\\"` + "\u2029😀"}
	special := "a<b>&c \"q\" \\ \\\" \u2028 \u2029 上传 😀 \u00a0 é %2F +"
	tests := []struct {
		name  string
		creds Credentials
		conds []Condition
	}{
		{"no conditions", ak, nil},
		{"no conditions, token", sts, nil},
		{"typical", sts, []Condition{Bucket("ossgate-uploads"), Eq("key", "uploads/u/a.png"),
			Eq("success_action_status", "204"), ContentLengthRange(0, 5<<30), Eq("x-oss-meta-uploader", "u-42")}},
		{"escapes in values", ak, []Condition{Eq("key", special), Eq("x-oss-meta-note", special),
			StartsWith("x-oss-meta-p", special), In("Content-Type", special, "", "\"", "\\")}},
		{"escapes in credentials", odd, []Condition{Eq("key", "k")}},
		{"in without special values", sts, []Condition{In("Content-Type", "image/png", "image/jpeg")}},
		{"large range", ak, []Condition{ContentLengthRange(1<<62, 1<<62+1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Policy{Expiration: at.Add(time.Hour), Conditions: tt.conds}
			form, err := Sign(tt.creds, p, "cn-hangzhou", at)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			checkDocument(t, tt.creds, p, "cn-hangzhou", at, form)
			checkForm(t, tt.creds, p, "cn-hangzhou", form)
		})
	}
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 300 {
		conds := []Condition{Eq("key", "k"+randomString(r, 10, 0))}
		ranged := false
		for j := range r.IntN(8) {
			s, name := randomString(r, 10, 0), fmt.Sprintf("x-oss-meta-%d", j)
			switch r.IntN(4) {
			case 0:
				conds = append(conds, StartsWith(name, s))
			case 1:
				conds = append(conds, In(name, s, randomString(r, 4, 0)))
			case 2:
				if !ranged {
					conds = append(conds, ContentLengthRange(r.Int64N(1<<40), 1<<41+r.Int64N(1<<40)))
					ranged = true
				}
			default:
				conds = append(conds, Eq(name, s))
			}
		}
		creds := Credentials{AccessKeyID: strings.NewReplacer("/", "", " ", "").Replace(randomString(r, 6, 0)) + "x",
			AccessKeySecret: "s", SecurityToken: randomString(r, 5, 0)}
		if r.IntN(3) == 0 {
			creds.SecurityToken = ""
		}
		p := Policy{Expiration: at.Add(time.Minute), Conditions: conds}
		form, err := Sign(creds, p, "us-west-1", at)
		if err != nil {
			t.Fatalf("random %d: Sign: %v", i, err)
		}
		checkDocument(t, creds, p, "us-west-1", at, form)
	}
}
