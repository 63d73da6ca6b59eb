package signer

// Credentials are the AccessKey pair, and for temporary (STS) credentials the
// security token, that a policy is signed with. They are passed as a value on
// every call and never stored by this package.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	// SecurityToken is set for STS credentials (FC execution roles always
	// have one); empty for a long-term AccessKey.
	SecurityToken string
}

// String hides the secret and token so credentials never leak through %v or logs.
func (c Credentials) String() string {
	return "signer.Credentials{AccessKeyID:" + c.AccessKeyID + ", AccessKeySecret:<redacted>, SecurityToken:<redacted>}"
}

// GoString gives %#v the same redaction as String.
func (c Credentials) GoString() string { return c.String() }
