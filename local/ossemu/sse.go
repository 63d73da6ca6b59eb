package ossemu

import (
	"net/http"

	"github.com/ossgate/ossgate/local/ossemu/disk"
)

// Server-side encryption headers (the PutObject page of the OSS API
// reference, "x-oss-server-side-encryption"): AES256, KMS or SM4, with KMS
// an optional data algorithm (x-oss-server-side-data-encryption, SM4) and
// key id. The emulator records them and answers them on the upload, GET and
// HEAD as OSS does; it does not encrypt the file on disk (it holds test data).

var sseAlgorithms = []string{"AES256", "KMS", "SM4"}

// sseMeta reads the encryption headers of an upload into m: an unknown
// algorithm is InvalidEncryptionAlgorithmError 400.
func sseMeta(h http.Header, m *disk.Meta) error {
	alg := h.Get("x-oss-server-side-encryption")
	if alg == "" {
		return nil
	}
	known := false
	for _, a := range sseAlgorithms {
		known = known || a == alg
	}
	data := h.Get("x-oss-server-side-data-encryption")
	if !known || (data != "" && (alg != "KMS" || data != "SM4")) {
		return errorf(http.StatusBadRequest, "InvalidEncryptionAlgorithmError", "",
			"The encryption request you specified is not valid. Supported value: AES256/KMS/SM4")
	}
	m.SSE, m.SSEData = alg, data
	if alg == "KMS" {
		// without a key id OSS uses the account's default KMS key and
		// answers its id; the emulator's stand-in is a fixed id
		m.SSEKeyID = firstNonEmpty(h.Get("x-oss-server-side-encryption-key-id"), defaultKMSKeyID)
	}
	return nil
}

// defaultKMSKeyID stands in for the id of the account's default KMS key.
const defaultKMSKeyID = "ossemu-default-kms-key"

// sseHeaders answers the encryption an object was uploaded with.
func sseHeaders(h http.Header, m *disk.Meta) {
	if m.SSE == "" {
		return
	}
	h.Set("x-oss-server-side-encryption", m.SSE)
	if m.SSEData != "" {
		h.Set("x-oss-server-side-data-encryption", m.SSEData)
	}
	if m.SSEKeyID != "" {
		h.Set("x-oss-server-side-encryption-key-id", m.SSEKeyID)
	}
}
