package bench

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"time"

	"github.com/ossgate/ossgate/internal/testdb"
	"github.com/ossgate/ossgate/internal/testutil"
	"github.com/ossgate/ossgate/local/fcemu"
	"github.com/ossgate/ossgate/local/ossemu"
	"github.com/ossgate/ossgate/local/stack"
)

// Sizes of the records phase: uploads of one user, then pages of
// GET /uploads of PageSize records, PageRounds of them.
const (
	RecordsUploads = 100
	PageSize       = 20
	PageRounds     = 60
)

// recordStores are the stores the records phase measures: the OSS store
// (no database) and the SQL store on a throw-away server of each kind.
var recordStores = []struct {
	id, label string
	db        testdb.Kind // "" for the OSS store
}{
	{"oss", "OSS store", ""},
	{"mariadb", "MariaDB store", testdb.MariaDB},
	{"postgres", "PostgreSQL store", testdb.Postgres},
}

// Records measures each record store on the whole stack (the real binary
// under the emulator, the local OSS endpoint): RecordsUploads real uploads
// of one user (ticket from /sign, form posted), recorded by the record
// function; then GET /uploads pages of PageSize. The OSS requests are
// counted by the local OSS endpoint itself (ossemu.Requests), so they are
// what the functions really sent: per record, the record function's (the
// uploads' own PostObject left out); per page, the sign function's.
func (r *Runner) Records(ctx context.Context) error {
	code, err := r.codeDir(ctx)
	if err != nil {
		return err
	}
	for _, s := range recordStores {
		if err := r.recordsOf(ctx, code, s.id, s.label, s.db); err != nil {
			return fmt.Errorf("bench: records %s: %w", s.id, err)
		}
	}
	return nil
}

func (r *Runner) recordsOf(ctx context.Context, code, id, label string, kind testdb.Kind) error {
	var env []string
	if kind != "" {
		srv, err := testdb.Start(ctx, kind)
		if err != nil {
			return err
		}
		defer srv.Close()
		env = append(env, "OSSGATE_RECORDS_DSN="+srv.DSN())
	}
	st, err := stack.Start(ctx, stack.Config{CodeDir: code, DataDir: filepath.Join(r.Work, "records-"+id),
		JWTSecret: r.Fixture.JWTSecret, Env: env, Events: fcemu.AsyncConfig{QueueSize: RecordsUploads + 16, RetryBase: 50 * time.Millisecond}})
	if err != nil {
		return err
	}
	defer st.Close()
	c := &http.Client{Timeout: 20 * time.Second}
	authz := testutil.Token(r.Fixture.JWTSecret, "bench-records-user", time.Hour)
	before := st.OSS.Requests()
	err = testutil.Parallel(RecordsUploads, 4, func(i int) error {
		body := testutil.PNGFile("bench-records", i)
		tk, err := testutil.AskTicket(c, st.SignURL, authz, "avatar", "bench.png", "image/png", len(body))
		if err != nil {
			return err
		}
		return testutil.PostForm(c, tk, "image/png", body)
	})
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := st.Record.Drain(dctx); err != nil {
		return err
	}
	rec := st.OSS.Requests().Sub(before)
	delete(rec, "PostObject") // the uploads themselves
	cmd := fmt.Sprintf("ossgate-bench records phase (%s): %d uploads of one user (POST /sign, PostObject) → record function (drained); OSS requests counted by the local OSS endpoint",
		label, RecordsUploads)
	perRec := float64(rec.Total()) / RecordsUploads
	f := Figure{ID: "records_oss_requests_per_record_" + id, What: "record function: OSS requests per record, " + label,
		Value: perRec, Unit: "requests", Command: cmd, Note: perRecord(rec)}
	if id == "oss" { // the common case: every upload recorded ok, none quarantined
		f = Targeted(f, "≤ 2", perRec <= 2)
	}
	r.Results.Add(f)
	return r.pagesOf(ctx, st, c, authz, id, label)
}

// perRecord describes the requests of RecordsUploads records, per record.
func perRecord(req ossemu.Requests) string {
	names := make([]string, 0, len(req))
	for k := range req {
		names = append(names, k)
	}
	sort.Strings(names)
	s := "per record:"
	for _, k := range names {
		s += fmt.Sprintf(" %s %s", k, num(float64(req[k])/RecordsUploads))
	}
	return s
}

// pagesOf measures GET /uploads: the first page after the uploads, then
// PageRounds pages (the first and the second alternately), their OSS
// requests and latency.
func (r *Runner) pagesOf(ctx context.Context, st *stack.Stack, c *http.Client, authz, id, label string) error {
	page := func(cursor string) (string, time.Duration, ossemu.Requests, error) {
		var p struct {
			Records []struct{ ID string } `json:"records"`
			Next    string                `json:"next"`
		}
		before := st.OSS.Requests()
		t0 := time.Now()
		err := testutil.Call(c, st.SignURL, authz, http.MethodGet, fmt.Sprintf("/uploads?limit=%d&cursor=%s", PageSize, cursor), nil, &p)
		el := time.Since(t0)
		if err == nil && len(p.Records) != PageSize {
			err = fmt.Errorf("GET /uploads: got %d records, want %d", len(p.Records), PageSize)
		}
		return p.Next, el, st.OSS.Requests().Sub(before), err
	}
	next, _, first, err := page("")
	if err != nil {
		return err
	}
	cmd := fmt.Sprintf("ossgate-bench records phase (%s): GET /uploads?limit=%d after %d records (2 sign instances); OSS requests counted by the local OSS endpoint",
		label, PageSize, RecordsUploads)
	r.Results.Add(Figure{ID: "uploads_first_page_oss_requests_" + id, What: "GET /uploads: OSS requests of the first page after the uploads, " + label,
		Value: float64(first.Total()), Unit: "requests", Command: cmd, Note: first.String()})
	var lat []time.Duration
	total := ossemu.Requests{}
	for i := range PageRounds {
		cur := ""
		if i%2 == 1 {
			cur = next
		}
		_, el, req, err := page(cur)
		if err != nil {
			return err
		}
		lat = append(lat, el)
		for k, v := range req {
			total[k] += v
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	perPage := float64(total.Total()) / PageRounds
	f := Figure{ID: "uploads_page_oss_requests_" + id, What: fmt.Sprintf("GET /uploads: OSS requests per page of %d, %s", PageSize, label),
		Value: perPage, Unit: "requests", Command: cmd + fmt.Sprintf("; %d pages", PageRounds), Note: total.String() + " over all pages"}
	if id == "oss" {
		f = Targeted(f, "≤ 2", perPage <= 2)
	}
	r.Results.Add(f)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	r.Results.Add(Figure{ID: "uploads_page_p50_" + id, What: fmt.Sprintf("GET /uploads: latency per page of %d, %s, p50", PageSize, label),
		Value: ms(lat[len(lat)/2]), Unit: "ms", Command: cmd + fmt.Sprintf("; %d pages, one at a time", PageRounds)})
	r.Results.Add(Figure{ID: "uploads_page_p90_" + id, What: fmt.Sprintf("GET /uploads: latency per page of %d, %s, p90", PageSize, label),
		Value: ms(lat[len(lat)*9/10]), Unit: "ms", Command: cmd + fmt.Sprintf("; %d pages, one at a time", PageRounds)})
	r.logf("records %s: first page %v; %.2f OSS requests a page; p50 %.2f ms", id, first, perPage, ms(lat[len(lat)/2]))
	return nil
}
