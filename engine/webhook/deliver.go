package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Delivery statuses.
const (
	StatusPending   = "pending"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
)

// Backoff shape: attempt n waits backoffBase·3^(n-1), at most backoffMax,
// times a jitter factor in [0.8, 1.2). With 12 attempts the last one comes
// about 4 days after the first (at least 78 h with the lowest jitter).
const (
	backoffBase = 30 * time.Second
	backoffMax  = 24 * time.Hour
)

// Backoff returns the delay after the n-th failed attempt (n >= 1), given
// a jitter draw j in [0, 1).
func Backoff(n int, j float64) time.Duration {
	d := float64(backoffBase) * math.Pow(3, float64(n-1))
	d = math.Min(d, float64(backoffMax))
	return time.Duration(d * (0.8 + 0.4*j))
}

// retryAfter reads a Retry-After header: seconds or an HTTP date; 0 when
// absent or unreadable. It is capped at a day.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(h); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, backoffMax)
}

// lease is how long a claimed delivery is held: the request timeout and
// room to log the attempt.
func (s *Service) lease() time.Duration { return s.opts.Timeout + s.leaseSlack }

// DeliverDue sends every delivery due now, one after another, and returns
// how many it handled. Tests drive delivery with it on an injected clock;
// the product runs Run.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	n := 0
	for {
		it, err := s.st.Claim(ctx, queueDeliveries, s.owner, s.lease())
		if errors.Is(err, store.ErrNotFound) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		s.process(ctx, it)
		n++
	}
}

// attemptResult is what one request did.
type attemptResult struct {
	status     int
	reqHeaders http.Header
	respHeader http.Header
	respBody   string
	duration   time.Duration
	err        error
}

// process sends one claimed delivery and records the attempt; the item
// is acked when the delivery is final and re-queued with backoff otherwise.
func (s *Service) process(ctx context.Context, it store.QueueItem) {
	id, _ := it.Payload["delivery"].(string)
	dd, err := s.st.Get(ctx, collDeliveries, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && str(dd.Data, "status") != StatusPending {
		s.ack(ctx, it)
		return
	}
	if err != nil {
		s.release(ctx, it, s.now().Add(time.Minute))
		return
	}
	ed, err := s.st.Get(ctx, collEndpoints, str(dd.Data, "endpoint"))
	if errors.Is(err, store.ErrNotFound) || err == nil && !boolOf(ed.Data, "enabled") {
		reason := "endpoint deleted"
		if err == nil {
			reason = "endpoint disabled"
		}
		s.finish(ctx, it, dd, StatusFailed, attemptResult{err: errors.New(reason)}, false)
		return
	}
	if err != nil {
		s.release(ctx, it, s.now().Add(time.Minute))
		return
	}
	res := s.send(ctx, ed, dd)
	now := s.now()
	attempts := int(num(dd.Data, "attempts")) + 1
	switch {
	case res.status >= 200 && res.status < 300 && res.err == nil:
		s.finish(ctx, it, dd, StatusSucceeded, res, true)
		s.healthy(ctx, ed)
	case res.status == http.StatusGone:
		s.finish(ctx, it, dd, StatusFailed, res, true)
		s.disable(ctx, ed, "gone")
	case attempts >= s.opts.MaxAttempts:
		s.finish(ctx, it, dd, StatusFailed, res, true)
		s.failing(ctx, ed, now)
	default:
		delay := Backoff(attempts, s.opts.Jitter())
		if res.respHeader != nil {
			if ra := retryAfter(res.respHeader.Get("Retry-After"), now); ra > 0 {
				delay = ra
			}
		}
		due := now.Add(delay)
		if err := s.logAttempt(ctx, dd, res, StatusPending, attempts, due); err != nil {
			s.log.Warn("could not log a delivery attempt", "delivery", dd.ID, "error", err)
		}
		s.release(ctx, it, due)
		s.failing(ctx, ed, now)
	}
}

// finish logs the last attempt (sent says a request was made) and acks.
func (s *Service) finish(ctx context.Context, it store.QueueItem, dd store.Document, status string, res attemptResult, sent bool) {
	attempts := int(num(dd.Data, "attempts"))
	if sent {
		attempts++
	}
	if err := s.logAttempt(ctx, dd, res, status, attempts, time.Time{}); err != nil {
		s.log.Warn("could not log a delivery attempt", "delivery", dd.ID, "error", err)
		s.release(ctx, it, s.now().Add(time.Minute))
		return
	}
	s.ack(ctx, it)
}

func (s *Service) ack(ctx context.Context, it store.QueueItem) {
	if err := s.st.Ack(ctx, queueDeliveries, it.ID, s.owner); err != nil && !errors.Is(err, store.ErrConflict) {
		s.log.Warn("could not ack a delivery", "delivery", it.ID, "error", err)
	}
}

func (s *Service) release(ctx context.Context, it store.QueueItem, due time.Time) {
	if err := s.st.Retry(ctx, queueDeliveries, it.ID, s.owner, due); err != nil && !errors.Is(err, store.ErrConflict) {
		s.log.Warn("could not re-queue a delivery", "delivery", it.ID, "error", err)
	}
}

// send makes the signed request of one attempt.
func (s *Service) send(ctx context.Context, ed, dd store.Document) attemptResult {
	now := s.now()
	body := []byte(str(dd.Data, "body"))
	secrets, err := s.signingSecrets(ed, now)
	if err != nil {
		return attemptResult{err: err}
	}
	msgID := str(dd.Data, "msg_id")
	sig, err := Sign(secrets, msgID, now, body)
	if err != nil {
		return attemptResult{err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, str(ed.Data, "url"), bytes.NewReader(body))
	if err != nil {
		return attemptResult{err: err}
	}
	if h, ok := ed.Data["headers"].(map[string]any); ok {
		for k, v := range h {
			if sv, ok := v.(string); ok {
				req.Header.Set(k, sv)
			}
		}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Formloom-Webhooks/1")
	req.Header.Set("webhook-id", msgID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	start := time.Now()
	resp, err := s.client.Do(req)
	res := attemptResult{reqHeaders: req.Header.Clone()}
	if err != nil {
		res.err, res.duration = err, time.Since(start)
		return res
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, MaxResponseRead))
	res.duration = time.Since(start)
	res.status, res.respHeader = resp.StatusCode, resp.Header
	if len(b) > maxLoggedBody {
		b = b[:maxLoggedBody]
	}
	res.respBody = strings.ToValidUTF8(string(b), "\uFFFD")
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		res.err = fmt.Errorf("receiver answered %d", resp.StatusCode)
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			res.err = fmt.Errorf("receiver answered %d (redirects are not followed)", resp.StatusCode)
		}
	}
	return res
}

// logAttempt stores the attempt and the delivery's new state together.
func (s *Service) logAttempt(ctx context.Context, dd store.Document, res attemptResult, status string, attempts int, next time.Time) error {
	now := s.now()
	data := clone(dd.Data)
	data["status"], data["attempts"] = status, attempts
	data["last_status"] = res.status
	data["last_error"] = errText(res.err)
	if res.err == nil {
		data["last_error"] = ""
	}
	if status == StatusPending {
		data["next_at"] = store.FormatTime(next)
	} else {
		delete(data, "next_at")
		data["finished_at"] = store.FormatTime(now)
	}
	att := map[string]any{"delivery": dd.ID, "endpoint": str(dd.Data, "endpoint"), "workspace": str(dd.Data, "workspace"),
		"n": attempts, "status": res.status, "error": errText(res.err), "duration_ms": res.duration.Milliseconds(),
		"request_headers": headerMap(res.reqHeaders, true), "response_headers": headerMap(res.respHeader, false), "response_body": res.respBody}
	return s.commitResult(ctx, store.UnitOfWork{At: now, Actor: "webhooks", Writes: []store.Write{
		{Op: store.OpUpdate, Collection: collDeliveries, ExpectVersion: dd.Version, Doc: store.Document{ID: dd.ID, Data: data}},
		{Op: store.OpInsert, Collection: collAttempts, Doc: store.Document{ID: dd.ID + "." + strconv.Itoa(attempts) + "." + store.NewID()[:6], Data: att}},
	}})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return msg
}

// headerMap keeps headers for the log; the signature is shortened (it is
// no secret, but the log needs only to show it was there).
func headerMap(h http.Header, request bool) map[string]any {
	out := map[string]any{}
	for k, v := range h {
		val := strings.Join(v, ", ")
		if len(val) > 512 {
			val = val[:512]
		}
		out[k] = val
	}
	return out
}

func boolOf(m map[string]any, k string) bool { b, _ := m[k].(bool); return b }

// healthy clears an endpoint's failure clock after a success.
func (s *Service) healthy(ctx context.Context, ed store.Document) {
	if str(ed.Data, "failing_since") == "" {
		return
	}
	s.updateEndpoint(ctx, ed.ID, func(data map[string]any) bool {
		if str(data, "failing_since") == "" {
			return false
		}
		delete(data, "failing_since")
		return true
	})
}

// failing starts the failure clock or, once it has run DisableAfter,
// disables the endpoint.
func (s *Service) failing(ctx context.Context, ed store.Document, now time.Time) {
	since, err := store.ParseTime(str(ed.Data, "failing_since"))
	if err != nil {
		s.updateEndpoint(ctx, ed.ID, func(data map[string]any) bool {
			if str(data, "failing_since") != "" {
				return false
			}
			data["failing_since"] = store.FormatTime(now)
			return true
		})
		return
	}
	if now.Sub(since) >= s.opts.DisableAfter {
		s.disable(ctx, ed, "failing")
	}
}

// disable switches an endpoint off for reason ("gone": the receiver
// answered 410; "failing": no success for DisableAfter) and tells the
// workspace admins.
func (s *Service) disable(ctx context.Context, ed store.Document, reason string) {
	changed := s.updateEndpoint(ctx, ed.ID, func(data map[string]any) bool {
		if !boolOf(data, "enabled") {
			return false
		}
		data["enabled"], data["disabled_reason"] = false, reason
		return true
	})
	if !changed {
		return
	}
	ws := str(ed.Data, "workspace")
	s.forget(ws)
	s.log.Warn("webhook endpoint disabled", "endpoint", ed.ID, "reason", reason)
	s.notifyAdmins(ctx, ws, ed, reason)
}

// updateEndpoint applies f to the stored endpoint (compare-and-set, a few
// tries); f returns false to write nothing. It reports whether it wrote.
func (s *Service) updateEndpoint(ctx context.Context, id string, f func(map[string]any) bool) bool {
	for range 5 {
		d, err := s.st.Get(ctx, collEndpoints, id)
		if err != nil {
			return false
		}
		data := clone(d.Data)
		if !f(data) {
			return false
		}
		_, err = s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: "webhooks", Writes: []store.Write{{
			Op: store.OpUpdate, Collection: collEndpoints, ExpectVersion: d.Version, Doc: store.Document{ID: id, Data: data}}}})
		if err == nil {
			return true
		}
		if !errors.Is(err, store.ErrConflict) {
			s.log.Warn("could not update a webhook endpoint", "endpoint", id, "error", err)
			return false
		}
	}
	return false
}

// notifyAdmins tells the workspace admins an endpoint was disabled.
func (s *Service) notifyAdmins(ctx context.Context, ws string, ed store.Document, reason string) {
	a, err := s.actorOf(ctx, ws, str(ed.Data, "actor"), engine.SourceSystem)
	var admins []string
	if err == nil {
		if ms, err := s.e.Members(ctx, a); err == nil {
			for _, m := range ms {
				if m.Role == engine.RoleAdmin && !m.Disabled {
					admins = append(admins, m.UserID)
				}
			}
		}
	}
	if len(admins) == 0 {
		if u := str(ed.Data, "actor"); u != "" {
			admins = []string{u}
		}
	}
	why := "the receiver answered 410 Gone"
	if reason == "failing" {
		why = fmt.Sprintf("every delivery failed for %s", s.opts.DisableAfter)
	}
	n := engine.Notification{Workspace: ws, Recipients: admins, Kind: "webhook", Severity: "warning",
		Title: "Webhook endpoint disabled / Webhook 端点已停用",
		Body:  fmt.Sprintf("%s: %s. Fix the receiver and enable the endpoint again, then redeliver the failed deliveries. / 接收端问题修复后请重新启用端点，并重发失败的推送。", str(ed.Data, "url"), why),
		Key:   "webhook.disabled." + ed.ID + "." + strconv.FormatInt(ed.Version, 10)}
	if err := s.e.Notify(ctx, n); err != nil {
		s.log.Warn("could not notify admins of a disabled webhook endpoint", "endpoint", ed.ID, "error", err)
	}
}
