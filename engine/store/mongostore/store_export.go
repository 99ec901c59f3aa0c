package mongostore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/formloom/formloom/engine/store"
)

var (
	_ store.Exporter = (*Store)(nil)
	_ store.Importer = (*Store)(nil)
)

// Export pushes everything the store holds into sink (see store.Exporter).
//
// On a MongoDB replica set every read runs in one snapshot session, so the
// export is as of one cluster time while other processes keep writing.
// The server keeps that history for minSnapshotHistoryWindowInSeconds
// (300 s by default): an export that runs longer fails with
// SnapshotTooOld and must be retried or the window raised. FerretDB and a
// standalone mongod have no snapshot reads: the export then reads
// collection by collection (ExportInfo.Consistent is false) and nothing may
// write meanwhile.
//
// Events not numbered yet (committed after the last ReadEvents) are given
// the numbers the next ReadEvents would give them, after the outbox
// position, which moves past them.
func (s *Store) Export(ctx context.Context, sink store.Sink) (store.ExportInfo, error) {
	info := store.ExportInfo{Method: "collection by collection (this server has no snapshot reads)"}
	if err := s.check(); err != nil {
		return info, err
	}
	db := s.db
	rctx := ctx
	if s.caps.Backend == "mongodb" && s.caps.Transactions {
		sess, err := s.client.StartSession(options.Session().SetSnapshot(true))
		if err != nil {
			return info, s.fail("start snapshot session", err)
		}
		defer sess.EndSession(context.Background())
		rctx = mongo.NewSessionContext(ctx, sess)
		// A snapshot read refuses a collection-level read concern.
		db = s.client.Database(s.db.Name())
		info = store.ExportInfo{Consistent: true, Method: "mongodb snapshot session"}
	}
	x := exporter{s: s, db: db, rctx: rctx, ctx: ctx, sink: sink}
	// The first read fixes the snapshot's time; collections are listed after it.
	pos, err := x.position()
	if err != nil {
		return info, err
	}
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return info, s.fail("list collections", err)
	}
	slices.Sort(names)
	for _, n := range names {
		if store.ValidateCollection(n) != nil {
			continue // internal (_outbox…), GridFS (files.*) or not Formloom's
		}
		if err := x.collection(ctx, n); err != nil {
			return info, err
		}
	}
	if pos, err = x.events(pos); err != nil {
		return info, err
	}
	if err := sink.OutboxPosition(ctx, pos); err != nil {
		return info, err
	}
	if err := x.counters(); err != nil {
		return info, err
	}
	return info, x.queue()
}

type exporter struct {
	s    *Store
	db   *mongo.Database
	rctx context.Context // the reads' context: it carries the snapshot session, if any
	ctx  context.Context // the sink's: without the session
	sink store.Sink
}

func (x exporter) position() (int64, error) {
	var seq struct {
		N int64 `bson:"n"`
	}
	err := x.db.Collection(collOutboxSeq).FindOne(x.rctx, bson.D{{Key: keyID, Value: "seq"}}).Decode(&seq)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, x.s.fail("export outbox position", err)
	}
	return seq.N, nil
}

// each runs fn on every document of coll that filter selects, in sort order.
func (x exporter) each(coll string, filter, sort bson.D, fn func(bson.Raw) error) error {
	cur, err := x.db.Collection(coll).Find(x.rctx, filter, options.Find().SetSort(sort))
	if err != nil {
		return x.exportErr("export "+coll, err)
	}
	defer cur.Close(x.rctx)
	for cur.Next(x.rctx) {
		if err := fn(cur.Current); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return x.exportErr("export "+coll, err)
	}
	return nil
}

func (x exporter) collection(ctx context.Context, name string) error {
	ix, err := x.s.declaredIndexes(ctx, name)
	if err != nil {
		return err
	}
	if err := x.sink.Collection(ctx, name, ix); err != nil {
		return err
	}
	err = x.each(name, bson.D{}, bson.D{{Key: keyID, Value: 1}}, func(raw bson.Raw) error {
		d, err := decodeDocument(raw)
		if err != nil {
			return err
		}
		return x.sink.Document(ctx, d)
	})
	if errors.Is(err, errSnapshotUnavailable) {
		// Created after the snapshot's time (collections are listed after
		// it): at that time it did not exist, so it is empty.
		return nil
	}
	return err
}

// errSnapshotUnavailable is MongoDB's SnapshotUnavailable (code 246), the
// answer to a snapshot read of a collection created after the snapshot.
var errSnapshotUnavailable = errors.New("mongostore: collection not in the snapshot")

// exportErr maps the snapshot errors of a read in the export.
func (x exporter) exportErr(what string, err error) error {
	var se mongo.ServerError
	switch {
	case errors.As(err, &se) && se.HasErrorCode(246):
		return errSnapshotUnavailable
	case errors.As(err, &se) && se.HasErrorCode(239):
		return fmt.Errorf("mongostore: %s: the export took longer than the server keeps snapshot history "+
			"(minSnapshotHistoryWindowInSeconds, 300 s by default): raise it on the replica set and retry: %s", what, err.Error())
	}
	return x.s.fail(what, err)
}

// declaredIndexes reads back the indexes EnsureIndexes made on coll.
func (s *Store) declaredIndexes(ctx context.Context, coll string) ([]store.Index, error) {
	cur, err := s.db.Collection(coll).Indexes().List(ctx)
	if err != nil {
		return nil, s.fail("list indexes of "+coll, err)
	}
	var specs []struct {
		Name   string `bson:"name"`
		Key    bson.D `bson:"key"`
		Unique bool   `bson:"unique"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		return nil, s.fail("list indexes of "+coll, err)
	}
	var out []store.Index
	for _, sp := range specs {
		name, ok := strings.CutPrefix(sp.Name, indexPrefix)
		if !ok || len(name) < 10 || name[len(name)-9] != '_' {
			continue
		}
		ix := store.Index{Name: name[:len(name)-9], Unique: sp.Unique}
		for _, k := range sp.Key {
			f := contractPath(k.Key)
			if store.ValidateSort([]store.SortKey{{Field: f}}) != nil {
				return nil, fmt.Errorf("mongostore: index %s of %s: unknown field %s", sp.Name, coll, k.Key)
			}
			desc := false
			switch v := k.Value.(type) {
			case int32:
				desc = v < 0
			case int64:
				desc = v < 0
			case float64:
				desc = v < 0
			}
			ix.Fields = append(ix.Fields, store.SortKey{Field: f, Desc: desc})
		}
		if indexName(ix) == sp.Name {
			out = append(out, ix)
		}
	}
	slices.SortFunc(out, func(a, b store.Index) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// events exports the numbered events, then the pending ones numbered from
// pos as sequenceBatch would number them; it returns the new position.
func (x exporter) events(pos int64) (int64, error) {
	err := x.each(collOutbox, bson.D{{Key: "seq", Value: bson.D{{Key: "$exists", Value: true}}}},
		bson.D{{Key: "seq", Value: 1}}, func(raw bson.Raw) error {
			e, _, err := decodeEventRecord(raw)
			if err != nil {
				return err
			}
			return x.sink.Event(x.ctx, e)
		})
	if err != nil {
		return 0, err
	}
	type pending struct {
		e  store.Event
		dv int64
	}
	var batch []pending
	err = x.each(collOutbox, pendingFilter, bson.D{{Key: "ts", Value: 1}, {Key: "ui", Value: 1}, {Key: keyID, Value: 1}},
		func(raw bson.Raw) error {
			e, dv, err := decodeEventRecord(raw)
			batch = append(batch, pending{e, dv})
			return err
		})
	if err != nil {
		return 0, err
	}
	// The events of one document take that document's slots in version order.
	slots := map[string][]int{}
	for i, p := range batch {
		if p.dv > 0 {
			k := p.e.Collection + "/" + p.e.DocID
			slots[k] = append(slots[k], i)
		}
	}
	ordered := slices.Clone(batch)
	for _, idx := range slots {
		group := make([]pending, len(idx))
		for j, i := range idx {
			group[j] = batch[i]
		}
		slices.SortStableFunc(group, func(a, b pending) int { return int(a.dv - b.dv) })
		for j, i := range idx {
			ordered[i] = group[j]
		}
	}
	for _, p := range ordered {
		pos++
		p.e.Seq = pos
		if err := x.sink.Event(x.ctx, p.e); err != nil {
			return 0, err
		}
	}
	return pos, nil
}

func decodeEventRecord(raw bson.Raw) (store.Event, int64, error) {
	var r eventRecord
	if err := bson.Unmarshal(raw, &r); err != nil {
		return store.Event{}, 0, fmt.Errorf("mongostore: corrupt event: %s", err.Error())
	}
	p, err := decodeValue(bson.RawValue{Type: bson.TypeEmbeddedDocument, Value: r.Payload}, 0)
	if err != nil {
		return store.Event{}, 0, err
	}
	payload, _ := p.(map[string]any)
	if payload == nil {
		payload = map[string]any{}
	}
	at, _ := store.ParseTime(r.At)
	return store.Event{ID: r.ID, Seq: r.Seq, Type: r.Type, Workspace: r.Workspace,
		Collection: r.Collection, DocID: r.DocID, Payload: payload, At: at}, r.DocVersion, nil
}

func (x exporter) counters() error {
	return x.each(collCounters, bson.D{}, bson.D{{Key: keyID, Value: 1}}, func(raw bson.Raw) error {
		var c struct {
			Name string `bson:"_id"`
			N    int64  `bson:"n"`
		}
		if err := bson.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("mongostore: corrupt counter: %s", err.Error())
		}
		return x.sink.Counter(x.ctx, c.Name, c.N)
	})
}

func (x exporter) queue() error {
	return x.each(collQueue, bson.D{}, bson.D{{Key: "en", Value: 1}, {Key: keyID, Value: 1}}, func(raw bson.Raw) error {
		it, err := decodeQueueItem(raw)
		if err != nil {
			return err
		}
		var fd struct {
			FD string `bson:"fd"`
		}
		_ = bson.Unmarshal(raw, &fd)
		ex := store.ExportedQueueItem{QueueItem: it, FirstDue: it.DueAt}
		if t, err := store.ParseTime(fd.FD); err == nil && fd.FD != "" {
			ex.FirstDue = t
		}
		return x.sink.QueueItem(x.ctx, ex)
	})
}
