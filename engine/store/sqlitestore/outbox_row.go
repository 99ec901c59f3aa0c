package sqlitestore

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Outbox rows (schema version 7, migration 7).
//
// A row written since holds seq, id, at (microseconds since the Unix
// epoch), enc, one compressed block (outbox_codec.go) and given (1 when
// the caller gave the id, which the partial unique index outbox_given_id
// then holds; NULL for an id of store.NewID, which does not repeat and is
// stored as its 16 bytes, eventID); its type,
// workspace, collection and doc_id columns are NULL. The block's text is
// the event's head, four strings each preceded by its length as a
// uvarint (type, workspace, collection, document id), followed by the
// payload's JSON text. The collection's dictionary holds the head's
// repeated strings and the payload repeats the document id ("record"),
// so the head costs a few bytes; on the benchmark's record.created events
// a row is about 130 bytes against 250 with the columns.
//
// Rows written before keep their columns (type IS NOT NULL) and a block
// (or JSONB, enc 0) of the payload alone.

// outboxColumns are what every outbox read selects, in eventScanner.scan
// order; outboxHeadColumns leave out the payloads of rows that keep their
// head in columns.
const (
	outboxColumns     = `seq, id, typeof(id) = 'blob', at, enc, type IS NULL, coalesce(type, ''), coalesce(workspace, ''), coalesce(collection, ''), coalesce(doc_id, ''), iif(enc = 0, json(payload), payload)`
	outboxHeadColumns = `seq, id, typeof(id) = 'blob', at, enc, type IS NULL, coalesce(type, ''), coalesce(workspace, ''), coalesce(collection, ''), coalesce(doc_id, ''), iif(type IS NULL, payload, NULL)`
)

// insertEventSQL inserts an event in the current row format; its last
// argument is 1 when the caller gave the event's id (checked unique by
// the index outbox_given_id), NULL when the store generated it.
const insertEventSQL = `INSERT INTO outbox (id, at, enc, payload, given) VALUES (?, ?, ?, ?, ?)`

// eventID is the stored form of an event's id: the 16 bytes of an id the
// store generated (store.NewID: 26 characters of lower-case Crockford
// base32 holding 128 bits), the text of any other.
func eventID(id string, given bool) any {
	if !given {
		if b := packID(id); b != nil {
			return b
		}
	}
	return id
}

const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// crockfordValue maps a character of crockford to its value, others to 0xff.
var crockfordValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(crockford); i++ {
		t[crockford[i]] = byte(i)
	}
	return t
}()

// packID returns the 128 bits of an id in store.NewID's form, nil for any
// other id.
func packID(id string) []byte {
	if len(id) != 26 {
		return nil
	}
	var hi, lo uint64
	for i := 0; i < len(id); i++ {
		v := crockfordValue[id[i]]
		if v == 0xff || hi>>59 != 0 { // not base32, or more than 128 bits
			return nil
		}
		hi = hi<<5 | lo>>59
		lo = lo<<5 | uint64(v)
	}
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	return b
}

// unpackID is the text of an id packed by packID ("" when b is not 16 bytes).
func unpackID(b []byte) string {
	if len(b) != 16 {
		return ""
	}
	hi, lo := binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// eventMicros is the stored time of an event: microseconds since the
// Unix epoch, the precision of store.TimeLayout.
func eventMicros(t time.Time) int64 { return t.UTC().Truncate(time.Microsecond).UnixMicro() }

// packEvent appends to b the text a row's block compresses: e's head,
// then the payload's JSON text.
func packEvent(b []byte, e store.Event, payload []byte) []byte {
	for _, s := range [...]string{e.Type, e.Workspace, e.Collection, e.DocID} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return append(b, payload...)
}

// packBufs are buffers (*[]byte) for packEvent's text, which lives only
// until it is compressed.
var packBufs sync.Pool

var errBadHead = errors.New("malformed event head")

// unpackEvent reads the head of a block's text into e and returns the
// payload's JSON text.
func unpackEvent(text []byte, e *store.Event) ([]byte, error) {
	for _, dst := range [...]*string{&e.Type, &e.Workspace, &e.Collection, &e.DocID} {
		n, k := binary.Uvarint(text)
		if k <= 0 || n > uint64(len(text)-k) {
			return nil, errBadHead
		}
		*dst = string(text[k : k+int(n)])
		text = text[k+int(n):]
	}
	return text, nil
}

// eventScanner reads outbox rows selected with outboxColumns or
// outboxHeadColumns; its buffer is reused across a batch.
type eventScanner struct {
	dicts *eventDicts
	buf   []byte
}

// scan reads the current row into e and returns the payload's JSON text,
// nil when the row's payload was not selected. The text is valid until
// the next call.
func (r *eventScanner) scan(rows interface{ Scan(...any) error }, e *store.Event) ([]byte, error) {
	var at, enc int64
	var packed, idBlob bool
	var id, payload sql.RawBytes
	if err := rows.Scan(&e.Seq, &id, &idBlob, &at, &enc, &packed, &e.Type, &e.Workspace, &e.Collection, &e.DocID, &payload); err != nil {
		return nil, err
	}
	if idBlob {
		if e.ID = unpackID(id); e.ID == "" {
			return nil, fmt.Errorf("sqlitestore: event %d has a malformed id", e.Seq)
		}
	} else {
		e.ID = string(id)
	}
	e.At = time.UnixMicro(at).UTC()
	if payload == nil {
		return nil, nil
	}
	if enc == encJSONB {
		return payload, nil
	}
	text, err := r.dicts.decode(enc, payload, r.buf[:0])
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: event %s payload: %w", e.ID, err)
	}
	r.buf = text
	if packed {
		if text, err = unpackEvent(text, e); err != nil {
			return nil, fmt.Errorf("sqlitestore: event %s: %w", e.ID, err)
		}
	}
	return text, nil
}
