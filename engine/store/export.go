package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Export and import move everything a store holds between stores in the
// contract's own types, so that backup, restore and migration share one
// path whatever the backends: a backend that implements Exporter pushes a
// consistent view of itself into a Sink, and a backend that implements
// Importer returns a Loader, a Sink that fills an empty store.
//
// What a store holds: its collections with their declared indexes and
// every document (deleted ones included, with their versions, stamps and
// authors as stored), the outbox events with their sequence numbers, the
// outbox position (the last number handed out, which is above the last
// event once old events are trimmed: consumers' checkpoints refer to it),
// the counters and the queue items with their leases and attempts. Uploaded
// files are not the store's (engine/blob) and travel beside it.

// ExportedQueueItem is a queue item with the two keys that order the items
// of one Key: the due time it was enqueued with (a Retry moves DueAt, not
// FirstDue). Items are exported in enqueue order, the second key.
type ExportedQueueItem struct {
	QueueItem
	FirstDue time.Time
}

// Sink receives an export, in this order: every collection (its indexes,
// then its documents in id order), then the events in sequence order, the
// outbox position, the counters and the queue items in enqueue order.
type Sink interface {
	// Collection starts a collection; its documents follow.
	Collection(ctx context.Context, name string, indexes []Index) error
	// Document is one document of the current collection.
	Document(ctx context.Context, d Document) error
	// Event is one outbox event, with its sequence number.
	Event(ctx context.Context, e Event) error
	// OutboxPosition is the last sequence number the store handed out.
	OutboxPosition(ctx context.Context, seq int64) error
	// Counter is one counter and its value.
	Counter(ctx context.Context, name string, value int64) error
	// QueueItem is one queue item.
	QueueItem(ctx context.Context, it ExportedQueueItem) error
}

// Exporter is implemented by stores that can export themselves.
type Exporter interface {
	// Export pushes a consistent view of the store into sink: every item
	// is as of one moment, while other processes may keep writing (see the
	// backend for how). It stops at the first error sink returns.
	Export(ctx context.Context, sink Sink) (ExportInfo, error)
}

// ExportInfo says how an export was taken.
type ExportInfo struct {
	// Consistent is true when every item was read as of one moment; false
	// when the server offers no snapshot reads (FerretDB, a standalone
	// mongod) and the store must not be written during the export.
	Consistent bool
	// Method names how: "sqlite read transaction", "mongodb snapshot session"…
	Method string
}

// Importer is implemented by stores that can be filled from an export.
type Importer interface {
	// Import returns a Loader into this store, which must hold nothing
	// (ErrNotEmpty otherwise). Finish the Loader to complete the import.
	Import(ctx context.Context) (Loader, error)
}

// Loader is a Sink that writes into a store; Finish flushes what is
// buffered and marks the import complete. A Loader not finished leaves the
// store marked as partly imported (see ImportState).
type Loader interface {
	Sink
	Finish(ctx context.Context) error
}

// ErrNotEmpty means an import target already holds data.
var ErrNotEmpty = errors.New("store: not empty")

// NotEmptyError says what a target of an import holds.
type NotEmptyError struct {
	// What names the first thing found: "collection c_x (12 documents)".
	What string
	// Partial is true when the content is an unfinished import (an
	// interrupted restore or migration): the target holds nothing else and
	// may be cleared and filled again.
	Partial bool
}

func (e *NotEmptyError) Error() string {
	if e.Partial {
		return "store: holds an unfinished import (" + e.What + ")"
	}
	return "store: not empty: " + e.What
}

// Unwrap makes errors.Is(err, ErrNotEmpty) true.
func (e *NotEmptyError) Unwrap() error { return ErrNotEmpty }

// Counts tallies what an export holds; backup manifests and migrations
// compare them. The JSON names are those of the backup manifest.
type Counts struct {
	// Documents counts the documents (deleted ones included) per collection.
	Documents map[string]int64 `json:"documents"`
	// Events, Counters and QueueItems count the outbox, counters and queue.
	Events     int64 `json:"events"`
	Counters   int64 `json:"counters"`
	QueueItems int64 `json:"queueItems"`
	// OutboxPosition is the last sequence number handed out.
	OutboxPosition int64 `json:"outboxPosition"`
}

// Diff describes the first difference between c and o, or "" when equal.
func (c Counts) Diff(o Counts) string {
	switch {
	case c.Events != o.Events:
		return fmt.Sprintf("%d events, the other %d", c.Events, o.Events)
	case c.Counters != o.Counters:
		return fmt.Sprintf("%d counters, the other %d", c.Counters, o.Counters)
	case c.QueueItems != o.QueueItems:
		return fmt.Sprintf("%d queue items, the other %d", c.QueueItems, o.QueueItems)
	case c.OutboxPosition != o.OutboxPosition:
		return fmt.Sprintf("outbox position %d, the other %d", c.OutboxPosition, o.OutboxPosition)
	case len(c.Documents) != len(o.Documents):
		return fmt.Sprintf("%d collections, the other %d", len(c.Documents), len(o.Documents))
	}
	for k, n := range c.Documents {
		if m, ok := o.Documents[k]; !ok || m != n {
			return fmt.Sprintf("collection %s holds %d documents, the other %d", k, n, m)
		}
	}
	return ""
}

// CountingSink passes everything to Next (when not nil) and counts it.
type CountingSink struct {
	Next   Sink
	Counts Counts
	coll   string
}

// Collection implements Sink.
func (c *CountingSink) Collection(ctx context.Context, name string, ix []Index) error {
	if c.Counts.Documents == nil {
		c.Counts.Documents = map[string]int64{}
	}
	c.coll = name
	if _, ok := c.Counts.Documents[name]; !ok {
		c.Counts.Documents[name] = 0 // an empty collection counts too
	}
	if c.Next == nil {
		return nil
	}
	return c.Next.Collection(ctx, name, ix)
}

// Document implements Sink.
func (c *CountingSink) Document(ctx context.Context, d Document) error {
	c.Counts.Documents[c.coll]++
	if c.Next == nil {
		return nil
	}
	return c.Next.Document(ctx, d)
}

// Event implements Sink.
func (c *CountingSink) Event(ctx context.Context, e Event) error {
	c.Counts.Events++
	if c.Next == nil {
		return nil
	}
	return c.Next.Event(ctx, e)
}

// OutboxPosition implements Sink.
func (c *CountingSink) OutboxPosition(ctx context.Context, seq int64) error {
	c.Counts.OutboxPosition = seq
	if c.Next == nil {
		return nil
	}
	return c.Next.OutboxPosition(ctx, seq)
}

// Counter implements Sink.
func (c *CountingSink) Counter(ctx context.Context, name string, v int64) error {
	c.Counts.Counters++
	if c.Next == nil {
		return nil
	}
	return c.Next.Counter(ctx, name, v)
}

// QueueItem implements Sink.
func (c *CountingSink) QueueItem(ctx context.Context, it ExportedQueueItem) error {
	c.Counts.QueueItems++
	if c.Next == nil {
		return nil
	}
	return c.Next.QueueItem(ctx, it)
}

// CountStore exports st into a CountingSink and returns what it counted.
func CountStore(ctx context.Context, st Exporter) (Counts, error) {
	c := &CountingSink{Counts: Counts{Documents: map[string]int64{}}}
	_, err := st.Export(ctx, c)
	return c.Counts, err
}
