package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// Delivery is one message to one endpoint, as the delivery log shows it.
type Delivery struct {
	ID       string `json:"id"`
	Endpoint string `json:"endpoint"`
	// MessageID is the webhook-id header: the same for every attempt and
	// every redelivery of one event, so receivers can drop duplicates.
	MessageID  string     `json:"messageId"`
	Event      string     `json:"event"`
	Type       string     `json:"type"`
	Form       string     `json:"form,omitempty"`
	Record     string     `json:"record,omitempty"`
	Status     string     `json:"status"`
	Attempts   int        `json:"attempts"`
	NextAt     *time.Time `json:"nextAt,omitempty"`
	LastStatus int        `json:"lastStatus,omitempty"`
	LastError  string     `json:"lastError,omitempty"`
	// RedeliveryOf is the delivery this one repeats ("" for an original).
	RedeliveryOf string          `json:"redeliveryOf,omitempty"`
	CreatedAt    time.Time       `json:"createdAt"`
	FinishedAt   *time.Time      `json:"finishedAt,omitempty"`
	Body         json.RawMessage `json:"body,omitempty"`
	// AttemptLog lists the attempts (Delivery only, not the list).
	AttemptLog []Attempt `json:"attemptLog,omitempty"`
}

// Attempt is one request of a delivery.
type Attempt struct {
	N               int               `json:"n"`
	At              time.Time         `json:"at"`
	Status          int               `json:"status"`
	Error           string            `json:"error,omitempty"`
	DurationMS      int64             `json:"durationMs"`
	RequestHeaders  map[string]string `json:"requestHeaders"`
	ResponseHeaders map[string]string `json:"responseHeaders"`
	// ResponseBody is the first 4 KB of the response (64 KB are read).
	ResponseBody string `json:"responseBody"`
}

func deliveryFrom(d store.Document, withBody bool) Delivery {
	out := Delivery{ID: d.ID, Endpoint: str(d.Data, "endpoint"), MessageID: str(d.Data, "msg_id"), Event: str(d.Data, "event"),
		Type: str(d.Data, "type"), Form: str(d.Data, "form"), Record: str(d.Data, "record"), Status: str(d.Data, "status"),
		Attempts: int(num(d.Data, "attempts")), LastStatus: int(num(d.Data, "last_status")), LastError: str(d.Data, "last_error"),
		RedeliveryOf: str(d.Data, "redelivery_of"), CreatedAt: d.CreatedAt}
	if t, err := store.ParseTime(str(d.Data, "next_at")); err == nil && out.Status == StatusPending {
		out.NextAt = &t
	}
	if t, err := store.ParseTime(str(d.Data, "finished_at")); err == nil {
		out.FinishedAt = &t
	}
	if withBody {
		out.Body = json.RawMessage(str(d.Data, "body"))
	}
	return out
}

func stringMap(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, x := range m {
		out[k], _ = x.(string)
	}
	return out
}

// DeliveryPage is one page of an endpoint's delivery log, newest first.
type DeliveryPage struct {
	Deliveries []Delivery `json:"deliveries"`
	Next       string     `json:"next,omitempty"`
}

// Deliveries lists an endpoint's deliveries, newest first, optionally of
// one status; cursor is the Next of the previous page.
func (s *Service) Deliveries(ctx context.Context, a engine.Actor, endpoint, status, cursor string, limit int) (DeliveryPage, error) {
	if err := s.admin(ctx, a); err != nil {
		return DeliveryPage{}, err
	}
	if _, err := s.endpointDoc(ctx, a.Workspace, endpoint); err != nil {
		return DeliveryPage{}, err
	}
	f := store.Where("endpoint", store.OpEq, endpoint)
	switch status {
	case "":
	case StatusPending, StatusSucceeded, StatusFailed:
		f = store.And(f, store.Where("status", store.OpEq, status))
	default:
		return DeliveryPage{}, invalid(fieldErr("status", CodeStatusFilter, map[string]any{"status": status}))
	}
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	p, err := s.st.Find(ctx, collDeliveries, store.Query{Filter: &f, Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}, {Field: store.FieldID, Desc: true}}, Limit: limit, After: cursor})
	if err != nil {
		return DeliveryPage{}, err
	}
	out := DeliveryPage{Deliveries: make([]Delivery, len(p.Docs)), Next: p.NextCursor}
	for i, d := range p.Docs {
		out.Deliveries[i] = deliveryFrom(d, false)
	}
	return out, nil
}

// deliveryDoc reads a delivery of the actor's workspace.
func (s *Service) deliveryDoc(ctx context.Context, ws, id string) (store.Document, error) {
	if store.ValidateID(id) != nil {
		return store.Document{}, fmt.Errorf("%w: delivery %q", engine.ErrNotFound, id)
	}
	d, err := s.st.Get(ctx, collDeliveries, id)
	if err != nil || str(d.Data, "workspace") != ws {
		return store.Document{}, fmt.Errorf("%w: delivery %q", engine.ErrNotFound, id)
	}
	return d, nil
}

// Delivery returns one delivery with its body and every attempt.
func (s *Service) Delivery(ctx context.Context, a engine.Actor, id string) (Delivery, error) {
	if err := s.admin(ctx, a); err != nil {
		return Delivery{}, err
	}
	d, err := s.deliveryDoc(ctx, a.Workspace, id)
	if err != nil {
		return Delivery{}, err
	}
	out := deliveryFrom(d, true)
	docs, err := s.findAll(ctx, collAttempts, store.Where("delivery", store.OpEq, id), []store.SortKey{{Field: store.FieldCreatedAt}})
	if err != nil {
		return Delivery{}, err
	}
	for _, x := range docs {
		out.AttemptLog = append(out.AttemptLog, Attempt{N: int(num(x.Data, "n")), At: x.CreatedAt, Status: int(num(x.Data, "status")),
			Error: str(x.Data, "error"), DurationMS: num(x.Data, "duration_ms"), RequestHeaders: stringMap(x.Data["request_headers"]),
			ResponseHeaders: stringMap(x.Data["response_headers"]), ResponseBody: str(x.Data, "response_body")})
	}
	return out, nil
}

// Redeliver queues a delivery again: a new entry in the log with the same
// body and the same webhook-id (receivers see the same message).
func (s *Service) Redeliver(ctx context.Context, a engine.Actor, id string) (Delivery, error) {
	if err := s.admin(ctx, a); err != nil {
		return Delivery{}, err
	}
	d, err := s.deliveryDoc(ctx, a.Workspace, id)
	if err != nil {
		return Delivery{}, err
	}
	return s.redeliver(ctx, d)
}

func (s *Service) redeliver(ctx context.Context, d store.Document) (Delivery, error) {
	orig := d.ID
	if o := str(d.Data, "redelivery_of"); o != "" {
		orig = o
	}
	n := newDelivery{id: "wd_" + store.NewID(), msgID: str(d.Data, "msg_id"), ws: str(d.Data, "workspace"), endpoint: str(d.Data, "endpoint"),
		event: str(d.Data, "event"), typ: str(d.Data, "type"), form: str(d.Data, "form"), record: str(d.Data, "record"),
		lane: str(d.Data, "lane"), body: []byte(str(d.Data, "body")), redelivery: orig}
	if err := s.enqueue(ctx, n); err != nil {
		return Delivery{}, err
	}
	nd, err := s.st.Get(ctx, collDeliveries, n.id)
	if err != nil {
		return Delivery{}, err
	}
	return deliveryFrom(nd, false), nil
}

// MaxRedeliver bounds one "redeliver everything that failed" request.
const MaxRedeliver = 1000

// RedeliverFailed queues again every failed delivery of an endpoint
// created in [from, to) (zero bounds are open), at most MaxRedeliver; it
// returns how many it queued.
func (s *Service) RedeliverFailed(ctx context.Context, a engine.Actor, endpoint string, from, to time.Time) (int, error) {
	if err := s.admin(ctx, a); err != nil {
		return 0, err
	}
	if _, err := s.endpointDoc(ctx, a.Workspace, endpoint); err != nil {
		return 0, err
	}
	f := []store.Filter{store.Where("endpoint", store.OpEq, endpoint), store.Where("status", store.OpEq, StatusFailed)}
	if !from.IsZero() {
		f = append(f, store.Where(store.FieldCreatedAt, store.OpGte, store.FormatTime(from.UTC())))
	}
	if !to.IsZero() {
		f = append(f, store.Where(store.FieldCreatedAt, store.OpLt, store.FormatTime(to.UTC())))
	}
	p, err := s.st.Find(ctx, collDeliveries, store.Query{Filter: ptr(store.And(f...)), Sort: []store.SortKey{{Field: store.FieldCreatedAt}}, Limit: MaxRedeliver})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range p.Docs {
		// A failed delivery already redelivered since is not queued twice.
		if str(d.Data, "redelivered") != "" {
			continue
		}
		if _, err := s.redeliver(ctx, d); err != nil {
			return n, err
		}
		data := clone(d.Data)
		data["redelivered"] = store.FormatTime(s.now())
		_, _ = s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: a.UserID, Writes: []store.Write{{Op: store.OpUpdate, Collection: collDeliveries, ExpectVersion: d.Version, Doc: store.Document{ID: d.ID, Data: data}}}})
		n++
	}
	return n, nil
}

// SendTest queues a webhook.test event to an endpoint (the "send test
// event" button); it goes through signing, the guard and the log.
func (s *Service) SendTest(ctx context.Context, a engine.Actor, endpoint string) (Delivery, error) {
	if err := s.admin(ctx, a); err != nil {
		return Delivery{}, err
	}
	if _, err := s.endpointDoc(ctx, a.Workspace, endpoint); err != nil {
		return Delivery{}, err
	}
	evID := store.NewID()
	body, _ := json.Marshal(Payload{PayloadVersion: PayloadVersion, ID: evID, Type: "webhook.test", Timestamp: s.now(), Workspace: a.Workspace,
		Data: map[string]any{"message": "This is a test event from Formloom. / 这是一条来自 Formloom 的测试事件。"}})
	id := deliveryID(endpoint, evID)
	err := s.enqueue(ctx, newDelivery{id: id, msgID: "msg_" + evID, ws: a.Workspace, endpoint: endpoint, event: evID, typ: "webhook.test",
		lane: endpoint + ".test", body: body})
	if err != nil {
		return Delivery{}, err
	}
	d, err := s.st.Get(ctx, collDeliveries, id)
	if err != nil {
		return Delivery{}, err
	}
	return deliveryFrom(d, false), nil
}

// Purge deletes deliveries, attempts and inbound calls older than the
// retention (30 days); it returns how many documents it removed.
func (s *Service) Purge(ctx context.Context) (int, error) {
	cutoff := store.FormatTime(s.now().Add(-s.opts.Retention))
	n := 0
	for _, coll := range []string{collAttempts, collDeliveries, collInboundLog} {
		f := store.Where(store.FieldCreatedAt, store.OpLt, cutoff)
		if coll == collDeliveries {
			// Pending deliveries stay until they end.
			f = store.And(f, store.Where("status", store.OpNe, StatusPending))
		}
		for {
			p, err := s.st.Find(ctx, coll, store.Query{Filter: &f, Limit: 500})
			if err != nil {
				return n, err
			}
			if len(p.Docs) == 0 {
				break
			}
			for _, d := range p.Docs {
				if _, err := s.st.Commit(ctx, store.UnitOfWork{Actor: "webhooks", Writes: []store.Write{{Op: store.OpHardDelete, Collection: coll, Doc: store.Document{ID: d.ID}}}}); err != nil {
					return n, err
				}
				n++
			}
		}
	}
	return n, nil
}

func (s *Service) purgeTask(ctx context.Context, _ jobs.Task) error {
	n, err := s.Purge(ctx)
	if n > 0 {
		s.log.Info("webhook log purged", "removed", n)
	}
	return err
}
