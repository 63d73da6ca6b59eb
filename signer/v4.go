package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

const (
	// Algorithm is the value of x-oss-signature-version.
	Algorithm = "OSS4-HMAC-SHA256"
	// DateLayout is the layout of x-oss-date (UTC, second precision).
	DateLayout = "20060102T150405Z"
	// DayLayout is the layout of the signing date in the scope.
	DayLayout = "20060102"
	// product and terminator close every V4 scope.
	product    = "oss"
	terminator = "aliyun_v4_request"
)

// Scope returns the V4 scope "<day>/<region>/oss/aliyun_v4_request" for a
// signing day ([DayLayout], UTC) and a standard region id ("cn-hangzhou").
// It does not validate its arguments.
func Scope(day, region string) string {
	return day + "/" + region + "/" + product + "/" + terminator
}

// Credential returns the x-oss-credential value "<AccessKeyID>/<scope>".
// It does not validate its arguments.
func Credential(accessKeyID, day, region string) string {
	return accessKeyID + "/" + day + "/" + region + "/" + product + "/" + terminator
}

// SigningKey derives the V4 signing key for a secret, signing day
// ([DayLayout]) and region:
//
//	HMAC(HMAC(HMAC(HMAC("aliyun_v4"+secret, day), region), "oss"), "aliyun_v4_request")
//
// It does not validate its arguments.
func SigningKey(secret, day, region string) [sha256.Size]byte {
	// One buffer holds every input so the chain converts no string on its own.
	buf := make([]byte, 0, len("aliyun_v4")+len(secret)+len(day)+len(region)+len(product)+len(terminator))
	buf = append(append(buf, "aliyun_v4"...), secret...)
	seed := buf[:len(buf):len(buf)]
	buf = append(buf, day...)
	dayB := buf[len(seed):len(buf):len(buf)]
	buf = append(buf, region...)
	regionB := buf[len(seed)+len(day) : len(buf) : len(buf)]
	buf = append(buf, product+terminator...)
	rest := buf[len(buf)-len(product)-len(terminator):]

	var k [sha256.Size]byte
	key := mac(k[:0], seed, dayB)
	key = mac(key[:0], key, regionB)
	key = mac(key[:0], key, rest[:len(product)])
	mac(key[:0], key, rest[len(product):])
	return k
}

// Signature returns the x-oss-signature value: the lowercase hex
// HMAC-SHA256 of stringToSign (the policy's base64, byte for byte) under
// signingKey.
func Signature(signingKey [sha256.Size]byte, stringToSign []byte) string {
	var out [2 * sha256.Size]byte
	return string(appendSignature(out[:0], signingKey, stringToSign))
}

// appendSignature appends the hex signature of stringToSign to dst.
func appendSignature(dst []byte, signingKey [sha256.Size]byte, stringToSign []byte) []byte {
	var sum [sha256.Size]byte
	mac(sum[:0], signingKey[:], stringToSign)
	return hex.AppendEncode(dst, sum[:])
}

// mac appends HMAC-SHA256(key, data) to dst. dst may alias key: key is
// consumed by hmac.New before dst is written.
func mac(dst, key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(dst)
}
