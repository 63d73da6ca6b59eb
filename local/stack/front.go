package stack

import (
	"net/http"
	"os"
	"path/filepath"
)

// frontHandler is the sign front's port: GET / and /demo/ serve the demo
// page (clients/web at /demo/web/, the shared clients/core at /demo/core/,
// which the page imports as ../core/), everything else goes to the sign
// function. The page calls /sign and /uploads on its own origin.
func frontHandler(sign http.Handler, demoDir string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", sign)
	web := filepath.Join(demoDir, "web", "index.html")
	if _, err := os.Stat(web); demoDir == "" || err != nil {
		mux.HandleFunc("GET /{$}", placeholder)
		mux.HandleFunc("GET /demo/", placeholder)
		return mux
	}
	files := http.StripPrefix("/demo/", http.FileServer(http.Dir(demoDir)))
	mux.Handle("GET /demo/web/", files)
	mux.Handle("GET /demo/core/", files)
	mux.Handle("GET /{$}", http.RedirectHandler("/demo/web/", http.StatusFound))
	mux.Handle("GET /demo/{$}", http.RedirectHandler("/demo/web/", http.StatusFound))
	return mux
}

const placeholderPage = `<!doctype html>
<meta charset="utf-8">
<title>ossgate (local)</title>
<h1>ossgate is running</h1>
<p>The demo page (clients/web) is not present. The sign function answers
<code>POST /sign</code> on this origin.</p>
`

func placeholder(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(placeholderPage))
}
