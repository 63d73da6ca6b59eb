package sign

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ossgate/ossgate/function/internal/upload"
	"github.com/ossgate/ossgate/function/wire"
	"github.com/ossgate/ossgate/signer"
)

// TestAppendResponseMatchesMarshal pins the hand-written encoder to
// encoding/json's output for the same value.
func TestAppendResponseMatchesMarshal(t *testing.T) {
	form, err := signer.Sign(testCreds, signer.Policy{
		Expiration: testNow.Add(time.Minute),
		Conditions: []signer.Condition{signer.Eq("key", "a/<b>&\"c\"\\ 中文 🙂"), signer.Eq(upload.MetaFilename, "\u2028")},
	}, "cn-hangzhou", testNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range []wire.SignResponse{
		{Uploads: []wire.Ticket{}},
		{Uploads: []wire.Ticket{
			{URL: "https://b.oss-cn-hangzhou.aliyuncs.com", Key: "k1", Fields: form, ExpiresAt: testNow, MaxSize: 1, ObjectURL: "https://x/<k1>"},
			{URL: "u", Key: "\x01\x7f", Fields: signer.Form{}, ExpiresAt: testNow.Add(time.Second), MaxSize: 1 << 40, ObjectURL: "o"},
		}},
	} {
		want, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendResponse(nil, res); string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}
