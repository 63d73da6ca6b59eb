package greenemu_test

import (
	"net/url"
	"testing"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ossgate/ossgate/local/greenemu"
)

// TestSignatureKnownAnswer: the signature of the RPC signature
// documentation's example request (DescribeRegions, AccessKeyId testid,
// secret testsecret), and the OpenAPI client's own for the same and for
// parameters that need escaping.
func TestSignatureKnownAnswer(t *testing.T) {
	doc := url.Values{
		"AccessKeyId": {"testid"}, "Action": {"DescribeRegions"}, "Format": {"XML"}, "SignatureMethod": {"HMAC-SHA1"},
		"SignatureNonce": {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"}, "SignatureVersion": {"1.0"},
		"Timestamp": {"2016-02-23T12:46:24Z"}, "Version": {"2014-05-26"},
	}
	const wantSTS = "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1" +
		"%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z" +
		"%26Version%3D2014-05-26"
	if got := greenemu.StringToSign("GET", doc); got != wantSTS {
		t.Errorf("StringToSign:\n got %s\nwant %s", got, wantSTS)
	}
	if got, want := greenemu.Signature("GET", doc, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY="; got != want {
		t.Errorf("Signature: got %s, want %s", got, want)
	}
	odd := url.Values{"Action": {"ImageModeration"}, "ServiceParameters": {`{"ossObjectName":"uploads/a b/ü*~.png","dataId":"x+y"}`},
		"Service": {"baselineCheck"}, "Timestamp": {"2026-11-25T13:00:00Z"}}
	for _, p := range []url.Values{doc, odd} {
		m := map[string]*string{}
		for k := range p {
			m[k] = dara.String(p.Get(k))
		}
		for _, method := range []string{"GET", "POST"} {
			want := dara.StringValue(openapiutil.GetRPCSignature(m, dara.String(method), dara.String("s3cr3t")))
			if got := greenemu.Signature(method, p, "s3cr3t"); got != want {
				t.Errorf("Signature(%s, %v): got %s, the OpenAPI client's %s", method, p, got, want)
			}
		}
	}
}
