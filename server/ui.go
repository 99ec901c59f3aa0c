package server

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"path"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

// notBuiltPage is served at / until the browser app is built and embedded.
var notBuiltPage = template.Must(template.New("ui").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Formloom</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#222}code,pre{background:#f4f4f4;padding:.1rem .3rem}pre{padding:.8rem;overflow:auto}</style>
</head><body>
<h1>Formloom</h1>
<p>The server is running, but the browser UI is not built yet. 浏览器界面尚未构建，可以先通过 API 使用。</p>
{{if .Setup}}<h2>First-run setup · 首次设置</h2>
<p>Create the first admin and workspace with:</p>
<pre>curl -X POST {{.Base}}/api/v1/setup -H 'Content-Type: application/json' \
  -d '{"token":"{{.Token}}","email":"you@example.com","name":"Your Name","password":"a long password","workspace":{"name":"My team"}}'</pre>
<p>or stop the server and run <code>formloom admin create --email you@example.com --name "Your Name"</code>.</p>{{end}}
<p>The API lives under <code>/api/v1</code>; its description is at <code>/api/v1/openapi.json</code> (sign in first). Health: <code>/healthz</code>.</p>
</body></html>
`))

// uiAsset is one file of the embedded bundle with its compressed forms,
// made once when the server starts; requests only pick one.
type uiAsset struct {
	ctype      string
	raw        []byte
	gzip, br   []byte // nil when compression does not pay off
	immutable  bool   // a content-hashed file under assets/
	compressed bool
}

// compressibleExt lists the bundle's text types; images and fonts are
// compressed already.
var compressibleExt = map[string]bool{".js": true, ".mjs": true, ".css": true, ".html": true, ".svg": true,
	".json": true, ".txt": true, ".map": true, ".xml": true, ".ico": true, ".webmanifest": true}

// minCompressBytes is the size below which compressing a file is not worth it.
const minCompressBytes = 512

// loadUI reads every file of the bundle and compresses its text files with
// gzip (best level) and brotli (level 6) once per process: about 0.4 s of
// CPU for the 2 MB bundle. Brotli's best level would save another 8% but
// costs 11 s in Go, too long for a start-up.
func loadUI(files fs.FS) (map[string]*uiAsset, error) {
	assets := map[string]*uiAsset{}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(name, ".") || strings.Contains(name, "/.") {
			return nil // .vite/manifest.json is build metadata, not served
		}
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		a := &uiAsset{ctype: mime.TypeByExtension(path.Ext(name)), raw: b, immutable: strings.HasPrefix(name, "assets/")}
		if a.ctype == "" {
			a.ctype = fiber.MIMEOctetStream
		}
		if compressibleExt[path.Ext(name)] && len(b) >= minCompressBytes {
			a.compressed = true
			if a.gzip, err = gzipBytes(b); err != nil {
				return err
			}
			if a.br, err = brotliBytes(b); err != nil {
				return err
			}
			// Keep a form only when it saves at least a tenth.
			if len(a.gzip) > len(b)*9/10 {
				a.gzip = nil
			}
			if len(a.br) > len(b)*9/10 {
				a.br = nil
			}
		}
		assets[name] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("server: load ui: %w", err)
	}
	return assets, nil
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func brotliBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, 6)
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ui serves the browser app: files of the embedded bundle by path, and
// index.html for every other path, so the app's history-API routes
// (/apps/…, /setup) load the app. API paths never fall back to the page.
func (s *Server) ui(c *fiber.Ctx) error {
	p := c.Path()
	if strings.HasPrefix(p, "/api/") || p == "/api" {
		return fiber.ErrNotFound
	}
	if s.assets == nil {
		return s.notBuilt(c)
	}
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	a, ok := s.assets[name]
	if !ok && strings.HasPrefix(name, "assets/") {
		// A hashed file of another build: index.html in its place would be
		// cached as script for a year.
		return fiber.ErrNotFound
	}
	if !ok || name == "" {
		if a, ok = s.assets["index.html"]; !ok {
			return s.notBuilt(c)
		}
	}
	if a.immutable {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderContentType, a.ctype)
	body := a.raw
	if a.compressed {
		c.Vary(fiber.HeaderAcceptEncoding)
		switch {
		case a.br != nil && acceptsEncoding(c, "br"):
			c.Set(fiber.HeaderContentEncoding, "br")
			body = a.br
		case a.gzip != nil && acceptsEncoding(c, "gzip"):
			c.Set(fiber.HeaderContentEncoding, "gzip")
			body = a.gzip
		}
	}
	return c.Send(body)
}

// acceptsEncoding reports whether the request's Accept-Encoding allows enc
// (named, or through "*", and not with q=0).
func acceptsEncoding(c *fiber.Ctx, enc string) bool {
	for _, part := range strings.Split(c.Get(fiber.HeaderAcceptEncoding), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, enc) && name != "*" {
			continue
		}
		if v, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if q, err := strconv.ParseFloat(v, 64); err == nil && q <= 0 {
				return false
			}
		}
		return true
	}
	return false
}

func (s *Server) notBuilt(c *fiber.Ctx) error {
	data := struct {
		Setup bool
		Base  string
		Token string
	}{Base: strings.TrimRight(s.cfg.BaseURL, "/")}
	if c.Path() == "/setup" {
		data.Setup = true
		data.Token = c.Query("token")
		if data.Token == "" {
			data.Token = "<setup token>"
		}
	}
	if data.Base == "" {
		data.Base = c.BaseURL()
	}
	var b strings.Builder
	if err := notBuiltPage.Execute(&b, data); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
	return c.SendString(b.String())
}
