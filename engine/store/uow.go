package store

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// WriteOp is the kind of one write in a unit of work.
type WriteOp int

// The writes a unit of work can hold.
const (
	// OpInsert adds Doc (an empty Doc.ID gets NewID()); the version becomes 1.
	OpInsert WriteOp = iota + 1
	// OpUpdate replaces Doc.Data of the live document Doc.ID; version+1.
	OpUpdate
	// OpSoftDelete moves Doc.ID to the recycle bin (sets DeletedAt); version+1.
	OpSoftDelete
	// OpRestore takes Doc.ID out of the recycle bin; version+1. A restore that
	// would break a unique index fails with ErrDuplicate.
	OpRestore
	// OpHardDelete removes Doc.ID for good.
	OpHardDelete
)

// Write is one change in a unit of work. For every op but OpInsert,
// ExpectVersion > 0 makes it a compare-and-set: if the stored version
// differs the whole unit fails with ErrConflict. 0 means unconditional.
// Updating or soft-deleting a deleted document, or restoring a live one, is
// ErrNotFound.
type Write struct {
	Op            WriteOp
	Collection    string
	Doc           Document
	ExpectVersion int64
}

// Event is an outbox entry written atomically with the documents it describes.
type Event struct {
	// ID is unique and is the consumers' idempotency key; empty gets NewID().
	ID string
	// Seq numbers the outbox in commit order, and in order per document.
	// It is what ReadEvents returns. SQLite assigns it at commit, so the
	// CommitResult carries it; MongoDB numbers events after commit, so its
	// CommitResult holds 0 (see docs/architecture.md).
	Seq        int64
	Type       string
	Workspace  string
	Collection string
	DocID      string
	Payload    map[string]any
	At         time.Time
}

// UnitOfWork is a set of writes, outbox events and queue items that commit
// atomically: all or nothing.
type UnitOfWork struct {
	Writes  []Write
	Events  []Event
	Enqueue []QueueItem
	// At stamps CreatedAt/UpdatedAt/DeletedAt and events with no At; zero means now.
	At time.Time
	// Actor stamps CreatedBy/UpdatedBy where the document leaves them empty.
	Actor string
}

// CommitResult reports what a unit of work stored: Docs[i] is the document as
// written by Writes[i] (for OpHardDelete, as it was before), and the events
// with their ids, times and sequence numbers.
type CommitResult struct {
	Docs   []Document
	Events []Event
}

// MaxUnitWrites bounds the size of one unit of work.
const MaxUnitWrites = 10000

// NormalizeUnit validates a unit of work and fills ids, times and the actor;
// backends call it first. It copies the documents' data into the canonical
// value model.
func NormalizeUnit(u UnitOfWork, now time.Time) (UnitOfWork, error) {
	n := len(u.Writes) + len(u.Events) + len(u.Enqueue)
	if n == 0 {
		return u, fmt.Errorf("%w: empty unit of work", ErrInvalidInput)
	}
	if n > MaxUnitWrites {
		return u, fmt.Errorf("%w: unit of work has more than %d items", ErrInvalidInput, MaxUnitWrites)
	}
	if u.At.IsZero() {
		u.At = now
	}
	u.At = u.At.UTC().Truncate(time.Microsecond)
	writes := make([]Write, len(u.Writes))
	for i, w := range u.Writes {
		if err := ValidateCollection(w.Collection); err != nil {
			return u, fmt.Errorf("write %d: %w", i, err)
		}
		if w.Op < OpInsert || w.Op > OpHardDelete {
			return u, fmt.Errorf("%w: write %d: unknown op %d", ErrInvalidInput, i, w.Op)
		}
		if w.ExpectVersion < 0 {
			return u, fmt.Errorf("%w: write %d: negative expected version", ErrInvalidInput, i)
		}
		d := w.Doc
		if w.Op == OpInsert && d.ID == "" {
			d.ID = NewID()
		}
		if err := ValidateID(d.ID); err != nil {
			return u, fmt.Errorf("write %d: %w", i, err)
		}
		if w.Op == OpInsert || w.Op == OpUpdate {
			data, err := NormalizeData(d.Data)
			if err != nil {
				return u, fmt.Errorf("write %d: %w", i, err)
			}
			d.Data = data
		}
		if d.UpdatedBy == "" {
			d.UpdatedBy = u.Actor
		}
		if w.Op == OpInsert && d.CreatedBy == "" {
			d.CreatedBy = d.UpdatedBy
		}
		w.Doc = d
		writes[i] = w
	}
	u.Writes = writes
	events := make([]Event, len(u.Events))
	for i, e := range u.Events {
		if e.ID == "" {
			e.ID = NewID()
		}
		if err := ValidateID(e.ID); err != nil {
			return u, fmt.Errorf("event %d: %w", i, err)
		}
		if strings.TrimSpace(e.Type) == "" {
			return u, fmt.Errorf("%w: event %d has no type", ErrInvalidInput, i)
		}
		if e.At.IsZero() {
			e.At = u.At
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		p, err := NormalizeData(e.Payload)
		if err != nil {
			return u, fmt.Errorf("event %d: %w", i, err)
		}
		e.Payload = p
		e.Seq = 0
		events[i] = e
	}
	u.Events = events
	items := make([]QueueItem, len(u.Enqueue))
	for i, it := range u.Enqueue {
		it, err := NormalizeQueueItem(it, u.At)
		if err != nil {
			return u, fmt.Errorf("queue item %d: %w", i, err)
		}
		items[i] = it
	}
	u.Enqueue = items
	return u, nil
}

// NewID returns a new 26-character id that sorts by creation time
// (48 bits of milliseconds, 80 random bits, Crockford base32 in lower case).
func NewID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli())<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic("store: crypto/rand failed: " + err.Error())
	}
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = alphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}
