package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/notify"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
var _ = os.Stderr

// backend opens a fresh store of one kind on a clock.
type backend struct {
	name string
	open func(t testing.TB, clock store.Clock) store.Store
}

// backends are SQLite and the in-process FerretDB (no transactions: units
// are opened non-atomic, the test-only opt-in; the service commits one item
// per unit there anyway).
func backends() []backend {
	return []backend{
		{"sqlite", func(t testing.TB, clock store.Clock) store.Store {
			s, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Clock: clock, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
		{"ferretdb", func(t testing.TB, clock store.Clock) store.Store {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := mongostore.Open(ctx, ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Clock: clock, Logger: quiet})
			if err != nil {
				t.Fatalf("mongostore.Open: %v", err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
	}
}

// each runs f on every backend.
func each(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

// fixture is an engine with one workspace (Asia/Shanghai), its admin, two
// members and a user of another workspace, and the notify service.
type fixture struct {
	ctx                    context.Context
	e                      *engine.Engine
	st                     store.Store
	clock                  *store.ManualClock
	svc                    *notify.Service
	rt                     *jobs.Runtime
	ws, other              string
	admin, alice, bob, eve engine.User
}

var userSeq atomic.Int64

type fixtureOpts struct {
	mailer  notify.Mailer
	jobs    bool
	baseURL string
}

func newFixture(t testing.TB, b backend, o fixtureOpts) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := store.NewManualClock(time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC)) // 09:00 in Shanghai
	st := b.open(t, clock)
	e, err := engine.New(ctx, st, engine.Options{Clock: clock.Now, Logger: quiet, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: ctx, e: e, st: st, clock: clock}
	user := func(name string) engine.User {
		u, err := e.CreateUser(ctx, engine.UserInput{Email: fmt.Sprintf("u%d@example.com", userSeq.Add(1)), Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.admin, f.alice, f.bob, f.eve = user("管理员"), user("Alice"), user("Bob"), user("Eve")
	ws, err := e.CreateWorkspace(ctx, f.admin.ID, engine.WorkspaceInput{Name: "示例公司", TimeZone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	f.ws = ws.ID
	admin := engine.Actor{UserID: f.admin.ID, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceAPI}
	for _, u := range []engine.User{f.alice, f.bob} {
		if _, err := e.AddMember(ctx, admin, u.ID, engine.RoleMember, nil); err != nil {
			t.Fatal(err)
		}
	}
	other, err := e.CreateWorkspace(ctx, f.eve.ID, engine.WorkspaceInput{Name: "别的公司"})
	if err != nil {
		t.Fatal(err)
	}
	f.other = other.ID
	opts := notify.Options{Engine: e, Mailer: o.mailer, Logger: quiet, BaseURL: o.baseURL, DigestHour: -1}
	if o.jobs {
		// The tests move the manual clock by hours and days, and await
		// moves it a second every poll: a lease of the default 30 s would
		// expire under a task still running on a busy machine, and a
		// second claim would run it again (a digest sent twice). One
		// process holds the leases here, so they outlast any jump.
		f.rt = jobs.New(st, jobs.Options{Owner: "p1", Clock: clock, Logger: quiet, Poll: 20 * time.Millisecond,
			Lease: 1000 * time.Hour, Workspaces: e.WorkspaceZones, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond})
		opts.Jobs = f.rt
	}
	if f.svc, err = notify.New(ctx, opts); err != nil {
		t.Fatal(err)
	}
	e.SetNotifier(f.svc)
	if f.rt != nil {
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _ = f.rt.Run(rctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	return f
}

// pass moves the clock to at and waits for a timer pass there.
func (f *fixture) pass(t testing.TB, at time.Time) {
	t.Helper()
	f.clock.Set(at)
	f.rt.Kick()
	waitFor(t, "a timer pass at "+at.String(), func() bool { return !f.rt.TimerPass().Before(at) })
}

// await waits for cond while time passes: each poll moves the clock on a
// second and wakes the runtime, so a task retried after a backoff runs.
func (f *fixture) await(t testing.TB, what string, cond func() bool) {
	t.Helper()
	waitFor(t, what, func() bool {
		if cond() {
			return true
		}
		f.clock.Set(f.clock.Now().Add(time.Second))
		f.rt.Kick()
		return false
	})
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// note is a notification of the fixture's workspace.
func (f *fixture) note(title string, to ...string) engine.Notification {
	return engine.Notification{Workspace: f.ws, Recipients: to, Kind: "automation", Title: title}
}

// received is one email the test SMTP server accepted.
type received struct {
	From    string
	To      []string
	Subject string
	Text    string
	HTML    string
	Raw     string
}

// smtpServer is a real SMTP server (go-smtp) on a loopback port that keeps
// what it receives; it requires PLAIN authentication with user/secret.
type smtpServer struct {
	addr string
	mu   sync.Mutex
	msgs []received
	fail atomic.Int64 // the next n DATA commands are refused
}

func startSMTP(t testing.TB) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// mailer is the product's SMTP mailer pointed at the server.
func (s *smtpServer) mailer(t testing.TB) *notify.SMTPMailer {
	t.Helper()
	host, port, _ := net.SplitHostPort(s.addr)
	var p int
	fmt.Sscan(port, &p)
	m, err := notify.NewSMTPMailer(notify.SMTPConfig{Host: host, Port: p, Username: "user", Password: "secret", From: "Formloom <noreply@example.com>", TLS: notify.TLSNone, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (s *smtpServer) list() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

type smtpSession struct {
	srv    *smtpServer
	authed bool
	from   string
	to     []string
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "user" || pass != "secret" {
			return errors.New("bad credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.srv.fail.Load() > 0 {
		s.srv.fail.Add(-1)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	m, err := parseMail(raw)
	if err != nil {
		return err
	}
	m.From, m.To = s.from, append([]string(nil), s.to...)
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, m)
	s.srv.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.from, s.to = "", nil }
func (s *smtpSession) Logout() error { return nil }

// parseMail reads the subject and the text and HTML parts of a message.
func parseMail(raw []byte) (received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return received{}, err
	}
	out := received{Raw: string(raw)}
	dec := new(mime.WordDecoder)
	out.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return out, err
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return out, fmt.Errorf("content type %s, want a multipart message", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		var body io.Reader = p // multipart decodes quoted-printable itself
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(p)
		}
		b, _ := io.ReadAll(body)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			out.Text = string(b)
		case "text/html":
			out.HTML = string(b)
		}
	}
}
