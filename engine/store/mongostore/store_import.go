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

// collImport holds one document, "import", while an import runs ("state":
// "running") and after it ("done"). It tells an interrupted import (the
// database holds nothing but what that import wrote) from data of another
// origin, so a rerun may clear the former and must refuse the latter.
const collImport = "_import"

// importBatch bounds the documents of one insertMany.
const importBatch = 500

// Import returns a Loader into this database (see store.Importer), which
// must hold no document: a database that holds an unfinished import is
// *store.NotEmptyError with Partial set (ClearPartialImport empties it).
// The loader writes the stored layout directly, keeping versions, stamps
// and sequence numbers; it needs no transactions. Indexes of a collection
// are built once its documents are in. Nothing else may write the database
// during the import.
func (s *Store) Import(ctx context.Context) (store.Loader, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := s.checkEmpty(ctx); err != nil {
		return nil, err
	}
	_, err := s.db.Collection(collImport).InsertOne(ctx, bson.D{{Key: keyID, Value: "import"},
		{Key: "state", Value: "running"}, {Key: "started", Value: store.FormatTime(time.Now())}})
	if err != nil {
		return nil, s.fail("mark import", err)
	}
	return &loader{s: s}, nil
}

// checkEmpty finds the first collection that holds a document.
func (s *Store) checkEmpty(ctx context.Context) error {
	var mark struct {
		State   string `bson:"state"`
		Started string `bson:"started"`
	}
	err := s.db.Collection(collImport).FindOne(ctx, bson.D{{Key: keyID, Value: "import"}}).Decode(&mark)
	switch {
	case err == nil && mark.State == "running":
		return &store.NotEmptyError{What: "an import started " + mark.Started + " did not finish", Partial: true}
	case err == nil:
		return &store.NotEmptyError{What: "an import finished into it (started " + mark.Started + ")"}
	case !errors.Is(err, mongo.ErrNoDocuments):
		return s.fail("read import mark", err)
	}
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return s.fail("list collections", err)
	}
	for _, n := range names {
		if len(n) >= 7 && n[:7] == "system." {
			continue
		}
		c, err := s.db.Collection(n).EstimatedDocumentCount(ctx)
		if err != nil {
			return s.fail("count "+n, err)
		}
		if c > 0 {
			return &store.NotEmptyError{What: fmt.Sprintf("collection %s holds %d documents", n, c)}
		}
	}
	return nil
}

// ClearPartialImport drops every collection of a database whose import
// did not finish (see Import), so that it can be imported again. It
// refuses any other database.
func (s *Store) ClearPartialImport(ctx context.Context) error {
	var ne *store.NotEmptyError
	if err := s.checkEmpty(ctx); !errors.As(err, &ne) || !ne.Partial {
		if err == nil {
			return nil
		}
		return fmt.Errorf("mongostore: will not clear the database: %w", err)
	}
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return s.fail("list collections", err)
	}
	for _, n := range names {
		if n == collImport || (len(n) >= 7 && n[:7] == "system.") {
			continue
		}
		if err := s.db.Collection(n).Drop(ctx); err != nil {
			return s.fail("drop "+n, err)
		}
	}
	s.indexMu.Lock()
	s.uniqueIdx = map[string][]store.Index{}
	s.indexMu.Unlock()
	if err := s.prepare(ctx); err != nil {
		return err
	}
	// The mark goes last: a crash before leaves the database still partial.
	if err := s.db.Collection(collImport).Drop(ctx); err != nil {
		return s.fail("drop "+collImport, err)
	}
	return nil
}

type loader struct {
	s       *Store
	coll    string
	indexes []store.Index
	target  string
	batch   []any
}

// flush inserts the buffered documents into target.
func (l *loader) flush(ctx context.Context) error {
	if len(l.batch) == 0 {
		return nil
	}
	_, err := l.s.db.Collection(l.target).InsertMany(ctx, l.batch, options.InsertMany().SetOrdered(true))
	l.batch = l.batch[:0]
	if err != nil {
		return l.s.fail("import into "+l.target, err)
	}
	return nil
}

func (l *loader) add(ctx context.Context, target string, doc bson.D) error {
	if target != l.target {
		if err := l.flush(ctx); err != nil {
			return err
		}
		l.target = target
	}
	l.batch = append(l.batch, doc)
	if len(l.batch) >= importBatch {
		return l.flush(ctx)
	}
	return nil
}

// endCollection flushes the current collection and builds its indexes.
func (l *loader) endCollection(ctx context.Context) error {
	if err := l.flush(ctx); err != nil {
		return err
	}
	if l.coll == "" {
		return nil
	}
	coll, ix := l.coll, l.indexes
	l.coll, l.indexes = "", nil
	if len(ix) == 0 {
		return nil
	}
	if err := l.s.EnsureIndexes(ctx, coll, ix); err != nil {
		return fmt.Errorf("mongostore: import: indexes of %s: %w", coll, err)
	}
	return nil
}

// Collection implements store.Sink.
func (l *loader) Collection(ctx context.Context, name string, indexes []store.Index) error {
	if err := l.endCollection(ctx); err != nil {
		return err
	}
	if err := store.ValidateCollection(name); err != nil {
		return err
	}
	l.coll, l.indexes = name, indexes
	// An empty collection exists afterwards too.
	if err := l.s.db.CreateCollection(ctx, name); err != nil && !isNamespaceExists(err) {
		return l.s.fail("create "+name, err)
	}
	return nil
}

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists")
}

// Document implements store.Sink.
func (l *loader) Document(ctx context.Context, d store.Document) error {
	if l.coll == "" {
		return fmt.Errorf("%w: import: a document before its collection", store.ErrInvalidInput)
	}
	if err := store.ValidateID(d.ID); err != nil {
		return fmt.Errorf("import %s: %w", l.coll, err)
	}
	data, err := store.NormalizeData(d.Data)
	if err != nil {
		return fmt.Errorf("import %s/%s: %w", l.coll, d.ID, err)
	}
	d.Data = data
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC().Truncate(time.Microsecond), d.UpdatedAt.UTC().Truncate(time.Microsecond)
	return l.add(ctx, l.coll, encodeDocument(d))
}

// Event implements store.Sink.
func (l *loader) Event(ctx context.Context, e store.Event) error {
	if err := l.endCollection(ctx); err != nil {
		return err
	}
	if e.Seq < 1 {
		return fmt.Errorf("%w: import: event %s has no sequence number", store.ErrInvalidInput, e.ID)
	}
	return l.add(ctx, collOutbox, bson.D{
		{Key: keyID, Value: e.ID},
		{Key: "eid", Value: e.ID},
		{Key: "seq", Value: e.Seq},
		{Key: "ts", Value: int64(0)},
		{Key: "ui", Value: 0},
		{Key: "dv", Value: int64(0)},
		{Key: "type", Value: e.Type},
		{Key: "ws", Value: e.Workspace},
		{Key: "coll", Value: e.Collection},
		{Key: "doc", Value: e.DocID},
		{Key: "p", Value: encodeValue(e.Payload)},
		{Key: "at", Value: store.FormatTime(e.At)},
	})
}

// OutboxPosition implements store.Sink.
func (l *loader) OutboxPosition(ctx context.Context, seq int64) error {
	if err := l.endCollection(ctx); err != nil {
		return err
	}
	if err := l.flush(ctx); err != nil {
		return err
	}
	_, err := l.s.db.Collection(collOutboxSeq).UpdateOne(ctx, bson.D{{Key: keyID, Value: "seq"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: seq}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return l.s.fail("import outbox position", err)
	}
	return nil
}

// Counter implements store.Sink.
func (l *loader) Counter(ctx context.Context, name string, v int64) error {
	if err := l.endCollection(ctx); err != nil {
		return err
	}
	if err := store.ValidateID(name); err != nil {
		return fmt.Errorf("import counter: %w", err)
	}
	return l.add(ctx, collCounters, bson.D{{Key: keyID, Value: name}, {Key: "n", Value: v}})
}

// QueueItem implements store.Sink. Items keep their order of enqueueing.
func (l *loader) QueueItem(ctx context.Context, it store.ExportedQueueItem) error {
	if err := l.endCollection(ctx); err != nil {
		return err
	}
	if err := store.ValidateCollection(it.Queue); err != nil {
		return fmt.Errorf("import queue item: %w", err)
	}
	if err := store.ValidateID(it.ID); err != nil {
		return fmt.Errorf("import queue item: %w", err)
	}
	until := ""
	if !it.LeaseUntil.IsZero() {
		until = store.FormatTime(it.LeaseUntil)
	}
	first := it.FirstDue
	if first.IsZero() {
		first = it.DueAt
	}
	return l.add(ctx, collQueue, bson.D{
		{Key: keyID, Value: queueKey(it.Queue, it.ID)},
		{Key: "q", Value: it.Queue},
		{Key: "id", Value: it.ID},
		{Key: "key", Value: it.Key},
		{Key: "due", Value: store.FormatTime(it.DueAt)},
		{Key: "fd", Value: store.FormatTime(first)},
		{Key: "en", Value: l.s.nextOrder()},
		{Key: "att", Value: it.Attempts},
		{Key: "p", Value: encodeValue(it.Payload)},
		{Key: "lo", Value: it.LeaseOwner},
		{Key: "lu", Value: until},
	})
}

// Finish implements store.Loader: it flushes and marks the import done.
func (l *loader) Finish(ctx context.Context) error {
	if err := l.endCollection(ctx); err != nil {
		return err
	}
	if err := l.flush(ctx); err != nil {
		return err
	}
	_, err := l.s.db.Collection(collImport).UpdateOne(ctx, bson.D{{Key: keyID, Value: "import"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: "done"}, {Key: "finished", Value: store.FormatTime(time.Now())}}}})
	if err != nil {
		return l.s.fail("mark import done", err)
	}
	return nil
}
