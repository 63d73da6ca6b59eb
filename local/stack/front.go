package stack

import (
	"net/http"
	"os"
	"path/filepath"
)

// frontHandler is the sign front's port: GET / and /demo/ redirect to the
// demo page, /demo/web/ serves the page (clients/web) and /demo/pkg/ the
// npm package as `npm pack` ships it, unpacked into clients/dist/package by
// `npm run build` (make run builds it): the page imports the package's
// browser entry from there, so it runs what a developer installs.
// Everything else goes to the sign function. The page calls /sign and
// /uploads on its own origin.
func frontHandler(sign http.Handler, demoDir string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", sign)
	web := filepath.Join(demoDir, "web", "index.html")
	if _, err := os.Stat(web); demoDir == "" || err != nil {
		mux.HandleFunc("GET /{$}", placeholder)
		mux.HandleFunc("GET /demo/", placeholder)
		return mux
	}
	mux.Handle("GET /demo/web/", http.StripPrefix("/demo/", http.FileServer(http.Dir(demoDir))))
	mux.Handle("GET /demo/pkg/", http.StripPrefix("/demo/pkg/", packageFiles(filepath.Join(demoDir, "dist", "package"))))
	mux.Handle("GET /{$}", http.RedirectHandler("/demo/web/", http.StatusFound))
	mux.Handle("GET /demo/{$}", http.RedirectHandler("/demo/web/", http.StatusFound))
	return mux
}

// packageFiles serves the unpacked package in dir, or, while it is not
// built, a 404 that says how to build it (looked up on every request, so a
// build after the start is served).
func packageFiles(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
			http.Error(w, "the clients package is not built: run `npm run build` in clients/ (make run does)", http.StatusNotFound)
			return
		}
		files.ServeHTTP(w, r)
	})
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
