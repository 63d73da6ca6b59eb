// Package signer signs Alibaba Cloud OSS V4 POST policies (OSS4-HMAC-SHA256).
//
// It is pure: credentials, a policy and the signing time go in, the form
// fields a client posts alongside its file come out. It performs no I/O,
// reads no clock and no environment, keeps no package-level state and never
// logs; every input is a parameter.
//
// A policy is built from typed conditions ([Eq], [StartsWith],
// [ContentLengthRange], [In], [Bucket]) serialised with encoding/json. [Sign]
// adds the conditions V4 requires (x-oss-signature-version, x-oss-credential,
// x-oss-date and, for STS credentials, x-oss-security-token) so a caller
// cannot forget them, base64-encodes the policy once and signs exactly those
// bytes:
//
//	StringToSign = base64(policy JSON)
//	SigningKey   = HMAC(HMAC(HMAC(HMAC("aliyun_v4"+secret, yyyymmdd), region), "oss"), "aliyun_v4_request")
//	Signature    = hex(HMAC(SigningKey, StringToSign))
//
// The steps are exported ([Scope], [SigningKey], [Signature]) and each is
// checked against known answers produced by Alibaba's own ali-oss package
// (testdata/vectors/ali-oss-v4.json).
//
// [Presign] signs a single request into a URL (V4 query signing), for
// presigned downloads and multipart part uploads. Its canonical request,
// string to sign and signature are checked against ali-oss's
// signatureUrlV4 (testdata/vectors/ali-oss-presign-v4.json) and the Go v2
// SDK's published query-signing answers.
package signer
