package signer

import (
	"math/rand/v2"
	"strings"
	"time"
)

// fuzzInput is one generated signing request: the argument list of FuzzSign
// and what randomInput produces for the oracle test, so both exercise the
// same family of inputs.
type fuzzInput struct {
	Key, MetaName, MetaValue, ContentType, Token string
	Unix, Validity, Min, Max                     int64
	Region, Flags                                uint8
}

// Flags select optional conditions.
const (
	flagBucket uint8 = 1 << iota
	flagStartsWith
	flagIn
	flagRange
	flagStatus
)

var testRegions = []string{"cn-hangzhou", "us-west-1", "ap-southeast-1", "cn-beijing", "eu-central-1", "cn-hongkong", "oss-cn-hangzhou", "CN-Hangzhou", ""}

// build turns the input into Sign's arguments.
func (in fuzzInput) build() (Credentials, Policy, string, time.Time) {
	creds := Credentials{AccessKeyID: "LTAI-FUZZ-ONLY", AccessKeySecret: "fuzz-secret-not-real", SecurityToken: in.Token}
	at := time.Unix(in.Unix, 0)
	p := Policy{Expiration: at.Add(time.Duration(in.Validity) * time.Second)}
	if in.Flags&flagBucket != 0 {
		p.Conditions = append(p.Conditions, Bucket("ossgate-fuzz"))
	}
	if in.Flags&flagStartsWith != 0 {
		p.Conditions = append(p.Conditions, StartsWith("key", in.Key))
	} else {
		p.Conditions = append(p.Conditions, Eq("key", in.Key))
	}
	if in.Flags&flagIn != 0 {
		p.Conditions = append(p.Conditions, In("Content-Type", in.ContentType, "image/png"))
	} else {
		p.Conditions = append(p.Conditions, Eq("Content-Type", in.ContentType))
	}
	if in.Flags&flagRange != 0 {
		p.Conditions = append(p.Conditions, ContentLengthRange(in.Min, in.Max))
	}
	if in.Flags&flagStatus != 0 {
		p.Conditions = append(p.Conditions, Eq("success_action_status", "201"))
	}
	p.Conditions = append(p.Conditions, Eq(in.MetaName, in.MetaValue))
	return creds, p, testRegions[int(in.Region)%len(testRegions)], at
}

// pieces key and value generators draw from: plain ASCII, the characters
// that trip up URL and JSON handling, CJK, emoji and (rarely) invalid bytes.
var pieces = []string{
	"a", "Z", "0", "9", "/", "-", "_", ".", " ", "+", "%", "%2F", "&", "<", ">", "\"", "\\", "'", "?", "#", "=",
	"上传", "头像", "张三", "😀", "🎉", "👨‍👩‍👧", "é", "Ω", "\u2028", "\u00a0",
}

var badPieces = []string{"\x00", "\n", "\x7f", "\xff", "\xc3", "\u0085"}

func randomString(r *rand.Rand, maxPieces int, badOdds int) string {
	var b strings.Builder
	n := r.IntN(maxPieces) + 1
	for range n {
		if badOdds > 0 && r.IntN(badOdds) == 0 {
			b.WriteString(badPieces[r.IntN(len(badPieces))])
			continue
		}
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randomInput draws one input; about one in eight is invalid somewhere.
func randomInput(r *rand.Rand) fuzzInput {
	in := fuzzInput{
		Key:         randomString(r, 24, 200),
		MetaName:    "x-oss-meta-" + []string{"uploader", "profile", "filename", "Note"}[r.IntN(4)],
		MetaValue:   randomString(r, 12, 200),
		ContentType: []string{"image/png", "image/jpeg", "application/pdf", "text/plain; charset=utf-8"}[r.IntN(4)],
		Unix:        time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix() + r.Int64N(20*365*24*3600),
		Validity:    r.Int64N(7*24*3600) + 1,
		Min:         r.Int64N(1 << 20),
		Region:      uint8(r.IntN(6)), // the valid regions
		Flags:       uint8(r.IntN(32)),
	}
	in.Max = in.Min + r.Int64N(5<<30)
	if r.IntN(2) == 0 {
		in.Token = "CAIS" + randomString(r, 8, 0)
		in.Token = strings.Map(func(c rune) rune { // tokens are printable ASCII
			if c < 0x21 || c > 0x7e {
				return 'x'
			}
			return c
		}, in.Token)
	}
	if r.IntN(8) == 0 { // exercise the error paths too
		switch r.IntN(4) {
		case 0:
			in.Key = "/" + in.Key
		case 1:
			in.Region = uint8(6 + r.IntN(3))
		case 2:
			in.Validity = -r.Int64N(100)
		case 3:
			in.Min, in.Max = in.Max+1, in.Min
		}
	}
	return in
}
