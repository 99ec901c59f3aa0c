package mongostore

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/formloom/formloom/engine/store"
)

// MaxReadEvents bounds one ReadEvents call.
const MaxReadEvents = store.MaxReadEvents

type eventRecord struct {
	Seq        int64    `bson:"_id"`
	ID         string   `bson:"eid"`
	Type       string   `bson:"type"`
	Workspace  string   `bson:"ws"`
	Collection string   `bson:"coll"`
	DocID      string   `bson:"doc"`
	Payload    bson.Raw `bson:"p"`
	At         string   `bson:"at"`
}

// writeEvents numbers the events from the outbox counter and inserts them.
// In a transaction the counter update serializes concurrent commits, so
// sequence numbers grow in commit order.
func (s *Store) writeEvents(ctx context.Context, events []store.Event) ([]store.Event, error) {
	if len(events) == 0 {
		return nil, nil
	}
	var seq struct {
		N int64 `bson:"n"`
	}
	err := s.db.Collection(collOutboxSeq).FindOneAndUpdate(ctx,
		bson.D{{Key: keyID, Value: "seq"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(len(events))}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
	).Decode(&seq)
	if err != nil {
		return nil, fmt.Errorf("outbox sequence: %w", err)
	}
	out := make([]store.Event, len(events))
	docs := make([]any, len(events))
	first := seq.N - int64(len(events)) + 1
	for i, e := range events {
		e.Seq = first + int64(i)
		e.At = e.At.UTC().Truncate(time.Microsecond)
		out[i] = e
		docs[i] = bson.D{
			{Key: keyID, Value: e.Seq},
			{Key: "eid", Value: e.ID},
			{Key: "type", Value: e.Type},
			{Key: "ws", Value: e.Workspace},
			{Key: "coll", Value: e.Collection},
			{Key: "doc", Value: e.DocID},
			{Key: "p", Value: encodeValue(e.Payload)},
			{Key: "at", Value: store.FormatTime(e.At)},
		}
	}
	if _, err := s.db.Collection(collOutbox).InsertMany(ctx, docs); err != nil {
		if isDuplicate(err) {
			return nil, &store.DuplicateError{Collection: collOutbox, Index: "event_id", Fields: []string{"id"}}
		}
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return out, nil
}

// ReadEvents returns up to limit events with Seq > afterSeq, in Seq order.
func (s *Store) ReadEvents(ctx context.Context, afterSeq int64, limit int) ([]store.Event, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := store.ValidateReadEvents(afterSeq, limit); err != nil {
		return nil, err
	}
	cur, err := s.db.Collection(collOutbox).Find(ctx,
		bson.D{{Key: keyID, Value: bson.D{{Key: "$gt", Value: afterSeq}}}},
		options.Find().SetSort(bson.D{{Key: keyID, Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, s.fail("read events", err)
	}
	defer cur.Close(ctx)
	var out []store.Event
	for cur.Next(ctx) {
		var r eventRecord
		if err := cur.Decode(&r); err != nil {
			return nil, s.fail("read events", err)
		}
		p, err := decodeValue(bson.RawValue{Type: bson.TypeEmbeddedDocument, Value: r.Payload}, 0)
		if err != nil {
			return nil, err
		}
		payload, _ := p.(map[string]any)
		at, _ := store.ParseTime(r.At)
		out = append(out, store.Event{
			ID: r.ID, Seq: r.Seq, Type: r.Type, Workspace: r.Workspace,
			Collection: r.Collection, DocID: r.DocID, Payload: payload, At: at,
		})
	}
	if err := cur.Err(); err != nil {
		return nil, s.fail("read events", err)
	}
	return out, nil
}
