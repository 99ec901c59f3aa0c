package mongostore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/formloom/formloom/engine/store"
)

// Queue items live in one collection; _id is "queue:id" (queue names hold
// no colon), lo/lu are the lease owner and expiry ("" when free), due is a
// TimeLayout string so it orders as text.
type queueRecord struct {
	Queue      string   `bson:"q"`
	ID         string   `bson:"id"`
	Key        string   `bson:"key"`
	Due        string   `bson:"due"`
	Attempts   int      `bson:"att"`
	Payload    bson.Raw `bson:"p"`
	LeaseOwner string   `bson:"lo"`
	LeaseUntil string   `bson:"lu"`
}

func queueKey(queue, id string) string { return queue + ":" + id }

func encodeQueueItem(it store.QueueItem) bson.D {
	return bson.D{
		{Key: keyID, Value: queueKey(it.Queue, it.ID)},
		{Key: "q", Value: it.Queue},
		{Key: "id", Value: it.ID},
		{Key: "key", Value: it.Key},
		{Key: "due", Value: store.FormatTime(it.DueAt)},
		{Key: "att", Value: it.Attempts},
		{Key: "p", Value: encodeValue(it.Payload)},
		{Key: "lo", Value: ""},
		{Key: "lu", Value: ""},
	}
}

func decodeQueueItem(raw bson.Raw) (store.QueueItem, error) {
	var r queueRecord
	if err := bson.Unmarshal(raw, &r); err != nil {
		return store.QueueItem{}, fmt.Errorf("mongostore: corrupt queue item: %s", err.Error())
	}
	p, err := decodeValue(bson.RawValue{Type: bson.TypeEmbeddedDocument, Value: r.Payload}, 0)
	if err != nil {
		return store.QueueItem{}, err
	}
	payload, _ := p.(map[string]any)
	it := store.QueueItem{ID: r.ID, Queue: r.Queue, Key: r.Key, Attempts: r.Attempts, Payload: payload, LeaseOwner: r.LeaseOwner}
	it.DueAt, _ = store.ParseTime(r.Due)
	if r.LeaseUntil != "" {
		it.LeaseUntil, _ = store.ParseTime(r.LeaseUntil)
	}
	return it, nil
}

// Enqueue adds items; if any id already exists, nothing is added.
func (s *Store) Enqueue(ctx context.Context, items ...store.QueueItem) error {
	if err := s.check(); err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	if len(items) > store.MaxUnitWrites {
		return fmt.Errorf("%w: more than %d queue items", store.ErrInvalidInput, store.MaxUnitWrites)
	}
	now := time.Now()
	docs := make([]any, len(items))
	seen := map[string]bool{}
	for i, it := range items {
		n, err := store.NormalizeQueueItem(it, now)
		if err != nil {
			return fmt.Errorf("queue item %d: %w", i, err)
		}
		k := queueKey(n.Queue, n.ID)
		if seen[k] {
			return &store.DuplicateError{Collection: collQueue, Index: store.FieldID, Fields: []string{store.FieldID}}
		}
		seen[k] = true
		docs[i] = encodeQueueItem(n)
	}
	insert := func(ctx context.Context) (any, error) {
		return s.db.Collection(collQueue).InsertMany(ctx, docs)
	}
	var err error
	switch {
	case len(docs) == 1 || !s.caps.Transactions:
		_, err = insert(ctx)
	default:
		err = s.inTransaction(ctx, insert)
	}
	if err == nil {
		return nil
	}
	if isDuplicate(err) {
		if !s.caps.Transactions && len(docs) > 1 {
			s.undoInserted(ctx, docs, err)
		}
		return &store.DuplicateError{Collection: collQueue, Index: store.FieldID, Fields: []string{store.FieldID}}
	}
	return s.fail("enqueue", err)
}

// undoInserted removes the items an ordered InsertMany added before it hit
// a duplicate, so Enqueue adds nothing on servers without transactions.
func (s *Store) undoInserted(ctx context.Context, docs []any, err error) {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || len(bwe.WriteErrors) == 0 {
		return
	}
	var ids bson.A
	for i := 0; i < bwe.WriteErrors[0].Index && i < len(docs); i++ {
		ids = append(ids, docs[i].(bson.D)[0].Value)
	}
	if len(ids) == 0 {
		return
	}
	if _, derr := s.db.Collection(collQueue).DeleteMany(ctx, bson.D{{Key: keyID, Value: bson.D{{Key: "$in", Value: ids}}}}); derr != nil {
		s.log.Error("enqueue: could not remove items added before a duplicate", "error", derr)
	}
}

func (s *Store) inTransaction(ctx context.Context, fn func(context.Context) (any, error)) error {
	sess, err := s.client.StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	_, err = sess.WithTransaction(ctx, fn)
	return err
}

// Claim leases the next due item of queue, oldest due first.
func (s *Store) Claim(ctx context.Context, queue, owner string, lease time.Duration) (store.QueueItem, error) {
	if err := s.check(); err != nil {
		return store.QueueItem{}, err
	}
	if err := store.ValidateLease(queue, owner, lease); err != nil {
		return store.QueueItem{}, err
	}
	unlock := s.lockSerial()
	defer unlock()
	now := time.Now().UTC()
	nowText := store.FormatTime(now)
	filter := bson.D{
		{Key: "q", Value: queue},
		{Key: "due", Value: bson.D{{Key: "$lte", Value: nowText}}},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "lu", Value: ""}},
			bson.D{{Key: "lu", Value: bson.D{{Key: "$lte", Value: nowText}}}},
		}},
	}
	update := bson.D{
		{Key: "$set", Value: bson.D{{Key: "lo", Value: owner}, {Key: "lu", Value: store.FormatTime(now.Add(lease))}}},
		{Key: "$inc", Value: bson.D{{Key: "att", Value: 1}}},
	}
	opts := options.FindOneAndUpdate().
		SetSort(bson.D{{Key: "due", Value: 1}, {Key: keyID, Value: 1}}).
		SetReturnDocument(options.After)
	raw, err := s.db.Collection(collQueue).FindOneAndUpdate(ctx, filter, update, opts).Raw()
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return store.QueueItem{}, fmt.Errorf("queue %s: nothing due: %w", queue, store.ErrNotFound)
		}
		return store.QueueItem{}, s.fail("claim from "+queue, err)
	}
	return decodeQueueItem(raw)
}

// held is the filter of an item that owner still holds.
func held(queue, id, owner string) bson.D {
	return bson.D{{Key: keyID, Value: queueKey(queue, id)}, {Key: "lo", Value: owner}}
}

// Extend prolongs a lease owner still holds.
func (s *Store) Extend(ctx context.Context, queue, id, owner string, lease time.Duration) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := store.ValidateLease(queue, owner, lease); err != nil {
		return err
	}
	unlock := s.lockSerial()
	defer unlock()
	until := store.FormatTime(time.Now().Add(lease))
	res, err := s.db.Collection(collQueue).UpdateOne(ctx, held(queue, id, owner),
		bson.D{{Key: "$set", Value: bson.D{{Key: "lu", Value: until}}}})
	if err != nil {
		return s.fail("extend lease", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("queue %s item %s: %s does not hold the lease: %w", queue, id, owner, store.ErrConflict)
	}
	return nil
}

// Ack removes a finished item owner still holds.
func (s *Store) Ack(ctx context.Context, queue, id, owner string) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := store.ValidateLease(queue, owner, time.Second); err != nil {
		return err
	}
	unlock := s.lockSerial()
	defer unlock()
	res, err := s.db.Collection(collQueue).DeleteOne(ctx, held(queue, id, owner))
	if err != nil {
		return s.fail("ack", err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("queue %s item %s: %s does not hold the lease: %w", queue, id, owner, store.ErrConflict)
	}
	return nil
}

// Retry releases an item owner holds, to be due again at due.
func (s *Store) Retry(ctx context.Context, queue, id, owner string, due time.Time) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := store.ValidateLease(queue, owner, time.Second); err != nil {
		return err
	}
	if due.IsZero() {
		due = time.Now()
	}
	unlock := s.lockSerial()
	defer unlock()
	set := bson.D{{Key: "due", Value: store.FormatTime(due)}, {Key: "lo", Value: ""}, {Key: "lu", Value: ""}}
	res, err := s.db.Collection(collQueue).UpdateOne(ctx, held(queue, id, owner), bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return s.fail("retry", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("queue %s item %s: %s does not hold the lease: %w", queue, id, owner, store.ErrConflict)
	}
	return nil
}

// Depth counts the items of queue, leased or not.
func (s *Store) Depth(ctx context.Context, queue string) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if err := store.ValidateCollection(queue); err != nil {
		return 0, fmt.Errorf("queue name: %w", err)
	}
	n, err := s.db.Collection(collQueue).CountDocuments(ctx, bson.D{{Key: "q", Value: queue}})
	if err != nil {
		return 0, s.fail("depth of "+queue, err)
	}
	return n, nil
}
