package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/formloom/formloom/engine/store"
)

// DeadLetter is an event a consumer failed to handle MaxAttempts times.
type DeadLetter struct {
	ID        string
	Consumer  string
	Event     store.Event
	Attempts  int
	LastError string
	FailedAt  string
}

func deadLetterID(consumer, eventID string) string { return consumer + "." + eventID }

func (r *Runtime) deadLetter(ctx context.Context, c *Consumer, e store.Event, attempts int, cause error) error {
	data := map[string]any{
		"consumer": c.Name, "event_id": e.ID, "seq": e.Seq, "type": e.Type, "workspace": e.Workspace,
		"collection": e.Collection, "doc_id": e.DocID, "payload": e.Payload, "at": store.FormatTime(e.At),
		"attempts": attempts, "last_error": cause.Error(), "failed_at": store.FormatTime(r.clock.Now().UTC()),
	}
	_, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{{
		Op: store.OpInsert, Collection: collDeadLetters, Doc: store.Document{ID: deadLetterID(c.Name, e.ID), Data: data},
	}}})
	if err != nil && !errors.Is(err, store.ErrDuplicate) { // a redelivery after a crash finds it stored
		return fmt.Errorf("jobs: store dead letter: %w", err)
	}
	r.stat(c.Name, func(s *Stats) { s.DeadLetters++ })
	return nil
}

func decodeDeadLetter(d store.Document) DeadLetter {
	s := func(k string) string { v, _ := d.Data[k].(string); return v }
	n := func(k string) float64 { v, _ := d.Data[k].(float64); return v }
	payload, _ := d.Data["payload"].(map[string]any)
	at, _ := store.ParseTime(s("at"))
	return DeadLetter{
		ID: d.ID, Consumer: s("consumer"), Attempts: int(n("attempts")), LastError: s("last_error"), FailedAt: s("failed_at"),
		Event: store.Event{ID: s("event_id"), Seq: int64(n("seq")), Type: s("type"), Workspace: s("workspace"),
			Collection: s("collection"), DocID: s("doc_id"), Payload: payload, At: at},
	}
}

// DeadLetters lists up to limit dead letters, of one consumer or of all ("").
func (r *Runtime) DeadLetters(ctx context.Context, consumer string, limit int) ([]DeadLetter, error) {
	q := store.Query{Limit: limit}
	if consumer != "" {
		q.Filter = &store.Filter{Field: "consumer", Op: store.OpEq, Value: consumer}
	}
	p, err := r.st.Find(ctx, collDeadLetters, q)
	if err != nil {
		return nil, fmt.Errorf("jobs: list dead letters: %w", err)
	}
	out := make([]DeadLetter, len(p.Docs))
	for i, d := range p.Docs {
		out[i] = decodeDeadLetter(d)
	}
	return out, nil
}

// RetryDeadLetter hands the dead letter's event to its consumer once more,
// now; on success the dead letter is deleted, on failure it is kept with the
// new error and one more attempt.
func (r *Runtime) RetryDeadLetter(ctx context.Context, id string) error {
	d, err := r.st.Get(ctx, collDeadLetters, id)
	if err != nil {
		return fmt.Errorf("jobs: dead letter %s: %w", id, err)
	}
	dl := decodeDeadLetter(d)
	r.mu.Lock()
	c := r.consumers[dl.Consumer]
	r.mu.Unlock()
	if c == nil {
		return fmt.Errorf("%w: jobs: consumer %s is not registered", store.ErrNotFound, dl.Consumer)
	}
	herr := r.call(ctx, c, Delivery{Event: dl.Event, Attempt: dl.Attempts + 1})
	if herr == nil {
		r.stat(c.Name, func(s *Stats) { s.Handled++ })
		return r.DiscardDeadLetter(ctx, id)
	}
	d.Data["attempts"] = dl.Attempts + 1
	d.Data["last_error"] = herr.Error()
	d.Data["failed_at"] = store.FormatTime(r.clock.Now().UTC())
	if _, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{{
		Op: store.OpUpdate, Collection: collDeadLetters, ExpectVersion: d.Version, Doc: store.Document{ID: id, Data: d.Data},
	}}}); err != nil {
		return fmt.Errorf("jobs: update dead letter %s: %w", id, err)
	}
	return fmt.Errorf("jobs: retry of %s failed: %w", id, herr)
}

// DiscardDeadLetter deletes a dead letter for good.
func (r *Runtime) DiscardDeadLetter(ctx context.Context, id string) error {
	_, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{{
		Op: store.OpHardDelete, Collection: collDeadLetters, Doc: store.Document{ID: id},
	}}})
	if err != nil {
		return fmt.Errorf("jobs: discard dead letter %s: %w", id, err)
	}
	return nil
}
