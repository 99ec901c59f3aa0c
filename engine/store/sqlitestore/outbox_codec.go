package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/klauspost/compress/s2"
)

// Outbox payload encodings (outbox.enc).
//
// enc 0, rows written before schema version 6: the payload is SQLite JSONB.
//
// enc > 0: the payload is the JSON text compressed as one S2 block with
// the dictionary outbox_dicts.id = enc; since schema version 7 the text
// starts with the event's head (outbox_row.go). Dictionary 1, stored by
// migration 6, holds the keys and words every payload shares. Each
// collection gets its own dictionary once dictSamples of its events have
// committed: their text (head and JSON since version 7), so the ids, keys and values its events repeat (the app, the
// form, the actor, the field keys listed in "changed" and again in "data")
// cost a few bytes each. On the benchmark's record.created events that is
// 509 bytes of JSONB against about 70; S2 encodes a payload in about 2 µs
// and decodes it in under 1 µs, less than SQLite's jsonb()/json() of it.
// A dictionary never changes once stored, so every row stays readable.
//
// Memory: one dictionary per collection with events (at most dictMaxBytes,
// plus S2's 32 KiB encode table once the process writes to it).
const (
	// encJSONB is the encoding of rows written before schema version 6.
	encJSONB int64 = 0
	// staticDictID is the dictionary of collections without their own.
	staticDictID int64 = 1
	// dictSamples committed payloads make a collection's dictionary.
	dictSamples = 8
	// dictMaxBytes bounds a dictionary, and a payload kept as a sample.
	dictMaxBytes = 8 << 10
	// maxPendingDict bounds the collections collecting samples at once.
	maxPendingDict = 64
)

// eventDict is one stored dictionary.
type eventDict struct {
	id int64
	d  *s2.Dict
}

// eventDicts holds the outbox dictionaries: by id for reads, by collection
// for writes. samples and training are the writer goroutine's own.
type eventDicts struct {
	mu     sync.RWMutex
	byID   map[int64]*s2.Dict
	byColl map[string]*eventDict
	static *eventDict
	// bufs are encode buffers (*[]byte).
	bufs sync.Pool

	// samples are committed payloads of collections without a dictionary
	// (written in job.after, read by trainDicts, both on the writer).
	samples map[string][][]byte
	ready   []string
}

// loadEventDicts reads every stored dictionary.
func loadEventDicts(ctx context.Context, db *sql.DB) (*eventDicts, error) {
	ds := &eventDicts{byID: map[int64]*s2.Dict{}, byColl: map[string]*eventDict{}, samples: map[string][][]byte{}}
	rows, err := db.QueryContext(ctx, `SELECT id, collection, dict FROM outbox_dicts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: read outbox dictionaries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var coll string
		var b []byte
		if err := rows.Scan(&id, &coll, &b); err != nil {
			return nil, fmt.Errorf("sqlitestore: read outbox dictionaries: %w", err)
		}
		d := newDict(b)
		if d == nil {
			return nil, fmt.Errorf("sqlitestore: outbox dictionary %d is invalid", id)
		}
		ds.byID[id] = d
		if id == staticDictID {
			ds.static = &eventDict{id, d}
		} else {
			ds.byColl[coll] = &eventDict{id, d}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: read outbox dictionaries: %w", err)
	}
	if ds.static == nil {
		return nil, fmt.Errorf("sqlitestore: outbox dictionary %d is missing", staticDictID)
	}
	return ds, nil
}

// encode compresses the JSON text b of an event of coll. sample reports
// that coll has no dictionary of its own yet, so b may train one.
func (ds *eventDicts) encode(coll string, b []byte) (enc int64, out []byte, sample bool) {
	ds.mu.RLock()
	d := ds.byColl[coll]
	ds.mu.RUnlock()
	if d == nil {
		d, sample = ds.static, true
	}
	// S2 needs room for the worst case (more than the JSON); the block is
	// usually a fraction of it, so it is copied out of a pooled buffer.
	bp, _ := ds.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	c := d.d.Encode((*bp)[:0], b)
	out = append(make([]byte, 0, len(c)), c...)
	if cap(c) <= maxPooledBuf {
		*bp = c[:0]
		ds.bufs.Put(bp)
	}
	return d.id, out, sample
}

// maxPooledBuf bounds the encode buffers kept for reuse.
const maxPooledBuf = 64 << 10

// decode returns the JSON text of a payload stored with encoding enc
// (enc > 0) into buf.
func (ds *eventDicts) decode(enc int64, p, buf []byte) ([]byte, error) {
	ds.mu.RLock()
	d := ds.byID[enc]
	ds.mu.RUnlock()
	if d == nil {
		return nil, fmt.Errorf("unknown payload encoding %d", enc)
	}
	return d.Decode(buf, p)
}

// sample keeps the committed payload b of coll for its dictionary, unless
// coll has one already (b was encoded before it was published). Writer only.
func (ds *eventDicts) sample(coll string, b []byte) {
	ds.mu.RLock()
	has := ds.byColl[coll] != nil
	ds.mu.RUnlock()
	if has || len(b) > dictMaxBytes {
		return
	}
	ss, ok := ds.samples[coll]
	if !ok && len(ds.samples) >= maxPendingDict {
		return
	}
	if len(ss) >= dictSamples {
		return
	}
	ss = append(ss, b)
	ds.samples[coll] = ss
	if len(ss) == dictSamples {
		ds.ready = append(ds.ready, coll)
	}
}

// newDict makes the S2 dictionary of the stored content b (nil when b is
// too short or too long), its first repeat offset 0.
func newDict(b []byte) *s2.Dict {
	return s2.MakeDict(append([]byte{}, b...), nil)
}

// dictContent is the dictionary text made of samples: the newest last,
// nearest the payload being encoded, at most dictMaxBytes (a sample that
// does not fit is left out).
func dictContent(samples [][]byte) []byte {
	var out []byte
	for i := len(samples) - 1; i >= 0; i-- {
		s := samples[i]
		if len(out)+len(s) > dictMaxBytes {
			continue
		}
		out = append(append([]byte{}, s...), out...)
	}
	return out
}

// trainDicts stores a dictionary for each collection with enough samples,
// each in its own transaction, and publishes it once committed. A failure
// is logged; that collection keeps the static dictionary.
func (w *writer) trainDicts() {
	ds := w.s.dicts
	if len(ds.ready) == 0 {
		return
	}
	ready := ds.ready
	ds.ready = nil
	for _, coll := range ready {
		content := dictContent(ds.samples[coll])
		delete(ds.samples, coll)
		d := newDict(content)
		if d == nil {
			continue
		}
		id, err := w.storeDict(coll, content)
		if err != nil {
			if _, rerr := w.conn.exec("ROLLBACK"); rerr != nil {
				w.s.log.Error("sqlitestore: rollback failed", "err", rerr)
			}
			w.s.log.Warn("sqlitestore: outbox dictionary not stored", "collection", coll, "err", err)
			continue
		}
		ds.mu.Lock()
		ds.byID[id] = d
		ds.byColl[coll] = &eventDict{id, d}
		ds.mu.Unlock()
	}
}

func (w *writer) storeDict(coll string, b []byte) (int64, error) {
	if _, err := w.conn.exec("BEGIN IMMEDIATE"); err != nil {
		return 0, err
	}
	res, err := w.conn.exec(`INSERT INTO outbox_dicts (collection, dict) VALUES (?, ?)`, coll, b)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if _, err := w.conn.exec("COMMIT"); err != nil {
		return 0, err
	}
	return id, nil
}
