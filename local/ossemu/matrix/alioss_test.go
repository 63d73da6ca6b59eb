package matrix

import (
	"testing"

	"github.com/ossgate/ossgate/internal/oracletest"
)

// aliColumns are the ali-oss 6.23.0 columns: V1 and V4 signing, each
// path-style and virtual-host style.
var aliColumns = []struct {
	col   column
	v4    bool
	style string
}{
	{newColumn("ali-oss/v1/path", "ali-oss 6.23.0, V1, path style"), false, "path"},
	{newColumn("ali-oss/v1/vhost", "ali-oss 6.23.0, V1, virtual-host style"), false, "vhost"},
	{newColumn("ali-oss/v4/path", "ali-oss 6.23.0, V4, path style"), true, "path"},
	{newColumn("ali-oss/v4/vhost", "ali-oss 6.23.0, V4, virtual-host style"), true, "vhost"},
}

type aliCredential struct {
	AccessKeyID     string `json:"accessKeyId"`
	AccessKeySecret string `json:"accessKeySecret"`
	SecurityToken   string `json:"securityToken"`
}

type aliColumn struct {
	Name   string `json:"name"`
	V4     bool   `json:"v4"`
	Style  string `json:"style"`
	Prefix string `json:"prefix"`
}

type aliInput struct {
	Endpoint           string        `json:"endpoint"`
	Bucket             string        `json:"bucket"`
	Region             string        `json:"region"`
	STS                aliCredential `json:"sts"`
	Expired            aliCredential `json:"expired"`
	UnknownAccessKeyID string        `json:"unknownAccessKeyId"`
	Rows               []string      `json:"rows"`
	Columns            []aliColumn   `json:"columns"`
}

// runAliOSS runs testdata/oracle/matrix.js once for the four ali-oss
// columns, against one server (their keys differ by prefix; ali-oss keeps
// its own clock, so no column moves the server's), and checks every cell.
func runAliOSS(t *testing.T, sum *summary) {
	e := newEnv(t)
	in := aliInput{
		Endpoint: e.url, Bucket: bucket, Region: region,
		STS:                aliCredential{stsAK, stsSecret, stsToken},
		Expired:            aliCredential{expiredAK, stsSecret, stsToken},
		UnknownAccessKeyID: unknownAK,
	}
	for _, r := range rows {
		in.Rows = append(in.Rows, r.id)
	}
	for _, c := range aliColumns {
		in.Columns = append(in.Columns, aliColumn{Name: c.col.name, V4: c.v4, Style: c.style, Prefix: c.col.prefix})
	}
	var out map[string]any
	oracletest.Run(t, "matrix.js", in, &out)
	for _, c := range aliColumns {
		t.Run(c.col.name, func(t *testing.T) {
			cells := decodeCells(t, out[c.col.name])
			for _, r := range rows {
				t.Run(r.id, func(t *testing.T) {
					cl, ok := cells[r.id]
					if !ok {
						cl.Error = "matrix.js reported nothing for this row"
					}
					sum.check(t, c.col, r, cl)
				})
			}
			t.Run("events", func(t *testing.T) { sum.check(t, c.col, eventsRow, e.eventFacts(c.col)) })
		})
	}
}
