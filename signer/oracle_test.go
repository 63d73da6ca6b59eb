package signer

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/ossgate/ossgate/internal/oracletest"
)

// TestOracleVerifiesFuzzCorpus signs 200 inputs from the fuzz test's
// generator (fixed seed) and has ali-oss verify every form in one node
// process (testdata/oracle/signer-verify.js).
func TestOracleVerifiesFuzzCorpus(t *testing.T) {
	oracletest.Require(t)
	type item struct {
		Form   json.RawMessage `json:"form"`
		Secret string          `json:"secret"`
		Region string          `json:"region"`
	}
	var items []item
	var inputs []fuzzInput
	r := rand.New(rand.NewPCG(20240713, 3))
	for tries := 0; len(items) < 200 && tries < 1000; tries++ {
		in := randomInput(r)
		creds, p, region, at := in.build()
		form, err := Sign(creds, p, region, at)
		if err != nil {
			continue // the generator draws some invalid inputs on purpose
		}
		body, err := json.Marshal(form)
		if err != nil {
			t.Fatalf("marshal form: %v", err)
		}
		items = append(items, item{body, creds.AccessKeySecret, region})
		inputs = append(inputs, in)
	}
	if len(items) < 200 {
		t.Fatalf("got %d signed forms from 1000 draws, want 200", len(items))
	}
	var out struct {
		Results []struct {
			OK     bool     `json:"ok"`
			Errors []string `json:"errors"`
		} `json:"results"`
	}
	oracletest.Run(t, "signer-verify.js", map[string]any{"forms": items}, &out)
	if got, want := len(out.Results), len(items); got != want {
		t.Fatalf("oracle returned %d results, want %d", got, want)
	}
	for i, res := range out.Results {
		if !res.OK {
			t.Errorf("form %d (input %+v) rejected by ali-oss: %v", i, inputs[i], res.Errors)
		}
	}
}
