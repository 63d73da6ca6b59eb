package wechat

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Message push security, as WeChat documents it for mini-programs
// ("Message push" guide, developers.weixin.qq.com/miniprogram/dev/framework/
// server-ability/message-push.html, and its "message encryption" page):
//
//   - The URL is verified with GET ?signature&timestamp&nonce&echostr: the
//     server echoes echostr when signature is the hex SHA-1 of token,
//     timestamp and nonce sorted and concatenated.
//   - Every POST carries the same signature; in safe mode (encrypt_type=aes)
//     also msg_signature, the SHA-1 of token, timestamp, nonce and the
//     Encrypt field, sorted and concatenated.
//   - Encrypt is Base64 of AES-256-CBC (key the Base64 decoding of the
//     43-character EncodingAESKey plus "=", IV its first 16 bytes, PKCS#7
//     padding to 32 bytes) of 16 random bytes, the message length (4 bytes,
//     big-endian), the message and the AppID.

// Signature is the hex SHA-1 of parts sorted and concatenated.
func Signature(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	sum := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(sum[:])
}

// equal compares two signatures in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// aesKey decodes an EncodingAESKey.
func aesKey(encodingAESKey string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("wechat: EncodingAESKey must be 43 Base64 characters of a 32-byte key")
	}
	return key, nil
}

// Decrypt returns the message of a safe-mode Encrypt field and checks that
// it was encrypted for appID.
func Decrypt(encodingAESKey, appID, encrypted string) ([]byte, error) {
	key, err := aesKey(encodingAESKey)
	if err != nil {
		return nil, err
	}
	ct, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, errors.New("wechat: Encrypt is not a whole number of AES blocks in Base64")
	}
	block, _ := aes.NewCipher(key)
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad < 1 || pad > 32 || pad > len(pt) {
		return nil, errors.New("wechat: bad padding")
	}
	pt = pt[:len(pt)-pad]
	if len(pt) < 20 {
		return nil, errors.New("wechat: message too short")
	}
	n := int(binary.BigEndian.Uint32(pt[16:20]))
	if n > len(pt)-20 {
		return nil, errors.New("wechat: bad message length")
	}
	msg, from := pt[20:20+n], pt[20+n:]
	if string(from) != appID {
		return nil, fmt.Errorf("wechat: message for app %q, not this one", from)
	}
	return msg, nil
}
