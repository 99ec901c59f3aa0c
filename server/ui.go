package server

import (
	"html/template"
	"io/fs"
	"mime"
	"path"
	"strings"

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

// ui serves the browser app: files of the embedded bundle by path, and
// index.html for every other path, so the app's history-API routes
// (/apps/…, /setup) load the app. API paths never fall back to the page.
func (s *Server) ui(c *fiber.Ctx) error {
	p := c.Path()
	if strings.HasPrefix(p, "/api/") || p == "/api" {
		return fiber.ErrNotFound
	}
	if s.cfg.UI == nil {
		return s.notBuilt(c)
	}
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	if name != "" && name != "index.html" {
		if b, err := fs.ReadFile(s.cfg.UI, name); err == nil {
			if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
				c.Set(fiber.HeaderContentType, ct)
			}
			if strings.HasPrefix(name, "assets/") {
				c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
			}
			return c.Send(b)
		}
	}
	b, err := fs.ReadFile(s.cfg.UI, "index.html")
	if err != nil {
		return s.notBuilt(c)
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Type("html", "utf-8")
	return c.Send(b)
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
