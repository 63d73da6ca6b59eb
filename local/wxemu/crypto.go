package wxemu

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Signature is the hex SHA-1 of parts sorted and concatenated: the push
// URL's signature (token, timestamp, nonce) and safe mode's msg_signature
// (the same and Encrypt).
func Signature(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	sum := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(sum[:])
}

// Encrypt is safe mode's Encrypt of msg for appID: Base64 of AES-256-CBC
// (key the Base64 decoding of EncodingAESKey + "=", IV its first 16
// bytes, PKCS#7 padding to 32 bytes) of 16 random bytes, the length of
// msg (4 bytes, big-endian), msg and appID.
func Encrypt(encodingAESKey, appID string, msg []byte, rnd io.Reader) (string, error) {
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return "", fmt.Errorf("wxemu: EncodingAESKey must be 43 Base64 characters")
	}
	var buf bytes.Buffer
	r := make([]byte, 16)
	if _, err := io.ReadFull(rnd, r); err != nil {
		return "", err
	}
	buf.Write(r)
	_ = binary.Write(&buf, binary.BigEndian, uint32(len(msg)))
	buf.Write(msg)
	buf.WriteString(appID)
	pad := 32 - buf.Len()%32
	buf.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, _ := aes.NewCipher(key)
	ct := make([]byte, buf.Len())
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(ct, buf.Bytes())
	return base64.StdEncoding.EncodeToString(ct), nil
}
