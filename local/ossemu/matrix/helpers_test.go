package matrix

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// oddKeys are the keys of the odd-keys row, by label, under a column prefix:
// a space, "+", "%", unicode, and one key of exactly 1023 bytes in all.
func oddKeys(prefix string) map[string]string {
	return map[string]string{
		"space": "odd/a b.txt", "plus": "odd/a+b.txt", "percent": "odd/100%.txt", "unicode": "odd/中文 ключ.txt",
		"1023-bytes": "long/" + strings.Repeat("k", 1023-len(prefix+"long/")),
	}
}

// listFixture are the keys (under list/) the listing rows page through:
// with delimiter "/" they are the entries a/, b, c/, d, e, f.
var listFixture = []string{"a/1", "a/2", "b", "c/x/1", "d", "e", "f"}

// page is one page of a listing: its keys, its common prefixes and the
// token (continuation token or marker) of the next page, "" on the last.
type page struct {
	keys, prefixes []string
	next           string
}

// pageThrough lists with "" and then each next token (at most 10 pages) and
// renders the whole listing's facts, keys relative to base.
func pageThrough(base string, list func(token string) (page, error)) (facts, error) {
	var keys, prefixes []string
	token, pages := "", 0
	for pages < 10 {
		p, err := list(token)
		if err != nil {
			return nil, err
		}
		pages++
		keys, prefixes = append(keys, p.keys...), append(prefixes, p.prefixes...)
		if p.next == "" {
			break
		}
		token = p.next
	}
	return facts{"keys": trimJoin(base, keys), "prefixes": trimJoin(base, prefixes), "pages": strconv.Itoa(pages)}, nil
}

// trimJoin removes prefix from every item and joins them with "|".
func trimJoin(prefix string, items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = strings.TrimPrefix(s, prefix)
	}
	return strings.Join(out, "|")
}

// answer is a plain HTTP answer: what a phone or browser fetching a
// presigned URL sees.
type answer struct {
	status int
	etag   string
	body   []byte
}

// outcome is "200", or "<status> <OSS code>" for an error answer.
func (a answer) outcome() string {
	if a.status < 300 {
		return strconv.Itoa(a.status)
	}
	return fmt.Sprintf("%d %s", a.status, xmlField(a.body, "Code"))
}

func xmlField(body []byte, name string) string {
	var e struct {
		Code string `xml:"Code"`
		EC   string `xml:"EC"`
	}
	_ = xml.Unmarshal(body, &e)
	return map[string]string{"Code": e.Code, "EC": e.EC}[name]
}

// fetch sends one plain HTTP request (no SDK) to a presigned URL.
func fetch(method, u string, h http.Header, body []byte) (answer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, etag: resp.Header.Get("ETag"), body: b}, err
}

// presignedLengthFacts PUTs the 5 bytes a URL signed content-length: 5 for,
// then 6 bytes.
func presignedLengthFacts(u string) (facts, error) {
	right, err := fetch(http.MethodPut, u, nil, []byte("abcde"))
	if err != nil {
		return nil, err
	}
	wrong, err := fetch(http.MethodPut, u, nil, []byte("abcdef"))
	if err != nil {
		return nil, err
	}
	pu, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
	return facts{"right": right.outcome(), "wrong": wrong.outcome(), "additional-headers": pu.Query().Get("x-oss-additional-headers")}, nil
}

// expiredFacts GETs an expired presigned URL.
func expiredFacts(u string) (facts, error) {
	a, err := fetch(http.MethodGet, u, nil, nil)
	return facts{"status": strconv.Itoa(a.status), "code": xmlField(a.body, "Code"), "ec": xmlField(a.body, "EC")}, err
}

// presignedPartsFacts PUTs part1 and "tail" to the presigned UploadPart
// URLs u1 and u2 (each signed for its content-length), and one byte too
// many to u1; complete finishes the upload with the ETags the two PUTs
// answered and returns the object's body.
func presignedPartsFacts(u1, u2 string, complete func(etag1, etag2 string) ([]byte, error)) (facts, error) {
	wrong, err := fetch(http.MethodPut, u1, nil, append(bytes.Clone(part1), 'x'))
	if err != nil {
		return nil, err
	}
	a1, err := fetch(http.MethodPut, u1, nil, part1)
	if err != nil {
		return nil, err
	}
	a2, err := fetch(http.MethodPut, u2, nil, []byte("tail"))
	if err != nil {
		return nil, err
	}
	body, err := complete(a1.etag, a2.etag)
	if err != nil {
		return nil, err
	}
	return facts{"part-1": a1.outcome(), "wrong-length": wrong.outcome(), "part-2": a2.outcome(),
		"size": strconv.Itoa(len(body)), "body-md5": md5Hex(body)}, nil
}
