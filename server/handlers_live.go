package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/live"
)

// liveRetryMS is the reconnection delay the stream asks browsers to use.
const liveRetryMS = 3000

// liveStream serves GET /api/v1/live: one subscription of the hub,
// written as Server-Sent Events until the client goes away, its
// credential stops being valid, or the server drains.
func (s *Server) liveStream(c *fiber.Ctx) error {
	hub := s.cfg.Live
	if hub == nil {
		return newError(fiber.StatusNotFound, "live_off", nil)
	}
	last, err := lastEventID(c)
	if err != nil {
		return err
	}
	cred, fromCookie := credential(c)
	sub, err := hub.Subscribe(c.UserContext(), actor(c), strings.Split(c.Query("forms"), ","), last)
	switch {
	case errors.Is(err, live.ErrBusy):
		c.Set(fiber.HeaderRetryAfter, "5")
		return newError(fiber.StatusServiceUnavailable, "live_busy", err)
	case errors.Is(err, live.ErrClosed):
		c.Set(fiber.HeaderRetryAfter, "1")
		return newError(fiber.StatusServiceUnavailable, "live_closed", err)
	case err != nil:
		return err
	}
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache, no-store")
	c.Set("X-Accel-Buffering", "no") // a proxy must not hold the stream back
	p := livePump{s: s, hub: hub, sub: sub, conn: c.Context().Conn(), cred: cred, fromCookie: fromCookie, last: last}
	// The request context is recycled when the handler returns: the pump
	// keeps only what it copied.
	c.Context().SetBodyStreamWriter(p.run)
	return nil
}

// lastEventID reads the resume point: the Last-Event-ID header browsers
// send on reconnecting, or lastEventId= for a client opening a new stream.
func lastEventID(c *fiber.Ctx) (int64, error) {
	v := strings.TrimSpace(c.Get("Last-Event-ID"))
	if v == "" {
		v = c.Query("lastEventId")
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, &engine.ValidationError{Fields: []field.Error{{Path: "lastEventId", Code: live.CodeLastEventID}}}
	}
	return n, nil
}

// livePump writes one subscription to its connection.
type livePump struct {
	s          *Server
	hub        *live.Hub
	sub        *live.Subscription
	conn       net.Conn
	cred       string
	fromCookie bool
	last       int64 // highest id the client has been told
}

// run is the body stream writer: it returns when a write fails (the
// client went away), the credential ends, or the hub ends the stream.
func (p *livePump) run(w *bufio.Writer) {
	defer p.sub.Close()
	tick := p.hub.NewTicker()
	defer tick.Stop()
	if !p.write(w, ": connected\nretry: "+strconv.Itoa(liveRetryMS)+"\n\n") {
		return
	}
	for {
		select {
		case ev := <-p.sub.Events():
			if !p.event(w, ev) {
				return
			}
		case <-tick.C():
			if !p.heartbeat(w) {
				return
			}
		case <-p.sub.Ended():
			p.end(w, p.sub.Reason())
			return
		}
	}
}

// heartbeat re-checks the credential (a signed-out or disabled member's
// stream ends within one beat) and that the member may still view the
// watched forms, refreshes the actor the permission checks use, and tells the client the position it has passed, so a viewer to
// whom nothing was visible does not resume from far behind.
func (p *livePump) heartbeat(w *bufio.Writer) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pr, err := p.s.auth.Authenticate(ctx, p.cred)
	if err != nil {
		p.end(w, "unauthenticated")
		return false
	}
	pr.Actor.Source = engine.SourceAPI
	if p.fromCookie {
		pr.Actor.Source = engine.SourceUI
	}
	if err := p.sub.Recheck(ctx, pr.Actor); err != nil {
		if errors.Is(err, engine.ErrForbidden) || errors.Is(err, engine.ErrNotFound) || errors.Is(err, engine.ErrInvalid) {
			p.end(w, live.ReasonForbidden)
			return false
		}
		// A store hiccup is no reason to end the stream: check again next beat.
	}
	done := p.hub.Done()
	// Events up to done are queued by now: write them before claiming done.
	for len(p.sub.Events()) > 0 {
		if !p.event(w, <-p.sub.Events()) {
			return false
		}
	}
	line := ": heartbeat\n\n"
	if done > p.last {
		p.last = done
		line = "id: " + strconv.FormatInt(done, 10) + "\n" + line
	}
	return p.write(w, line)
}

// event writes one event as an SSE message with its id.
func (p *livePump) event(w *bufio.Writer, ev live.Event) bool {
	p.last = max(p.last, ev.ID)
	return p.write(w, "id: "+strconv.FormatInt(ev.ID, 10)+"\ndata: "+string(ev.JSON())+"\n\n")
}

// end tells the client why the server ends the stream.
func (p *livePump) end(w *bufio.Writer, reason string) {
	b, _ := json.Marshal(map[string]string{"type": "live.end", "reason": reason})
	p.write(w, "data: "+string(b)+"\n\n")
}

// write sends text at once. The connection's write deadline, set once for
// a whole response, is moved forward before each write: a stream lives
// longer than any one write may take.
func (p *livePump) write(w *bufio.Writer, text string) bool {
	if p.conn != nil {
		_ = p.conn.SetWriteDeadline(time.Now().Add(p.s.cfg.WriteTimeout))
	}
	if _, err := w.WriteString(text); err != nil {
		return false
	}
	return w.Flush() == nil
}

// drainLive ends every live stream (shutdown begins): browsers reconnect
// to another process.
func (s *Server) drainLive() {
	if s.cfg.Live != nil {
		s.cfg.Live.Close()
	}
}
