package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// The email templates: html/template escapes every value in the HTML part
// (titles and bodies are plain text from rules users write).
var (
	htmlTmpl = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/item.html.tmpl"))
	textTmpl = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/item.txt.tmpl"))
)

// mailTexts are the fixed words of emails in one language.
type mailTexts struct {
	Open, Footer, Digest string
	Kinds, Severities    map[string]string
}

var texts = map[string]mailTexts{
	"zh-CN": {
		Open:       "打开记录",
		Footer:     "你收到这封邮件，是因为你在 Formloom 的通知设置中开启了邮件。可在“设置 › 通知”中修改。",
		Digest:     "通知摘要：%d 条新通知",
		Kinds:      map[string]string{"automation": "自动化", "alert": "预警", "task": "待办", "webhook": "Webhook"},
		Severities: map[string]string{"warning": "警告", "critical": "严重"},
	},
	"en": {
		Open:       "Open the record",
		Footer:     "You receive this email because email is on in your Formloom notification settings. Change it under Settings › Notifications.",
		Digest:     "Digest: %d new notifications",
		Kinds:      map[string]string{"automation": "Automation", "alert": "Alert", "task": "Task", "webhook": "Webhook"},
		Severities: map[string]string{"warning": "Warning", "critical": "Critical"},
	},
}

var severityColors = map[string]string{"warning": "#fa8c16", "critical": "#f5222d"}

// mailItem is one notification as the templates see it.
type mailItem struct {
	Kind, Title, Body, Severity, Color, Time, Link string
}

// mailView is what the templates render.
type mailView struct {
	Lang, Subject string
	T             mailTexts
	Items         []mailItem
}

// recordLink is the UI address of a record, "" without a base URL or record.
func recordLink(base, form, record string) string {
	if base == "" || form == "" || record == "" {
		return ""
	}
	return strings.TrimRight(base, "/") + "/forms/" + url.PathEscape(form) + "/data?record=" + url.QueryEscape(record)
}

// render builds the email of items for a reader of lang in loc; a digest
// has its own subject, a single item's subject is its title.
func render(lang string, loc *time.Location, base string, items []Item, digest bool) (Message, error) {
	t, ok := texts[lang]
	if !ok {
		lang, t = "zh-CN", texts["zh-CN"]
	}
	v := mailView{Lang: lang, T: t}
	for _, it := range items {
		kind := t.Kinds[it.Kind]
		if kind == "" {
			kind = it.Kind
		}
		v.Items = append(v.Items, mailItem{Kind: kind, Title: it.Title, Body: it.Body, Severity: t.Severities[it.Severity],
			Color: severityColors[it.Severity], Time: it.CreatedAt.In(loc).Format("2006-01-02 15:04"), Link: recordLink(base, it.Form, it.Record)})
	}
	switch {
	case digest:
		v.Subject = fmt.Sprintf(t.Digest, len(items))
	case len(items) > 0:
		v.Subject = items[0].Title
	}
	var h, txt bytes.Buffer
	if err := htmlTmpl.Execute(&h, v); err != nil {
		return Message{}, fmt.Errorf("notify: render email: %w", err)
	}
	if err := textTmpl.Execute(&txt, v); err != nil {
		return Message{}, fmt.Errorf("notify: render email text: %w", err)
	}
	// A subject is one line.
	subject := strings.Join(strings.Fields(v.Subject), " ")
	return Message{Subject: subject, HTML: h.String(), Text: txt.String()}, nil
}
