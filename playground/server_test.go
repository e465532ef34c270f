package playground

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandlerServesAssets(t *testing.T) {
	h := Handler()
	tests := []struct {
		path, contentType, contains string
	}{
		{"/", "text/html; charset=utf-8", "backprop playground"},
		{"/index.html", "text/html; charset=utf-8", `src="app.js"`},
		{"/app.js", "text/javascript; charset=utf-8", "backpropEngine"},
		{"/style.css", "text/css; charset=utf-8", ":root"},
		{"/wasm_exec.js", "text/javascript; charset=utf-8", "globalThis.Go = class"},
		{"/favicon.svg", "image/svg+xml", "<svg"},
		{"/engine.wasm", "application/wasm", "\x00asm"},
	}
	for i, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		res := rec.Result()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%d: GET %s = %d", i, tt.path, res.StatusCode)
			continue
		}
		if ct := res.Header.Get("Content-Type"); ct != tt.contentType {
			t.Errorf("%d: GET %s: Content-Type %q, want %q", i, tt.path, ct, tt.contentType)
		}
		if !bytes.Contains(body, []byte(tt.contains)) {
			t.Errorf("%d: GET %s: body does not contain %q", i, tt.path, tt.contains)
		}
		for _, hdr := range []string{"Content-Security-Policy", "X-Content-Type-Options", "ETag"} {
			if res.Header.Get(hdr) == "" {
				t.Errorf("%d: GET %s: no %s header", i, tt.path, hdr)
			}
		}
	}
}

func TestHandlerRejects(t *testing.T) {
	h := Handler()
	tests := []struct {
		method, path string
		status       int
	}{
		{"GET", "/missing.js", http.StatusNotFound},
		{"GET", "/assets/app.js", http.StatusNotFound},
		{"GET", "/../server.go", http.StatusNotFound},
		{"GET", "/etc/passwd", http.StatusNotFound},
		{"POST", "/", http.StatusMethodNotAllowed},
		{"PUT", "/app.js", http.StatusMethodNotAllowed},
		{"HEAD", "/app.js", http.StatusOK},
	}
	for i, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.status {
			t.Errorf("%d: %s %s = %d, want %d", i, tt.method, tt.path, rec.Code, tt.status)
		}
	}
}

func TestHandlerGzipAndETag(t *testing.T) {
	h := Handler()
	plain := httptest.NewRecorder()
	h.ServeHTTP(plain, httptest.NewRequest("GET", "/engine.wasm", nil))
	if plain.Header().Get("Content-Encoding") != "" {
		t.Errorf("a request without Accept-Encoding got %q", plain.Header().Get("Content-Encoding"))
	}

	req := httptest.NewRequest("GET", "/engine.wasm", nil)
	req.Header.Set("Accept-Encoding", "br, gzip;q=0.8")
	zipped := httptest.NewRecorder()
	h.ServeHTTP(zipped, req)
	if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip request: Content-Encoding %q, Vary %q", zipped.Header().Get("Content-Encoding"), zipped.Header().Get("Vary"))
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain.Body.Bytes()) {
		t.Error("the gzip body does not decompress to the engine")
	}
	if zipped.Body.Len() >= plain.Body.Len()/2 {
		t.Errorf("gzip body %d bytes for %d; want less than half", zipped.Body.Len(), plain.Body.Len())
	}

	req = httptest.NewRequest("GET", "/engine.wasm", nil)
	req.Header.Set("Accept-Encoding", "gzip;q=0")
	refused := httptest.NewRecorder()
	h.ServeHTTP(refused, req)
	if refused.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}

	req = httptest.NewRequest("GET", "/app.js", nil)
	first := httptest.NewRecorder()
	h.ServeHTTP(first, req)
	req.Header.Set("If-None-Match", first.Header().Get("ETag"))
	again := httptest.NewRecorder()
	h.ServeHTTP(again, req)
	if again.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag gave %d, want 304", again.Code)
	}
}

func TestListen(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		ln, err := Listen(addr, false)
		if err != nil {
			t.Errorf("Listen(%q): %v", addr, err)
			continue
		}
		if u := URL(ln); !strings.HasPrefix(u, "http://") || strings.HasSuffix(u, ":0/") {
			t.Errorf("URL = %q, want the port picked", u)
		}
		ln.Close()
	}
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "example.com:80", "192.0.2.1:80"} {
		if ln, err := Listen(addr, false); err == nil || !strings.Contains(err.Error(), "other machines") {
			t.Errorf("Listen(%q, false) = %v, want an error about other machines", addr, err)
			if ln != nil {
				ln.Close()
			}
		}
	}
	if _, err := Listen("8080", false); err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Errorf(`Listen("8080") = %v, want a host:port error`, err)
	}
}

func TestServeShutsDown(t *testing.T) {
	ln, err := Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, nil) }()
	res, err := http.Get(URL(ln) + "style.css")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET style.css = %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v after a clean shutdown", err)
		}
	case <-time.After(ShutdownTimeout + 2*time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if _, err := http.Get(URL(ln)); err == nil {
		t.Error("the server still answers after shutdown")
	}
}
