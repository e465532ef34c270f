// Package playground serves the backprop playground: an interactive page
// on which a learner builds a small network on a 2-D data set, trains it
// and watches the forward and the backward pass.
//
// The page computes nothing in JavaScript. Its numbers come from package
// engine, compiled to WebAssembly (playground/wasm, built by
// playground/build.sh into assets/engine.wasm), so they are the project's
// own nn, optim, train, data and explain code. The server only hands out
// the embedded files: the page, its script and style, the engine and Go's
// wasm_exec.js. It reads nothing from the file system and needs no
// network, so the page works offline.
//
// The server listens on the loopback interface unless Listen is given
// allowRemote. It does not log or print; the command that runs it does.
package playground

//go:generate sh build.sh

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed assets
var assets embed.FS

// contentTypes gives each served extension its type, so the response does
// not depend on the system's MIME tables. WebAssembly.instantiateStreaming
// requires application/wasm.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".wasm": "application/wasm",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
}

// contentSecurity lets the page load only its own files. 'wasm-unsafe-eval'
// is what compiling the engine needs; blob: URLs carry the downloads.
const contentSecurity = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string

	gzipOnce sync.Once
	gzipped  []byte // body compressed, for large files; nil when not worth it
}

// gzipMin is the size from which a file is also served compressed: the
// engine, about 6 MB, shrinks to about a quarter.
const gzipMin = 64 << 10

func (a *asset) compressed() []byte {
	a.gzipOnce.Do(func() {
		if len(a.body) < gzipMin {
			return
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		zw.Write(a.body)
		zw.Close()
		a.gzipped = b.Bytes()
	})
	return a.gzipped
}

// Handler returns the handler that serves the embedded page: "/" is
// index.html, and every other file of assets is served at its name.
// It serves GET and HEAD only, and responds 404 for any other path.
func Handler() http.Handler {
	files := map[string]*asset{}
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ct, ok := contentTypes[path.Ext(name)]
		if !ok {
			ct = "application/octet-stream"
		}
		files["/"+name] = &asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil {
		panic(err) // embed.FS reads from the binary, so only a build fault gets here
	}
	files["/"] = files["/index.html"]
	return &handler{files: files}
}

type handler struct {
	files map[string]*asset
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a := h.files[r.URL.Path]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("ETag", a.etag)
	// The page checks with the server on every load, so a rebuilt binary
	// never runs an old engine; an unchanged file costs a 304.
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Content-Security-Policy", contentSecurity)
	body := a.body
	if gz := a.compressed(); gz != nil {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			hdr.Set("Content-Encoding", "gzip")
			body = gz
		}
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding lists gzip
// with a nonzero quality.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			return strings.ReplaceAll(params, " ", "") != "q=0"
		}
	}
	return false
}

// Listen opens a TCP listener on addr, host:port, where port 0 picks a
// free port. Unless allowRemote is set, the host must be a loopback
// address (127.0.0.1, ::1) or "localhost", so that only this machine can
// reach the page; an empty host, which listens on every interface, is
// rejected too.
func Listen(addr string, allowRemote bool) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %v; give host:port, such as 127.0.0.1:8080", addr, err)
	}
	if !allowRemote && !isLoopback(host) {
		return nil, fmt.Errorf("address %q is reachable from other machines; use a loopback address such as 127.0.0.1:8080, or allow remote access explicitly (backprop playground --allow-remote)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !allowRemote && !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("address %q resolved to %s, which is not a loopback address", addr, tcp.IP)
	}
	return ln, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ShutdownTimeout is how long Serve waits for open requests once its
// context is done.
const ShutdownTimeout = 5 * time.Second

// Serve serves the page on ln until ctx is done, then shuts the server
// down gracefully: it stops accepting connections and waits up to
// ShutdownTimeout for requests in progress. It returns nil after a
// clean shutdown, or the error that stopped the server. errorLog
// receives the server's own errors, such as a failed TLS handshake from a
// client that spoke HTTPS; nil discards them.
func Serve(ctx context.Context, ln net.Listener, errorLog *log.Logger) error {
	if errorLog == nil {
		errorLog = log.New(io.Discard, "", 0)
	}
	srv := &http.Server{
		Handler:           Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          errorLog,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// URL returns the page's address for a listener from Listen, such as
// http://127.0.0.1:8080/.
func URL(ln net.Listener) string {
	return "http://" + ln.Addr().String() + "/"
}
