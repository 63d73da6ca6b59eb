package sign

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ossgate/ossgate/function/internal/creds"
	"github.com/ossgate/ossgate/internal/oracletest"
)

type oracleTicket struct {
	Fields map[string]string `json:"fields"`
}

type oracleResult struct {
	Signature string   `json:"signature"`
	Errors    []string `json:"errors"`
}

// TestTicketsVerifyWithALiOSS signs a batch of tickets through the whole
// handler (several profiles, users, names, with and without an STS token)
// and has ali-oss check every one in one node run. A tampered copy of the
// first ticket must be flagged, so the oracle can fail.
func TestOracleTicketsVerifyWithAliOSS(t *testing.T) {
	oracletest.Require(t)
	f := newFixture(t, nil)
	longTerm := creds.Credentials{AccessKeyID: "LTAItestKeyId", AccessKeySecret: "testLongTermSecret"}
	names := []string{"me.png", "我的 头像.png", "a+b%20c&d=e?.png", "🙂.png", "x\"<y>'.png", strings.Repeat("名", 85)}
	users := []string{"alice", "bob@example.com", "auth0|12345", "a/b", strings.Repeat("u", 100)}
	var tickets []oracleTicket
	for i, name := range names {
		for j, user := range users {
			c := testCreds
			if (i+j)%2 == 1 {
				c = longTerm
			}
			body := fmt.Sprintf(`{"profile":"multi","files":[{"name":%q,"type":"image/png","size":%d},{"name":"d.pdf","type":"application/pdf","size":1000}]}`, name, 1+i*10+j)
			w := f.do(request{method: "POST", path: "/sign", authz: token(t, user), body: body, creds: &c})
			if w.Code != 200 {
				t.Fatalf("name %q user %q: status %d: %s", name, user, w.Code, w.Body)
			}
			for _, u := range decodeUploads(t, w.Body.Bytes()) {
				tickets = append(tickets, oracleTicket{u.Fields})
			}
		}
	}
	tampered := map[string]string{}
	for k, v := range tickets[0].Fields {
		tampered[k] = v
	}
	tampered["key"] += "x"
	tickets = append(tickets, oracleTicket{tampered})

	// One node run per secret: tickets signed with the STS credentials,
	// then those signed with the long-term key.
	var sts, lt []oracleTicket
	for _, tk := range tickets {
		if strings.HasPrefix(tk.Fields["x-oss-credential"], "STS.") {
			sts = append(sts, tk)
		} else {
			lt = append(lt, tk)
		}
	}
	var stsOut, ltOut struct {
		Results []oracleResult `json:"results"`
	}
	oracletest.Run(t, "sign-verify.js", map[string]any{"secret": testCreds.AccessKeySecret, "tickets": sts}, &stsOut)
	oracletest.Run(t, "sign-verify.js", map[string]any{"secret": longTerm.AccessKeySecret, "tickets": lt}, &ltOut)
	check := func(batch []oracleTicket, results []oracleResult) {
		if len(results) != len(batch) {
			t.Fatalf("oracle: got %d results, want %d", len(results), len(batch))
		}
		for i, r := range results {
			isTampered := batch[i].Fields["key"] == tampered["key"]
			if isTampered {
				if len(r.Errors) == 0 {
					t.Errorf("tampered ticket: ali-oss found no error")
				}
				continue
			}
			if len(r.Errors) > 0 || r.Signature != batch[i].Fields["x-oss-signature"] {
				t.Errorf("ticket %s: ali-oss: %v (signature %s)", batch[i].Fields["key"], r.Errors, r.Signature)
			}
		}
	}
	check(sts, stsOut.Results)
	check(lt, ltOut.Results)
	if len(sts) < 20 || len(lt) < 20 {
		t.Errorf("batches of %d and %d tickets, want at least 20 each", len(sts), len(lt))
	}
}
