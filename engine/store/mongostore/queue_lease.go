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
// TimeLayout string so it orders as text; fd is the due time the item was
// enqueued with and en its enqueue order, which together order one key.
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

// nextOrder returns a number that grows with every call in this process
// and follows the store's (the server's) time across processes; it orders
// enqueued items and pending outbox events.
func (s *Store) nextOrder() int64 {
	n := s.now().UnixNano()
	for {
		last := s.enqSeq.Load()
		if n <= last {
			n = last + 1
		}
		if s.enqSeq.CompareAndSwap(last, n) {
			return n
		}
	}
}

func (s *Store) encodeQueueItem(it store.QueueItem) bson.D {
	due := store.FormatTime(it.DueAt)
	return bson.D{
		{Key: keyID, Value: queueKey(it.Queue, it.ID)},
		{Key: "q", Value: it.Queue},
		{Key: "id", Value: it.ID},
		{Key: "key", Value: it.Key},
		{Key: "due", Value: due},
		{Key: "fd", Value: due},
		{Key: "en", Value: s.nextOrder()},
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
	now := s.now()
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
		docs[i] = s.encodeQueueItem(n)
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
		s.commits.Notify()
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

// free is the condition of an item or key lock without a live lease: lu is
// "" (which sorts before every time) or earlier than now.
func free(nowText string) bson.E {
	return bson.E{Key: "lu", Value: bson.D{{Key: "$lt", Value: nowText}}}
}

// Claim leases the next due item of queue, oldest due first. An item
// without a key is leased with one conditional update. For an item with a
// key, the key's lock (a document in collQueueKeys, taken with a
// conditional upsert whose unique _id makes it exclusive) is taken first,
// then the head of the key (first due time, then enqueue order) is leased
// if it is due; the lock carries the same expiry as the item's lease.
func (s *Store) Claim(ctx context.Context, queue, owner string, lease time.Duration) (store.QueueItem, error) {
	if err := s.check(); err != nil {
		return store.QueueItem{}, err
	}
	if err := store.ValidateLease(queue, owner, lease); err != nil {
		return store.QueueItem{}, err
	}
	unlock := s.lockSerial()
	defer unlock()
	now := s.now()
	nowText := store.FormatTime(now)
	until := store.FormatTime(now.Add(lease))
	cur, err := s.db.Collection(collQueue).Find(ctx,
		bson.D{{Key: "q", Value: queue}, {Key: "due", Value: bson.D{{Key: "$lte", Value: nowText}}}, free(nowText)},
		options.Find().SetSort(bson.D{{Key: "due", Value: 1}, {Key: keyID, Value: 1}}).
			SetProjection(bson.D{{Key: keyID, Value: 1}, {Key: "key", Value: 1}}).SetBatchSize(64))
	if err != nil {
		return store.QueueItem{}, s.fail("claim from "+queue, err)
	}
	defer cur.Close(ctx)
	triedKeys := map[string]bool{}
	for cur.Next(ctx) {
		var c struct {
			ID  string `bson:"_id"`
			Key string `bson:"key"`
		}
		if err := cur.Decode(&c); err != nil {
			return store.QueueItem{}, s.fail("claim from "+queue, err)
		}
		var it store.QueueItem
		var ok bool
		if c.Key == "" {
			it, ok, err = s.leaseItem(ctx, c.ID, owner, nowText, until)
		} else if !triedKeys[c.Key] {
			triedKeys[c.Key] = true
			it, ok, err = s.claimKey(ctx, queue, c.Key, owner, nowText, until)
		}
		if err != nil {
			return store.QueueItem{}, s.fail("claim from "+queue, err)
		}
		if ok {
			return it, nil
		}
	}
	if err := cur.Err(); err != nil {
		return store.QueueItem{}, s.fail("claim from "+queue, err)
	}
	return store.QueueItem{}, fmt.Errorf("queue %s: nothing due: %w", queue, store.ErrNotFound)
}

// leaseItem leases the item _id if its lease is free; ok is false if another
// claimer was first.
func (s *Store) leaseItem(ctx context.Context, id, owner, nowText, until string) (store.QueueItem, bool, error) {
	update := bson.D{
		{Key: "$set", Value: bson.D{{Key: "lo", Value: owner}, {Key: "lu", Value: until}}},
		{Key: "$inc", Value: bson.D{{Key: "att", Value: 1}}},
	}
	raw, err := s.db.Collection(collQueue).FindOneAndUpdate(ctx,
		bson.D{{Key: keyID, Value: id}, {Key: "due", Value: bson.D{{Key: "$lte", Value: nowText}}}, free(nowText)},
		update, options.FindOneAndUpdate().SetReturnDocument(options.After)).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return store.QueueItem{}, false, nil
	}
	if err != nil {
		return store.QueueItem{}, false, err
	}
	it, err := decodeQueueItem(raw)
	return it, err == nil, err
}

// claimKey takes the lock of key and leases the key's head if it is due.
func (s *Store) claimKey(ctx context.Context, queue, key, owner, nowText, until string) (store.QueueItem, bool, error) {
	locks := s.db.Collection(collQueueKeys)
	lockID := queueKey(queue, key)
	_, err := locks.UpdateOne(ctx, bson.D{{Key: keyID, Value: lockID}, free(nowText)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lo", Value: owner}, {Key: "lu", Value: until}, {Key: "id", Value: ""}}}},
		options.UpdateOne().SetUpsert(true))
	if err != nil && isDuplicate(err) {
		return store.QueueItem{}, false, nil // the key is leased
	}
	if err != nil {
		return store.QueueItem{}, false, err
	}
	release := func() {
		if _, err := locks.DeleteOne(ctx, bson.D{{Key: keyID, Value: lockID}, {Key: "lo", Value: owner}, {Key: "lu", Value: until}}); err != nil {
			s.log.Warn("could not release a queue key lock; it expires with its lease", "queue", queue, "error", err)
		}
	}
	var head struct {
		ID string `bson:"_id"`
	}
	err = s.db.Collection(collQueue).FindOne(ctx, bson.D{{Key: "q", Value: queue}, {Key: "key", Value: key}},
		options.FindOne().SetSort(bson.D{{Key: "fd", Value: 1}, {Key: "en", Value: 1}, {Key: keyID, Value: 1}}).
			SetProjection(bson.D{{Key: keyID, Value: 1}})).Decode(&head)
	if err != nil {
		release()
		if errors.Is(err, mongo.ErrNoDocuments) {
			return store.QueueItem{}, false, nil
		}
		return store.QueueItem{}, false, err
	}
	it, ok, err := s.leaseItem(ctx, head.ID, owner, nowText, until)
	if err != nil || !ok {
		release()
		return store.QueueItem{}, false, err
	}
	if _, err := locks.UpdateOne(ctx, bson.D{{Key: keyID, Value: lockID}, {Key: "lo", Value: owner}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "id", Value: it.ID}}}}); err != nil {
		return store.QueueItem{}, false, err
	}
	return it, true, nil
}

// held is the filter of an item that owner still holds a live lease on.
func held(queue, id, owner, nowText string) bson.D {
	return bson.D{{Key: keyID, Value: queueKey(queue, id)}, {Key: "lo", Value: owner},
		{Key: "lu", Value: bson.D{{Key: "$gte", Value: nowText}}}}
}

// keyLock is the filter of the lock owner holds on the key of item id.
func keyLock(queue, key, id, owner string) bson.D {
	return bson.D{{Key: keyID, Value: queueKey(queue, key)}, {Key: "lo", Value: owner}, {Key: "id", Value: id}}
}

// Extend prolongs a lease owner still holds, and the lock of its key.
func (s *Store) Extend(ctx context.Context, queue, id, owner string, lease time.Duration) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := store.ValidateLease(queue, owner, lease); err != nil {
		return err
	}
	unlock := s.lockSerial()
	defer unlock()
	now := s.now()
	until := store.FormatTime(now.Add(lease))
	raw, err := s.db.Collection(collQueue).FindOneAndUpdate(ctx, held(queue, id, owner, store.FormatTime(now)),
		bson.D{{Key: "$set", Value: bson.D{{Key: "lu", Value: until}}}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("queue %s item %s: %s does not hold the lease: %w", queue, id, owner, store.ErrConflict)
	}
	if err != nil {
		return s.fail("extend lease", err)
	}
	if key, _ := raw.Lookup("key").StringValueOK(); key != "" {
		if _, err := s.db.Collection(collQueueKeys).UpdateOne(ctx, keyLock(queue, key, id, owner),
			bson.D{{Key: "$set", Value: bson.D{{Key: "lu", Value: until}}}}); err != nil {
			return s.fail("extend lease", err)
		}
	}
	return nil
}

// releaseKey drops the lock owner holds on the key of the item in raw.
func (s *Store) releaseKey(ctx context.Context, queue, id, owner string, raw bson.Raw) error {
	key, _ := raw.Lookup("key").StringValueOK()
	if key == "" {
		return nil
	}
	_, err := s.db.Collection(collQueueKeys).DeleteOne(ctx, keyLock(queue, key, id, owner))
	return err
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
	raw, err := s.db.Collection(collQueue).FindOneAndDelete(ctx, held(queue, id, owner, store.FormatTime(s.now()))).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("queue %s item %s: %s does not hold the lease: %w", queue, id, owner, store.ErrConflict)
	}
	if err != nil {
		return s.fail("ack", err)
	}
	if err := s.releaseKey(ctx, queue, id, owner, raw); err != nil {
		return s.fail("ack", err)
	}
	return nil
}

// Retry releases an item owner holds, to be due again at due; it keeps its
// place among the items of its key.
func (s *Store) Retry(ctx context.Context, queue, id, owner string, due time.Time) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := store.ValidateLease(queue, owner, time.Second); err != nil {
		return err
	}
	now := s.now()
	if due.IsZero() {
		due = now
	}
	unlock := s.lockSerial()
	defer unlock()
	set := bson.D{{Key: "due", Value: store.FormatTime(due)}, {Key: "lo", Value: ""}, {Key: "lu", Value: ""}}
	raw, err := s.db.Collection(collQueue).FindOneAndUpdate(ctx, held(queue, id, owner, store.FormatTime(now)), bson.D{{Key: "$set", Value: set}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("queue %s item %s: %s does not hold the lease: %w", queue, id, owner, store.ErrConflict)
	}
	if err != nil {
		return s.fail("retry", err)
	}
	if err := s.releaseKey(ctx, queue, id, owner, raw); err != nil {
		return s.fail("retry", err)
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
