package mongostore

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/formloom/formloom/engine/store"
)

// collOutboxSeq holds the outbox sequence counter, apart from user counters.
const collOutboxSeq = "_outbox_seq"

// pendingDup carries a duplicate-key error out of a transaction, so the
// index it hit is looked up after the (aborted) transaction, not inside it.
type pendingDup struct {
	coll   string
	doc    *store.Document // the document as it was to be written, if known
	id     string
	insert bool
	err    error
}

func (p *pendingDup) Error() string { return p.err.Error() }
func (p *pendingDup) Unwrap() error { return p.err }

// Commit applies a unit of work. On a replica set it runs in one
// transaction (retried by the driver on transient errors). Without
// transactions a unit of more than one item is store.ErrUnsupported, unless
// Options.AllowNonAtomicUnits is set: then the items are applied in order
// and the first error stops the rest, leaving earlier items applied.
func (s *Store) Commit(ctx context.Context, u store.UnitOfWork) (store.CommitResult, error) {
	if err := s.check(); err != nil {
		return store.CommitResult{}, err
	}
	u, err := store.NormalizeUnit(u, s.now())
	if err != nil {
		return store.CommitResult{}, err
	}
	items := len(u.Writes) + len(u.Events) + len(u.Enqueue)
	var res store.CommitResult
	switch {
	case s.caps.Transactions:
		res, err = s.commitTxn(ctx, u)
	case items > 1 && !s.opts.AllowNonAtomicUnits:
		return store.CommitResult{}, fmt.Errorf("%w: a unit of work with %d items needs transactions (a MongoDB replica set); %s has none",
			store.ErrUnsupported, items, s.caps.Backend)
	default:
		unlock := s.lockSerial()
		res, err = s.apply(ctx, u)
		unlock()
	}
	if err != nil {
		return store.CommitResult{}, s.commitError(ctx, err)
	}
	if len(u.Events) > 0 || len(u.Enqueue) > 0 {
		s.commits.Notify()
	}
	return res, nil
}

func (s *Store) commitTxn(ctx context.Context, u store.UnitOfWork) (store.CommitResult, error) {
	sess, err := s.client.StartSession()
	if err != nil {
		return store.CommitResult{}, err
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	out, err := sess.WithTransaction(ctx, func(sc context.Context) (any, error) {
		return s.apply(sc, u)
	})
	if err != nil {
		return store.CommitResult{}, err
	}
	return out.(store.CommitResult), nil
}

// commitError turns what apply or the transaction returned into a contract
// error: contract errors pass, duplicate keys are resolved to their index,
// driver errors lose their type.
func (s *Store) commitError(ctx context.Context, err error) error {
	var pd *pendingDup
	if errors.As(err, &pd) {
		doc := pd.doc
		if doc == nil {
			if d, gerr := s.Get(ctx, pd.coll, pd.id); gerr == nil {
				doc = &d
			}
		}
		return s.duplicate(ctx, pd.coll, doc, pd.insert, pd.err)
	}
	for _, sentinel := range []error{store.ErrNotFound, store.ErrConflict, store.ErrDuplicate, store.ErrInvalidInput, store.ErrUnsupported, store.ErrClosed} {
		if errors.Is(err, sentinel) {
			return err
		}
	}
	return s.fail("commit", err)
}

// apply performs the unit's items in order. Inside a transaction it is
// called again on a transient error, so it keeps no state between calls.
func (s *Store) apply(ctx context.Context, u store.UnitOfWork) (store.CommitResult, error) {
	res := store.CommitResult{Docs: make([]store.Document, len(u.Writes))}
	for i := 0; i < len(u.Writes); {
		w := u.Writes[i]
		if w.Op == store.OpInsert {
			j := i + 1
			for j < len(u.Writes) && u.Writes[j].Op == store.OpInsert && u.Writes[j].Collection == w.Collection {
				j++
			}
			if err := s.insertDocs(ctx, u, i, j, res.Docs); err != nil {
				return store.CommitResult{}, err
			}
			i = j
			continue
		}
		d, err := s.applyWrite(ctx, u, w)
		if err != nil {
			return store.CommitResult{}, fmt.Errorf("write %d: %w", i, err)
		}
		res.Docs[i] = d
		i++
	}
	events, err := s.writeEvents(ctx, u.Events, u.Writes, res.Docs)
	if err != nil {
		return store.CommitResult{}, err
	}
	res.Events = events
	if len(u.Enqueue) > 0 {
		docs := make([]any, len(u.Enqueue))
		for i, it := range u.Enqueue {
			docs[i] = s.encodeQueueItem(it)
		}
		if _, err := s.db.Collection(collQueue).InsertMany(ctx, docs); err != nil {
			if isDuplicate(err) {
				return store.CommitResult{}, &store.DuplicateError{Collection: collQueue, Index: store.FieldID, Fields: []string{store.FieldID}}
			}
			return store.CommitResult{}, err
		}
	}
	return res, nil
}

// insertDocs inserts writes [from, to) (all inserts into one collection)
// with one ordered InsertMany.
func (s *Store) insertDocs(ctx context.Context, u store.UnitOfWork, from, to int, out []store.Document) error {
	coll := u.Writes[from].Collection
	batch := make([]any, 0, to-from)
	for i := from; i < to; i++ {
		d := u.Writes[i].Doc
		d.Version = 1
		d.CreatedAt, d.UpdatedAt, d.DeletedAt = u.At, u.At, nil
		out[i] = d
		batch = append(batch, encodeDocument(d))
	}
	var err error
	if len(batch) == 1 {
		_, err = s.db.Collection(coll).InsertOne(ctx, batch[0])
	} else {
		_, err = s.db.Collection(coll).InsertMany(ctx, batch)
	}
	if err == nil {
		return nil
	}
	if isDuplicate(err) {
		at := from
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 {
			at = from + bwe.WriteErrors[0].Index
		}
		d := out[at]
		return fmt.Errorf("write %d: %w", at, &pendingDup{coll: coll, doc: &d, id: d.ID, insert: true, err: err})
	}
	return fmt.Errorf("insert into %s: %w", coll, err)
}

// applyWrite performs one update, soft delete, restore or hard delete as a
// single conditional operation, then tells ErrNotFound from ErrConflict by
// reading the document when nothing matched.
func (s *Store) applyWrite(ctx context.Context, u store.UnitOfWork, w store.Write) (store.Document, error) {
	c := s.db.Collection(w.Collection)
	id := w.Doc.ID
	filter := bson.D{{Key: keyID, Value: id}}
	if w.ExpectVersion > 0 {
		filter = append(filter, bson.E{Key: keyVersion, Value: w.ExpectVersion})
	}
	at := store.FormatTime(u.At)
	stamp := bson.D{{Key: keyUpdatedAt, Value: at}, {Key: keyUpdatedBy, Value: w.Doc.UpdatedBy}}
	var update bson.D
	var pending *store.Document
	switch w.Op {
	case store.OpUpdate:
		filter = append(filter, bson.E{Key: keyDeletedAt, Value: nil})
		set := append(stamp, bson.E{Key: keyData, Value: encodeValue(w.Doc.Data)})
		update = bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: keyVersion, Value: int64(1)}}}}
		d := w.Doc
		pending = &d
	case store.OpSoftDelete:
		filter = append(filter, bson.E{Key: keyDeletedAt, Value: nil})
		set := append(stamp, bson.E{Key: keyDeletedAt, Value: at}, bson.E{Key: keyLive, Value: false})
		update = bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: keyVersion, Value: int64(1)}}}}
	case store.OpRestore:
		filter = append(filter, bson.E{Key: keyDeletedAt, Value: bson.D{{Key: "$ne", Value: nil}}})
		set := append(stamp, bson.E{Key: keyDeletedAt, Value: nil}, bson.E{Key: keyLive, Value: true})
		update = bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: keyVersion, Value: int64(1)}}}}
	case store.OpHardDelete:
		raw, err := c.FindOneAndDelete(ctx, filter).Raw()
		if err == nil {
			return decodeDocument(raw)
		}
		if errors.Is(err, mongo.ErrNoDocuments) {
			return store.Document{}, s.whyNoMatch(ctx, c, w, func(store.Document) bool { return true })
		}
		return store.Document{}, err
	default:
		return store.Document{}, fmt.Errorf("%w: unknown op %d", store.ErrInvalidInput, w.Op)
	}
	raw, err := c.FindOneAndUpdate(ctx, filter, update, options.FindOneAndUpdate().SetReturnDocument(options.After)).Raw()
	if err == nil {
		return decodeDocument(raw)
	}
	if errors.Is(err, mongo.ErrNoDocuments) {
		live := w.Op != store.OpRestore
		return store.Document{}, s.whyNoMatch(ctx, c, w, func(d store.Document) bool { return (d.DeletedAt == nil) == live })
	}
	if isDuplicate(err) {
		return store.Document{}, &pendingDup{coll: w.Collection, doc: pending, id: id, insert: false, err: err}
	}
	return store.Document{}, err
}

// whyNoMatch explains a conditional write that matched nothing: the
// document is missing or in the wrong recycle-bin state (ErrNotFound), or
// its version differs (ErrConflict).
func (s *Store) whyNoMatch(ctx context.Context, c *mongo.Collection, w store.Write, stateOK func(store.Document) bool) error {
	raw, err := c.FindOne(ctx, bson.D{{Key: keyID, Value: w.Doc.ID}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("%s/%s: %w", w.Collection, w.Doc.ID, store.ErrNotFound)
	}
	if err != nil {
		return err
	}
	d, err := decodeDocument(raw)
	if err != nil {
		return err
	}
	if !stateOK(d) {
		return fmt.Errorf("%s/%s: %w", w.Collection, w.Doc.ID, store.ErrNotFound)
	}
	if w.ExpectVersion > 0 && d.Version != w.ExpectVersion {
		return fmt.Errorf("%s/%s: expected version %d, stored %d: %w", w.Collection, w.Doc.ID, w.ExpectVersion, d.Version, store.ErrConflict)
	}
	// The document changed between the write and this read.
	return fmt.Errorf("%s/%s: changed concurrently: %w", w.Collection, w.Doc.ID, store.ErrConflict)
}
