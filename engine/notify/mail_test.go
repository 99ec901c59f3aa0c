package notify_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/notify"
)

// emailPrefs turns instant email on for every kind, in lang.
func emailPrefs(lang, email string) notify.Preferences {
	return notify.Preferences{Language: lang, Kinds: map[string]notify.Channel{notify.DefaultKind: {InApp: true, Email: email}}}
}

func TestEmailArrivesThroughSMTP(t *testing.T) { each(t, testEmailArrives) }

func testEmailArrives(t *testing.T, b backend) {
	smtpd := startSMTP(t)
	f := newFixture(t, b, fixtureOpts{mailer: smtpd.mailer(t), jobs: true, baseURL: "https://formloom.example.com/"})
	ctx := f.ctx
	if _, err := f.svc.SetPreferences(ctx, f.ws, f.alice.ID, emailPrefs("en", notify.EmailInstant)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetPreferences(ctx, f.ws, f.bob.ID, emailPrefs("", notify.EmailInstant)); err != nil {
		t.Fatal(err)
	}
	// The first delivery attempt is refused by the server: the job retries.
	smtpd.fail.Store(1)
	n := f.note(`<b>Deal</b> "A&B" won`, f.alice.ID, f.bob.ID, f.admin.ID)
	n.Body, n.Form, n.Record, n.Severity = "Amount: <script>alert(1)</script>\nOwner: 张三", "form1", "rec+1", "critical"
	at := f.clock.Now()
	if err := f.e.Notify(ctx, n); err != nil {
		t.Fatal(err)
	}
	// The retry is due after a backoff on the injected clock: move it on.
	waitFor(t, "the refused attempt", func() bool { return smtpd.fail.Load() == 0 })
	f.await(t, "two emails", func() bool { return len(smtpd.list()) == 2 })
	byTo := map[string]received{}
	for _, m := range smtpd.list() {
		if len(m.To) != 1 {
			t.Fatalf("one email per recipient, got To = %v", m.To)
		}
		byTo[m.To[0]] = m
	}
	if _, ok := byTo[f.admin.Email]; ok {
		t.Error("the admin, whose email is off by default, got an email")
	}
	en, zh := byTo[f.alice.Email], byTo[f.bob.Email]
	if en.From != "noreply@example.com" {
		t.Errorf("envelope from = %q", en.From)
	}
	if en.Subject != `<b>Deal</b> "A&B" won` {
		t.Errorf("subject = %q", en.Subject)
	}
	for _, want := range []string{"&lt;b&gt;Deal&lt;/b&gt; &#34;A&amp;B&#34; won", "&lt;script&gt;alert(1)&lt;/script&gt;", "Open the record",
		`href="https://formloom.example.com/forms/form1/data?record=rec%2B1"`, "Critical", `lang="en"`} {
		if !strings.Contains(en.HTML, want) {
			t.Errorf("English HTML lacks %q:\n%s", want, en.HTML)
		}
	}
	if strings.Contains(en.HTML, "<script>") || strings.Contains(en.HTML, "<b>Deal") {
		t.Errorf("HTML holds unescaped user text:\n%s", en.HTML)
	}
	for _, want := range []string{`<b>Deal</b> "A&B" won`, "Amount: <script>alert(1)</script>", "Open the record: https://formloom.example.com/forms/form1/data?record=rec%2B1"} {
		if !strings.Contains(en.Text, want) {
			t.Errorf("text part lacks %q:\n%s", want, en.Text)
		}
	}
	// Bob has no language of his own: the workspace's (zh-CN).
	if !strings.Contains(zh.HTML, "打开记录") || !strings.Contains(zh.HTML, "严重") || !strings.Contains(zh.Text, "自动化") {
		t.Errorf("Chinese email:\n%s\n%s", zh.HTML, zh.Text)
	}
	// Times are in the workspace's zone (Shanghai: UTC+8).
	if want := at.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04"); !strings.Contains(zh.Text, want) {
		t.Errorf("text lacks the Shanghai time %s:\n%s", want, zh.Text)
	}
	waitFor(t, "the emails marked sent", func() bool { return f.svc.Stats().Emailed == 2 })
	// The in-app items are there too.
	if c, _ := f.svc.UnreadCount(ctx, f.ws, f.alice.ID); c != 1 {
		t.Errorf("Alice unread = %d", c)
	}
}

func TestEmailOnlyAndMuted(t *testing.T) {
	smtpd := startSMTP(t)
	f := newFixture(t, backends()[0], fixtureOpts{mailer: smtpd.mailer(t), jobs: true})
	ctx := f.ctx
	// Alice: email only for alerts; nothing at all for webhooks.
	p := notify.Preferences{Kinds: map[string]notify.Channel{
		"alert":   {InApp: false, Email: notify.EmailInstant},
		"webhook": {InApp: false, Email: notify.EmailOff},
	}}
	if _, err := f.svc.SetPreferences(ctx, f.ws, f.alice.ID, p); err != nil {
		t.Fatal(err)
	}
	alert := f.note("预警", f.alice.ID)
	alert.Kind = "alert"
	hook := f.note("端点已停用", f.alice.ID)
	hook.Kind = "webhook"
	if err := f.e.Notify(ctx, alert, hook); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the alert email", func() bool { return len(smtpd.list()) == 1 })
	if got := smtpd.list()[0]; got.Subject != "预警" || got.To[0] != f.alice.Email {
		t.Errorf("email = %+v", got)
	}
	page, _ := f.svc.List(ctx, f.ws, f.alice.ID, notify.ListOptions{})
	if c, _ := f.svc.UnreadCount(ctx, f.ws, f.alice.ID); c != 0 || len(page.Items) != 0 {
		t.Errorf("email-only and muted kinds reached the inbox: %d unread, %d listed", c, len(page.Items))
	}
	if st := f.svc.Stats(); st.Muted != 1 {
		t.Errorf("muted = %d, want 1", st.Muted)
	}
}

func TestEmailOffWithoutMailer(t *testing.T) {
	f := newFixture(t, backends()[0], fixtureOpts{jobs: true})
	if f.svc.EmailEnabled() {
		t.Fatal("email is on without a mailer")
	}
	if _, err := f.svc.SetPreferences(f.ctx, f.ws, f.alice.ID, emailPrefs("", notify.EmailInstant)); err != nil {
		t.Fatal(err)
	}
	if err := f.e.Notify(f.ctx, f.note("x", f.alice.ID)); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.svc.UnreadCount(f.ctx, f.ws, f.alice.ID); c != 1 {
		t.Errorf("unread = %d", c)
	}
}

func TestSMTPConfigErrors(t *testing.T) {
	for _, c := range []notify.SMTPConfig{
		{From: "a@example.com"},
		{Host: "smtp.example.com"},
		{Host: "smtp.example.com", From: "not an address"},
		{Host: "smtp.example.com", From: "a@example.com", TLS: "ssl3"},
		{Host: "smtp.example.com", From: "a@example.com", Port: 70000},
	} {
		if _, err := notify.NewSMTPMailer(c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	m, err := notify.NewSMTPMailer(notify.SMTPConfig{Host: "smtp.example.com", From: "a@example.com", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Config(); c.Port != 587 || c.TLS != notify.TLSStartTLS || c.Password != "***" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestPreferences(t *testing.T) { each(t, testPreferences) }

func testPreferences(t *testing.T, b backend) {
	f := newFixture(t, b, fixtureOpts{})
	ctx := f.ctx
	p, err := f.svc.Preferences(ctx, f.ws, f.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 0 || p.Kinds["alert"] != (notify.Channel{InApp: true, Email: notify.EmailOff}) || p.Kinds[notify.DefaultKind].Email != notify.EmailOff {
		t.Errorf("defaults = %+v", p)
	}
	p.Kinds["task.reminder"] = notify.Channel{InApp: false, Email: notify.EmailDigest}
	p.Language = "en"
	saved, err := f.svc.SetPreferences(ctx, f.ws, f.alice.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != 1 || saved.Language != "en" || saved.Kinds["task.reminder"].Email != notify.EmailDigest {
		t.Errorf("saved = %+v", saved)
	}
	if _, err := f.svc.SetPreferences(ctx, f.ws, f.alice.ID, p); !errors.Is(err, engine.ErrConflict) {
		t.Errorf("stale version: err = %v, want conflict", err)
	}
	// Another workspace's preferences are separate.
	if o, _ := f.svc.Preferences(ctx, f.other, f.alice.ID); o.Version != 0 || o.Language != "" {
		t.Errorf("other workspace = %+v", o)
	}
	bad := notify.Preferences{Version: saved.Version, Language: "fr", Kinds: map[string]notify.Channel{"Bad": {}, "alert": {Email: "sometimes"}}}
	_, err = f.svc.SetPreferences(ctx, f.ws, f.alice.ID, bad)
	var ve *engine.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 3 {
		t.Fatalf("bad preferences: %v", err)
	}
	want := map[string]string{"language": engine.CodeLanguage, "kinds.Bad": notify.CodeKind, "kinds.alert.email": notify.CodeEmailChannel}
	for _, fe := range ve.Fields {
		if want[fe.Path] != fe.Code {
			t.Errorf("problem %s %s not expected", fe.Path, fe.Code)
		}
	}
	if again, _ := f.svc.Preferences(ctx, f.ws, f.alice.ID); again.Version != 1 || again.Language != "en" {
		t.Errorf("a rejected save changed the preferences: %+v", again)
	}
}
