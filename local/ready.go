package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ossgate/ossgate/local/stack"
)

// ready is the line -ready-json prints: where everything is, and a fresh
// local AccessKey pair the local OSS endpoint accepts (to read objects back,
// or write its own).
type ready struct {
	SignURL         string `json:"signURL"` // POST {signURL}/sign, GET /uploads, GET /healthz
	DemoURL         string `json:"demoURL"`
	OSSURL          string `json:"ossURL"`       // path-style: {ossURL}/{bucket}/{key}
	OSSPublicURL    string `json:"ossPublicURL"` // where clients reach it: the -link proxy, else ossURL
	Bucket          string `json:"bucket"`
	Region          string `json:"region"`
	DataDir         string `json:"dataDir"`
	AccessKeyID     string `json:"accessKeyId"`
	AccessKeySecret string `json:"accessKeySecret"`
	// STSControlURL is the -sts-control test control, when on.
	STSControlURL string `json:"stsControlURL,omitempty"`
}

// writeReady writes st's ready line to w: one JSON object and a newline.
// controlURL is the STS test control's ("" when off).
func writeReady(w io.Writer, st *stack.Stack, controlURL string) error {
	key := st.AccessKey()
	return json.NewEncoder(w).Encode(ready{
		SignURL: st.SignURL, DemoURL: st.DemoURL, OSSURL: st.OSSURL, OSSPublicURL: st.OSSPublicURL, Bucket: st.Bucket, Region: st.Region,
		DataDir: st.DataDir, AccessKeyID: key.AccessKeyID, AccessKeySecret: key.AccessKeySecret, STSControlURL: controlURL,
	})
}

// waitAnswering returns once the sign front answers GET /healthz without a
// server error and the OSS endpoint answers at all, or when ctx ends.
func waitAnswering(ctx context.Context, st *stack.Stack) error {
	c := &http.Client{Timeout: 2 * time.Second}
	for _, u := range []string{st.SignURL + "/healthz", st.OSSURL + "/"} {
		for {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				return err
			}
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode < 500 {
					break
				}
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s does not answer: %w", u, ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return nil
}
