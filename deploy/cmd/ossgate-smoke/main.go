// Command ossgate-smoke checks a running deployment end to end, as a
// client would (`make smoke SIGN_URL=… TOKEN=…`): it signs a ticket for a
// small PNG, uploads it to OSS with the ticket, waits for the record
// function to record it, downloads it, fetches its thumbnail and deletes
// it, printing each step and its time. It exits non-zero at the first step
// that fails.
//
//	ossgate-smoke -sign-url https://upload.example.com -token "$TOKEN" [-profile image] [-wait 60s]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ossgate-smoke:", err)
		os.Exit(1)
	}
}

// options are the smoke test's inputs.
type options struct {
	signURL string // the sign function's base URL (a trailing /sign is dropped)
	token   string // a caller's JWT
	profile string // a profile that takes image/png
	wait    time.Duration
}

func parse(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("ossgate-smoke", flag.ContinueOnError)
	fs.StringVar(&o.signURL, "sign-url", os.Getenv("SIGN_URL"), "the sign function's URL (default $SIGN_URL)")
	fs.StringVar(&o.token, "token", os.Getenv("TOKEN"), "a caller's JWT (default $TOKEN)")
	fs.StringVar(&o.profile, "profile", "image", "a profile that allows image/png")
	fs.DurationVar(&o.wait, "wait", time.Minute, "how long to wait for the record")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.signURL = strings.TrimSuffix(strings.TrimRight(o.signURL, "/"), "/sign")
	o.token = strings.TrimPrefix(strings.TrimSpace(o.token), "Bearer ")
	if o.signURL == "" || o.token == "" {
		return o, errors.New("need the sign function's URL and a token: make smoke SIGN_URL=https://… TOKEN=…")
	}
	return o, nil
}

// ticket is the part of POST /sign's answer the smoke test uses.
type ticket struct {
	URL    string            `json:"url"`
	Key    string            `json:"key"`
	Fields map[string]string `json:"fields"`
}

// record is the part of a GET /uploads record the smoke test uses.
type record struct {
	ID           string `json:"id"`
	Key          string `json:"key"`
	Status       string `json:"status"`
	DownloadURL  string `json:"downloadUrl"`
	ThumbnailURL string `json:"thumbnailUrl"`
}

// smoke is one run: its options, client and output.
type smoke struct {
	o      options
	client *http.Client
	out    io.Writer
	start  time.Time
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	s := &smoke{o: o, client: &http.Client{Timeout: 30 * time.Second}, out: out, start: time.Now()}
	file, err := pngFile()
	if err != nil {
		return err
	}
	var t ticket
	var rec record
	steps := []struct {
		name string
		do   func() (string, error)
	}{
		{"sign", func() (string, error) { return s.sign(ctx, len(file), &t) }},
		{"upload", func() (string, error) { return s.upload(ctx, t, file) }},
		{"record", func() (string, error) { return s.awaitRecord(ctx, t.Key, &rec) }},
		{"download", func() (string, error) { return s.download(ctx, rec.DownloadURL, file) }},
		{"thumbnail", func() (string, error) { return s.thumbnail(ctx, rec.ThumbnailURL) }},
		{"delete", func() (string, error) { return s.delete(ctx, rec.ID) }},
	}
	for _, st := range steps {
		began := time.Now()
		detail, err := st.do()
		took := time.Since(began).Round(time.Millisecond)
		if err != nil {
			fmt.Fprintf(out, "FAIL %-9s %8s  %v\n", st.name, took, err)
			return fmt.Errorf("%s: %w", st.name, err)
		}
		fmt.Fprintf(out, "ok   %-9s %8s  %s\n", st.name, took, detail)
	}
	fmt.Fprintf(out, "smoke test passed in %s against %s\n", time.Since(s.start).Round(time.Millisecond), o.signURL)
	return nil
}

// pngWidth is the uploaded PNG's width: wider than the 256 px thumbnails,
// so that a thumbnail shows that OSS scaled it.
const pngWidth, pngHeight = 512, 320

// pngFile returns a small real PNG (a diagonal line, about 1 KB).
func pngFile() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, pngWidth, pngHeight))
	for i := range pngHeight {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// api calls the sign function: method path with body (JSON, or none),
// decoding a 2xx answer into out; another status is an error quoting the
// answer.
func (s *smoke) api(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.o.signURL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.o.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}

func (s *smoke) sign(ctx context.Context, size int, t *ticket) (string, error) {
	var answer struct {
		Uploads []ticket `json:"uploads"`
	}
	req := map[string]any{"profile": s.o.profile, "files": []map[string]any{{"name": "ossgate-smoke.png", "type": "image/png", "size": size}}}
	if err := s.api(ctx, http.MethodPost, "/sign", req, &answer); err != nil {
		return "", err
	}
	if len(answer.Uploads) != 1 || answer.Uploads[0].URL == "" || answer.Uploads[0].Key == "" {
		return "", fmt.Errorf("POST /sign: want one ticket, got %+v", answer)
	}
	*t = answer.Uploads[0]
	return t.Key, nil
}

// upload posts the form the ticket describes, the file last.
func (s *smoke) upload(ctx context.Context, t ticket, file []byte) (string, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range t.Fields {
		if err := w.WriteField(k, v); err != nil {
			return "", err
		}
	}
	fw, err := w.CreateFormFile("file", "ossgate-smoke.png")
	if err != nil {
		return "", err
	}
	if _, err := fw.Write(file); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, &body)
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := s.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("POST %s: %s: %s", t.URL, resp.Status, bytes.TrimSpace(b))
	}
	return fmt.Sprintf("%d bytes to %s (%s)", len(file), t.URL, resp.Status), nil
}

// awaitRecord polls GET /uploads until the upload's record is there.
func (s *smoke) awaitRecord(ctx context.Context, key string, rec *record) (string, error) {
	deadline := time.Now().Add(s.o.wait)
	for polls := 1; ; polls++ {
		var page struct {
			Records []record `json:"records"`
		}
		if err := s.api(ctx, http.MethodGet, "/uploads?limit=20&profile="+s.o.profile, nil, &page); err != nil {
			return "", err
		}
		for _, r := range page.Records {
			if r.Key != key {
				continue
			}
			if r.Status != "ok" {
				return "", fmt.Errorf("recorded with status %q, want ok", r.Status)
			}
			*rec = r
			return fmt.Sprintf("id %s after %d poll(s)", r.ID, polls), nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no record of %s after %s (is the record function's OSS trigger deployed?)", key, s.o.wait)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (s *smoke) get(ctx context.Context, url string) ([]byte, string, error) {
	if url == "" {
		return nil, "", errors.New("the record has no URL for it")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("GET: %s: %.200s", resp.Status, b)
	}
	return b, resp.Header.Get("Content-Type"), nil
}

func (s *smoke) download(ctx context.Context, url string, want []byte) (string, error) {
	got, _, err := s.get(ctx, url)
	if err != nil {
		return "", err
	}
	if !bytes.Equal(got, want) {
		return "", fmt.Errorf("downloaded %d bytes that differ from the %d uploaded", len(got), len(want))
	}
	return fmt.Sprintf("%d bytes, identical", len(got)), nil
}

func (s *smoke) thumbnail(ctx context.Context, url string) (string, error) {
	got, ctype, err := s.get(ctx, url)
	if err != nil {
		return "", err
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(got))
	if err != nil {
		return "", fmt.Errorf("the thumbnail (%s, %d bytes) is not an image: %w", ctype, len(got), err)
	}
	if cfg.Width > 256 || cfg.Width >= pngWidth {
		return "", fmt.Errorf("the thumbnail is %dx%d, not scaled to at most 256 px wide", cfg.Width, cfg.Height)
	}
	return fmt.Sprintf("%s %dx%d, %d bytes", format, cfg.Width, cfg.Height, len(got)), nil
}

func (s *smoke) delete(ctx context.Context, id string) (string, error) {
	var r record
	if err := s.api(ctx, http.MethodDelete, "/uploads/"+id, nil, &r); err != nil {
		return "", err
	}
	if r.Status != "deleted" {
		return "", fmt.Errorf("DELETE /uploads/%s answered status %q, want deleted", id, r.Status)
	}
	return "record " + id + " deleted", nil
}
