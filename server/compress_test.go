package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/server"
	"github.com/formloom/formloom/ui"
)

// startWithUI runs a real server that serves the embedded browser app and
// returns its base URL and an admin session token.
func startWithUI(t *testing.T) (string, string) {
	t.Helper()
	if !ui.Built() {
		t.Skip("built with -tags noui")
	}
	ctx := context.Background()
	st := openSQLite(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := engine.New(ctx, st, engine.Options{Logger: quiet, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(ctx, e, st, auth.Options{LoginPerIP: 1000, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: quiet, Engine: e, Builder: builder.New(e), Auth: a, UI: ui.FS()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	en := &env{t: t, base: "http://" + ln.Addr().String(), client: &http.Client{Timeout: 30 * time.Second}}
	res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": a.NewSetupToken(), "email": "admin@example.com", "name": "管理员",
		"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil).expect(201)
	return en.base, res.str("token")
}

// get sends a GET with the given Accept-Encoding (set explicitly, so Go's
// client does not decompress on its own) and returns the answer and its
// decoded body.
func get(t *testing.T, url, token, acceptEncoding string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	tr := &http.Transport{DisableCompression: true}
	res, err := (&http.Client{Transport: tr, Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	switch res.Header.Get("Content-Encoding") {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: bad gzip: %v", url, err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: bad gzip: %v", url, err)
		}
	case "br":
		if body, err = io.ReadAll(brotli.NewReader(bytes.NewReader(raw))); err != nil {
			t.Fatalf("%s: bad brotli: %v", url, err)
		}
	case "":
		body = raw
	default:
		t.Fatalf("%s: unexpected Content-Encoding %q", url, res.Header.Get("Content-Encoding"))
	}
	return res, body
}

// TestCompression checks that the browser app's files come pre-compressed
// (brotli preferred, else gzip, else plain) with immutable caching on hashed
// files, and that large API answers are compressed for a client that accepts it.
func TestCompression(t *testing.T) {
	base, token := startWithUI(t)
	_, index := get(t, base+"/", "", "")
	script := regexp.MustCompile(`/assets/[^"]+\.js`).Find(index)
	if script == nil {
		t.Fatalf("index.html names no script: %s", index)
	}
	want, err := fs.ReadFile(ui.FS(), strings.TrimPrefix(string(script), "/"))
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		name, path, token, accept, encoding, cache string
	}{
		{"asset, gzip", string(script), "", "gzip", "gzip", "immutable"},
		{"asset, brotli preferred", string(script), "", "gzip, deflate, br", "br", "immutable"},
		{"asset, brotli refused", string(script), "", "br;q=0, gzip", "gzip", "immutable"},
		{"asset, no compression", string(script), "", "identity", "", "immutable"},
		{"index, gzip", "/", "", "gzip", "gzip", "no-cache"},
		{"app route, gzip", "/apps/x/forms", "", "gzip", "gzip", "no-cache"},
		{"large API answer, gzip", "/api/v1/openapi.json", token, "gzip", "gzip", "no-store"},
		{"large API answer, brotli", "/api/v1/openapi.json", token, "br", "br", "no-store"},
		{"large API answer, no compression", "/api/v1/openapi.json", token, "", "", "no-store"},
		{"small API answer stays plain", "/api/v1/me", token, "gzip", "", "no-store"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			res, body := get(t, base+sc.path, sc.token, sc.accept)
			if res.StatusCode != 200 {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			if got := res.Header.Get("Content-Encoding"); got != sc.encoding {
				t.Fatalf("Content-Encoding %q, want %q", got, sc.encoding)
			}
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, sc.cache) {
				t.Fatalf("Cache-Control %q, want %q", cc, sc.cache)
			}
			if strings.HasPrefix(sc.path, "/assets/") {
				if !bytes.Equal(body, want) {
					t.Fatalf("decoded asset differs from the embedded file (%d vs %d bytes)", len(body), len(want))
				}
				if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
					t.Fatalf("no Vary: Accept-Encoding: %v", res.Header)
				}
			}
			if strings.HasPrefix(sc.path, "/api/v1/openapi") && !bytes.Contains(body, []byte(`"openapi"`)) {
				t.Fatalf("decoded API answer is not the document: %.200s", body)
			}
		})
	}
	// A hashed file of another build is not answered with index.html.
	if res, _ := get(t, base+"/assets/gone-0000.js", "", "gzip"); res.StatusCode != 404 {
		t.Fatalf("missing asset: status %d, want 404", res.StatusCode)
	}
}
