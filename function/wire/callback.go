package wire

// CallbackAnswer is the sign function's answer to OSS's upload callback
// (POST /callback), which OSS relays as the upload's own answer: the
// upload's checked record (status ok or quarantined, id, key, size,
// detected type, …).
type CallbackAnswer struct {
	Record Record `json:"record"`
}
