package mongostore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/formloom/formloom/engine/store"
)

// MaxReadEvents bounds one ReadEvents call.
const MaxReadEvents = store.MaxReadEvents

// The outbox is written without a shared counter and numbered afterwards.
//
// A commit inserts its events "pending": no seq, an order key (ts, from the
// store's time, which is the server's, made strictly increasing within the
// process; ui, the index within the unit) and,
// for an event about a document the unit wrote, that document's new
// version (dv). No document is shared between commits, so the commits of
// different tenants and records never conflict on the outbox.
//
// ReadEvents first numbers the pending events (sequence): in one
// transaction it reads up to MaxReadEvents of them in order, takes their
// numbers with one $inc of the counter per batch, and sets seq on them.
// Events of one document are placed in version order within the batch, so
// per-record order holds even if the writers' times are a little apart.
// Sequencers serialize on the counter document, writers never do. An event
// whose commit becomes visible after a batch was taken waits for the next
// batch and gets a larger number, so a reader that saw seq n never sees a
// smaller seq appear later.
type eventRecord struct {
	ID         string   `bson:"_id"`
	Seq        int64    `bson:"seq"`
	Type       string   `bson:"type"`
	Workspace  string   `bson:"ws"`
	Collection string   `bson:"coll"`
	DocID      string   `bson:"doc"`
	Payload    bson.Raw `bson:"p"`
	At         string   `bson:"at"`
	DocVersion int64    `bson:"dv"`
}

// writeEvents inserts the unit's events as pending (see eventRecord).
// docs are the documents the unit's writes produced.
func (s *Store) writeEvents(ctx context.Context, events []store.Event, writes []store.Write, docs []store.Document) ([]store.Event, error) {
	if len(events) == 0 {
		return nil, nil
	}
	versions := map[string]int64{}
	for i, w := range writes {
		versions[w.Collection+"/"+docs[i].ID] = docs[i].Version
	}
	ts := s.nextOrder()
	out := make([]store.Event, len(events))
	batch := make([]any, len(events))
	for i, e := range events {
		e.Seq = 0
		e.At = e.At.UTC().Truncate(time.Microsecond)
		out[i] = e
		batch[i] = bson.D{
			{Key: keyID, Value: e.ID},
			{Key: "eid", Value: e.ID},
			{Key: "ts", Value: ts},
			{Key: "ui", Value: i},
			{Key: "dv", Value: versions[e.Collection+"/"+e.DocID]},
			{Key: "type", Value: e.Type},
			{Key: "ws", Value: e.Workspace},
			{Key: "coll", Value: e.Collection},
			{Key: "doc", Value: e.DocID},
			{Key: "p", Value: encodeValue(e.Payload)},
			{Key: "at", Value: store.FormatTime(e.At)},
		}
	}
	if _, err := s.db.Collection(collOutbox).InsertMany(ctx, batch); err != nil {
		if isDuplicate(err) {
			return nil, &store.DuplicateError{Collection: collOutbox, Index: "event_id", Fields: []string{"id"}}
		}
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return out, nil
}

// pendingFilter selects the events that have no number yet.
var pendingFilter = bson.D{{Key: "seq", Value: bson.D{{Key: "$exists", Value: false}}}}

// sequence numbers up to MaxReadEvents pending events (see eventRecord).
func (s *Store) sequence(ctx context.Context) error {
	err := s.db.Collection(collOutbox).FindOne(ctx, pendingFilter, options.FindOne().SetProjection(bson.D{{Key: keyID, Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil
	}
	if err != nil {
		return err
	}
	s.seqMu.Lock()
	defer s.seqMu.Unlock()
	if !s.caps.Transactions {
		unlock := s.lockSerial()
		defer unlock()
		return s.sequenceBatch(ctx)
	}
	return s.inTransaction(ctx, func(sc context.Context) (any, error) { return nil, s.sequenceBatch(sc) })
}

func (s *Store) sequenceBatch(ctx context.Context) error {
	type pending struct {
		ID  string `bson:"_id"`
		Doc string `bson:"doc"`
		Col string `bson:"coll"`
		DV  int64  `bson:"dv"`
	}
	cur, err := s.db.Collection(collOutbox).Find(ctx, pendingFilter, options.Find().
		SetSort(bson.D{{Key: "ts", Value: 1}, {Key: "ui", Value: 1}, {Key: keyID, Value: 1}}).
		SetProjection(bson.D{{Key: keyID, Value: 1}, {Key: "doc", Value: 1}, {Key: "coll", Value: 1}, {Key: "dv", Value: 1}}).
		SetLimit(MaxReadEvents))
	if err != nil {
		return err
	}
	var batch []pending
	if err := cur.All(ctx, &batch); err != nil {
		return err
	}
	if len(batch) == 0 {
		return nil
	}
	// Within the batch, the events of one document take the slots of that
	// document in the order of its versions.
	slots := map[string][]int{}
	for i, p := range batch {
		if p.DV > 0 {
			k := p.Col + "/" + p.Doc
			slots[k] = append(slots[k], i)
		}
	}
	ordered := slices.Clone(batch)
	for _, idx := range slots {
		group := make([]pending, len(idx))
		for j, i := range idx {
			group[j] = batch[i]
		}
		slices.SortStableFunc(group, func(a, b pending) int { return int(a.DV - b.DV) })
		for j, i := range idx {
			ordered[i] = group[j]
		}
	}
	var seq struct {
		N int64 `bson:"n"`
	}
	err = s.db.Collection(collOutboxSeq).FindOneAndUpdate(ctx,
		bson.D{{Key: keyID, Value: "seq"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(len(ordered))}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
	).Decode(&seq)
	if err != nil {
		return fmt.Errorf("outbox sequence: %w", err)
	}
	first := seq.N - int64(len(ordered)) + 1
	c := s.db.Collection(collOutbox)
	if !s.caps.Transactions {
		// FerretDB stalls on a bulk write of many updates; one by one it is fine.
		for i, p := range ordered {
			if _, err := c.UpdateOne(ctx, bson.D{{Key: keyID, Value: p.ID}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: first + int64(i)}}}}); err != nil {
				return fmt.Errorf("outbox sequence: %w", err)
			}
		}
		return nil
	}
	models := make([]mongo.WriteModel, len(ordered))
	for i, p := range ordered {
		models[i] = mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: keyID, Value: p.ID}, pendingFilter[0]}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: first + int64(i)}}}})
	}
	if _, err := c.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(true)); err != nil {
		return fmt.Errorf("outbox sequence: %w", err)
	}
	return nil
}

// ReadEvents numbers the pending events, then returns up to limit events
// with Seq > afterSeq, in Seq order.
func (s *Store) ReadEvents(ctx context.Context, afterSeq int64, limit int) ([]store.Event, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := store.ValidateReadEvents(afterSeq, limit); err != nil {
		return nil, err
	}
	if err := s.sequence(ctx); err != nil {
		return nil, s.fail("number outbox events", err)
	}
	cur, err := s.db.Collection(collOutbox).Find(ctx,
		bson.D{{Key: "seq", Value: bson.D{{Key: "$gt", Value: afterSeq}}}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, s.fail("read events", err)
	}
	defer cur.Close(ctx)
	out := []store.Event{}
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

// TrimEvents deletes the numbered events with Seq <= throughSeq stamped before before.
func (s *Store) TrimEvents(ctx context.Context, throughSeq int64, before time.Time) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if throughSeq < 0 {
		return 0, fmt.Errorf("%w: negative sequence number", store.ErrInvalidInput)
	}
	res, err := s.db.Collection(collOutbox).DeleteMany(ctx, bson.D{
		{Key: "seq", Value: bson.D{{Key: "$lte", Value: throughSeq}}},
		{Key: "at", Value: bson.D{{Key: "$lt", Value: store.FormatTime(before.UTC())}}},
	})
	if err != nil {
		return 0, s.fail("trim events", err)
	}
	return res.DeletedCount, nil
}

// migrateOutbox gives events written by earlier versions (numbered in _id)
// their number in seq, so they read like new ones.
func (s *Store) migrateOutbox(ctx context.Context) error {
	c := s.db.Collection(collOutbox)
	for {
		cur, err := c.Find(ctx, bson.D{{Key: keyID, Value: bson.D{{Key: "$type", Value: "long"}}}, pendingFilter[0]},
			options.Find().SetProjection(bson.D{{Key: keyID, Value: 1}, {Key: "eid", Value: 1}}).SetLimit(1000))
		if err != nil {
			return err
		}
		var old []struct {
			Seq int64  `bson:"_id"`
			ID  string `bson:"eid"`
		}
		if err := cur.All(ctx, &old); err != nil {
			return err
		}
		if len(old) == 0 {
			return nil
		}
		models := make([]mongo.WriteModel, len(old))
		for i, o := range old {
			models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: keyID, Value: o.Seq}}).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: o.Seq}}}})
		}
		if _, err := c.BulkWrite(ctx, models); err != nil {
			return err
		}
	}
}
