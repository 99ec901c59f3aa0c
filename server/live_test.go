package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/live"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/server"
)

// manualTickers are heartbeat tickers the test fires.
type manualTickers struct {
	mu sync.Mutex
	cs []chan time.Time
}

type manualTicker struct{ c chan time.Time }

func (t manualTicker) C() <-chan time.Time { return t.c }
func (t manualTicker) Stop()               {}

func (m *manualTickers) new(time.Duration) live.Ticker {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := make(chan time.Time, 1)
	m.cs = append(m.cs, c)
	return manualTicker{c}
}

// beat fires every stream's heartbeat once.
func (m *manualTickers) beat() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.cs {
		select {
		case c <- time.Now():
		default:
		}
	}
}

// startLive runs a server with a live hub over st, set up with an admin.
func startLive(t testing.TB, st store.Store, opts live.Options) (*env, *manualTickers) {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := engine.New(ctx, st, engine.Options{Blobs: blobs, Logger: quiet, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(ctx, e, st, auth.Options{LoginPerIP: 1000, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ticks := &manualTickers{}
	opts.NewTicker, opts.Logger = ticks.new, quiet
	hub := live.New(e, st, opts)
	hctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = hub.Run(hctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	srv, err := server.New(server.Config{Logger: quiet, Engine: e, Builder: builder.New(e), Auth: a, Live: hub})
	if err != nil {
		t.Fatal(err)
	}
	en := serveEnv(t, srv, st)
	t.Cleanup(srv.Drain) // before the server's Shutdown: end the streams
	tok := a.NewSetupToken()
	res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": tok, "email": "admin@example.com", "name": "管理员",
		"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil)
	res.expect(201)
	en.admin, en.csrf, en.ws = res.str("token"), res.str("csrfToken"), res.str("workspace")
	<-hub.Ready()
	return en, ticks
}

// sseMessage is one dispatched message, or a heartbeat's id (data "").
type sseMessage struct {
	id   int64
	data map[string]any
}

// sseStream reads a live stream in the background.
type sseStream struct {
	t    testing.TB
	res  *http.Response
	msgs chan sseMessage
}

// openLive opens GET /api/v1/live; cookie sends the credential as the
// session cookie instead of a Bearer token. It fails unless the answer is
// 200 text/event-stream.
func (en *env) openLive(t testing.TB, cred string, cookie bool, query string, last int64) *sseStream {
	t.Helper()
	res := en.liveRequest(t, cred, cookie, query, last)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		t.Fatalf("live: status %d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	s := &sseStream{t: t, res: res, msgs: make(chan sseMessage, 64)}
	go s.read()
	t.Cleanup(s.close)
	return s
}

func (en *env) liveRequest(t testing.TB, cred string, cookie bool, query string, last int64) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", en.base+"/api/v1/live?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie {
		req.Header.Set("Cookie", "formloom_session="+cred)
	} else if cred != "" {
		req.Header.Set("Authorization", "Bearer "+cred)
	}
	if last > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(last, 10))
	}
	res, err := (&http.Client{}).Do(req) // no timeout: a stream lasts
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// read parses the event stream as a browser does (id, data, comments,
// dispatch on a blank line).
func (s *sseStream) read() {
	defer close(s.msgs)
	sc := bufio.NewScanner(s.res.Body)
	var id int64
	var data strings.Builder
	sawID := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if data.Len() == 0 && !sawID {
				continue
			}
			m := sseMessage{id: id}
			if data.Len() > 0 {
				_ = json.Unmarshal([]byte(data.String()), &m.data)
			}
			s.msgs <- m
			data.Reset()
			sawID = false
		case strings.HasPrefix(line, ":"), strings.HasPrefix(line, "retry:"):
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
			sawID = true
		case strings.HasPrefix(line, "data: "):
			data.WriteString(strings.TrimPrefix(line, "data: "))
		}
	}
}

func (s *sseStream) close() { s.res.Body.Close() }

// next waits for the next message (events and heartbeats alike).
func (s *sseStream) next() sseMessage {
	s.t.Helper()
	select {
	case m, ok := <-s.msgs:
		if !ok {
			s.t.Fatal("live stream ended")
		}
		return m
	case <-time.After(20 * time.Second):
		s.t.Fatal("no live message before the deadline")
	}
	return sseMessage{}
}

// event waits for the next message with data (skipping heartbeats).
func (s *sseStream) event() sseMessage {
	s.t.Helper()
	for {
		if m := s.next(); m.data != nil {
			return m
		}
	}
}

// ownRowsForm publishes the benchmark form and leaves it one permission
// set: everyone manages their own records (the admin sees all).
func (en *env) ownRowsForm(t testing.TB) string {
	t.Helper()
	form := en.publishedForm()
	res := en.do("POST", "/api/v1/forms/"+form+"/permissions/sets", en.admin, `{"set":{"name":"自己的","preset":"manage_own",
		"actions":["record.view","record.create","record.edit","record.delete"],"fieldDefault":"edit","fields":{"amount":"hidden"},
		"rows":{"field":"ownedBy","op":"eq","value":"$me"},"grants":[{"kind":"everyone"}]},"version":0}`, nil).expect(201)
	def := res.body["sets"].([]any)[0].(map[string]any)["id"].(string)
	en.do("DELETE", "/api/v1/forms/"+form+"/permissions/sets/"+def+"?version="+strconv.FormatInt(res.num("version"), 10), en.admin, nil, nil).expect(200)
	return form
}

func (en *env) createCompany(t testing.TB, tok, form, company string) string {
	t.Helper()
	return en.do("POST", "/api/v1/forms/"+form+"/records", tok, map[string]any{"data": map[string]any{"company": company}}, nil).expect(201).str("id")
}

func TestLiveSQLite(t *testing.T) {
	st := openSQLite(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	liveScenario(t, st)
}

func TestLiveMongo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts FerretDB")
	}
	liveScenario(t, openMongo(t))
}

// liveScenario: a created record reaches the viewers who may see it and
// nobody else; a reconnect with Last-Event-ID replays what was missed;
// heartbeats carry the position; draining ends the streams.
func liveScenario(t testing.TB, st store.Store) {
	en, ticks := startLive(t, st, live.Options{})
	form := en.ownRowsForm(t)
	rep1, rep2 := en.addMember("rep1@example.com"), en.addMember("rep2@example.com")
	q := "forms=" + form

	s1 := en.openLive(t, rep1, true, q, 0) // the browser's session cookie
	s2 := en.openLive(t, rep2, false, q, 0)
	sa := en.openLive(t, en.admin, false, q, 0)

	r1 := en.createCompany(t, rep1, form, "甲公司")
	var seen int64
	for name, s := range map[string]*sseStream{"rep1": s1, "admin": sa} {
		m := s.event()
		if m.data["type"] != "record.created" || m.data["recordId"] != r1 || m.data["form"] != form || m.id <= 0 || float64(m.id) != m.data["id"] {
			t.Fatalf("%s got %d %v, want the creation of %s", name, m.id, m.data, r1)
		}
		for _, k := range []string{"company", "amount", "data"} {
			if _, ok := m.data[k]; ok {
				t.Fatalf("%s's event carries %s: %v", name, k, m.data)
			}
		}
		seen = m.id
	}
	// rep2 may not see rep1's record: the first thing they hear of is
	// their own, created after it.
	r2 := en.createCompany(t, rep2, form, "乙公司")
	m2 := s2.event()
	if m2.data["recordId"] != r2 {
		t.Fatalf("rep2 got %v, want only their own record %s", m2.data, r2)
	}

	// rep1 goes away; while away, they create one and rep2 another.
	s1.close()
	r3 := en.createCompany(t, rep1, form, "丙公司")
	r4 := en.createCompany(t, rep2, form, "丁公司")
	back := en.openLive(t, rep1, true, q, seen)
	if m := back.event(); m.data["recordId"] != r3 {
		t.Fatalf("resumed stream got %v, want the missed %s", m.data, r3)
	}
	r5 := en.createCompany(t, rep1, form, "戊公司")
	if m := back.event(); m.data["recordId"] != r5 {
		t.Fatalf("after the replay got %v, want %s (never rep2's record)", m.data, r5)
	}

	if m2 = s2.event(); m2.data["recordId"] != r4 {
		t.Fatalf("rep2 got %v, want their own %s", m2.data, r4)
	}
	// A heartbeat tells a quiet viewer how far it has come.
	ticks.beat()
	hb := s2.next()
	if hb.data != nil || hb.id <= m2.id {
		t.Fatalf("heartbeat = %+v, want an id past %d with no data", hb, m2.id)
	}

	// Bad requests.
	if res := en.liveRequest(t, "", false, q, 0); res.StatusCode != 401 {
		t.Fatalf("no credential: %d", res.StatusCode)
	}
	en.do("GET", "/api/v1/live", rep1, nil, nil).expect(422)
	en.do("GET", "/api/v1/live?forms=nosuchform", rep1, nil, nil).expect(422)
	en.do("GET", "/api/v1/live?"+q+"&lastEventId=x", rep1, nil, nil).expect(422)

	// Draining ends every stream with a reason, and refuses new ones.
	en.srv.Drain()
	for _, s := range []*sseStream{s2, sa, back} {
		m := s.event()
		for m.data["type"] == "record.created" { // the admin's stream has some not read yet
			m = s.event()
		}
		if m.data["type"] != "live.end" || m.data["reason"] != live.ReasonShutdown {
			t.Fatalf("on drain got %v, want live.end shutdown", m.data)
		}
		if _, ok := <-s.msgs; ok {
			t.Fatal("stream still open after live.end")
		}
	}
	res := en.liveRequest(t, rep1, false, q, 0)
	res.Body.Close()
	if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" {
		t.Fatalf("while draining: %d, want 503 with Retry-After", res.StatusCode)
	}
}

func TestLiveLimits(t *testing.T) {
	st := openSQLite(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	en, _ := startLive(t, st, live.Options{MaxPerProcess: 1})
	form := en.publishedForm()
	en.openLive(t, en.admin, false, "forms="+form, 0)
	res := en.liveRequest(t, en.admin, false, "forms="+form, 0)
	defer res.Body.Close()
	if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" {
		t.Fatalf("past the process limit: %d, want 503 with Retry-After", res.StatusCode)
	}
	b, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(b), `"code":"live_busy"`) {
		t.Fatalf("body %s", b)
	}
}

// TestLiveEndsWithTheSession: a signed-out member's stream ends at the
// next heartbeat.
func TestLiveEndsWithTheSession(t *testing.T) {
	st := openSQLite(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	en, ticks := startLive(t, st, live.Options{})
	form := en.publishedForm()
	tok := en.addMember("gone@example.com")
	s := en.openLive(t, tok, false, "forms="+form, 0)
	en.do("POST", "/api/v1/auth/logout", tok, nil, nil).expect(204)
	ticks.beat()
	if m := s.event(); m.data["type"] != "live.end" || m.data["reason"] != "unauthenticated" {
		t.Fatalf("after sign-out got %v, want live.end unauthenticated", m.data)
	}
	if _, ok := <-s.msgs; ok {
		t.Fatal("stream still open after the session ended")
	}
}
