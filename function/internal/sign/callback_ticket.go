package sign

import (
	"encoding/base64"
	"encoding/json"

	"github.com/ossgate/ossgate/signer"
)

// The custom variables every ticket's callback carries (OSS requires x:
// and lower case): who the ticket was signed for, and its profile. The
// record is built from the object's own metadata, which the policy pins;
// these only let the callback be logged and cross-checked.
const (
	varUploader = "x:uploader"
	varProfile  = "x:profile"
)

// callbackTemplate is the body OSS sends back, as JSON: OSS replaces each
// ${...} with the JSON value of the system or custom variable ("Callback"
// page, callbackBodyType application/json).
const callbackTemplate = `{"bucket":${bucket},"object":${object},"etag":${etag},"size":${size},"mimeType":${mimeType},` +
	`"uploader":${x:uploader},"profile":${x:profile}}`

// callbackParam is OSS's callback parameter: the JSON the "Callback" page
// describes, Base64-encoded.
type callbackParam struct {
	URL      string `json:"callbackUrl"`
	Body     string `json:"callbackBody"`
	BodyType string `json:"callbackBodyType"`
}

// encodeCallback returns the callback parameter asking OSS to POST
// callbackTemplate, as JSON, to url.
func encodeCallback(url string) string {
	b, _ := json.Marshal(callbackParam{URL: url, Body: callbackTemplate, BodyType: "application/json"}) // cannot fail
	return base64.StdEncoding.EncodeToString(b)
}

// callbackConditions are a form ticket's callback conditions, which also
// put the callback and its variables in the form: the callback field (c,
// the Handler's) and one eq per variable. nil when c is nil (no callback
// configured).
func callbackConditions(c *signer.Condition, uploader, profile string) []signer.Condition {
	if c == nil {
		return nil
	}
	return []signer.Condition{*c, signer.Eq(varUploader, uploader), signer.Eq(varProfile, profile)}
}

// callbackVar is the x-oss-callback-var header of a multipart completion:
// Base64 JSON of the variables.
func callbackVar(uploader, profile string) string {
	b, _ := json.Marshal(map[string]string{varUploader: uploader, varProfile: profile}) // cannot fail
	return base64.StdEncoding.EncodeToString(b)
}
