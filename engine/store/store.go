package store

import (
	"context"
	"time"
)

// Capabilities tells what a backend can do correctly. The engine checks them
// instead of guessing; a backend returns ErrUnsupported where one is false.
type Capabilities struct {
	// Backend names the server: "sqlite", "mongodb" or "ferretdb".
	Backend string
	// Transactions: a unit of work with several items commits atomically.
	// Without it, Commit of more than one item is ErrUnsupported unless the
	// backend was opened with an explicit, test-only opt-in to non-atomic units.
	Transactions bool
	// AtomicCAS: concurrent compare-and-set updates never lose an update.
	AtomicCAS bool
	// DateBuckets: group keys can be date buckets in a time zone.
	DateBuckets bool
	// PartialUniqueIndexes: unique indexes ignore deleted documents and missing values.
	PartialUniqueIndexes bool
	// SystemIndexesOnDemand: the store indexes _created_at and _updated_at
	// by itself once a query sorts or filters on them, so an index
	// declared on one of them alone only costs disk and writes.
	SystemIndexesOnDemand bool
}

// Index is a secondary index on one collection. Fields are field paths
// (nested object paths allowed, not paths through arrays). A unique index
// constrains live documents whose indexed fields are all present and not null.
type Index struct {
	Name   string
	Fields []SortKey
	Unique bool
}

// Documents stores documents in named collections. Collections are created
// on first use; names are valid keys.
type Documents interface {
	// EnsureIndexes declares the complete set of secondary indexes of coll:
	// missing ones are built, ones declared earlier but absent now are dropped.
	// Building a unique index over existing duplicates is ErrDuplicate.
	EnsureIndexes(ctx context.Context, coll string, indexes []Index) error
	// Get returns one document, deleted or not (see Document.DeletedAt).
	Get(ctx context.Context, coll, id string) (Document, error)
	// Find returns one page of documents.
	Find(ctx context.Context, coll string, q Query) (Page, error)
	// Count counts the documents q.Filter and q.Deleted select (paging ignored).
	Count(ctx context.Context, coll string, q Query) (int64, error)
	// Distinct returns the distinct values of field among the selected
	// documents (array values contribute their elements), sorted, at most limit.
	Distinct(ctx context.Context, coll, field string, q Query, limit int) ([]any, error)
	// Aggregate groups and aggregates; groups come sorted by their keys.
	Aggregate(ctx context.Context, coll string, q AggregateQuery) ([]Group, error)
	// Commit applies a unit of work atomically and durably: when it returns
	// nil the writes survive a crash.
	Commit(ctx context.Context, u UnitOfWork) (CommitResult, error)
	// DropCollection removes a collection and its indexes; missing is not an error.
	DropCollection(ctx context.Context, coll string) error
}

// Outbox reads the events units of work wrote.
type Outbox interface {
	// ReadEvents returns up to limit events with Seq > afterSeq, in Seq
	// order. afterSeq must be >= 0 and limit between 1 and MaxReadEvents,
	// else ErrInvalidInput. A reader that saw Seq n never later sees an
	// event with a smaller Seq appear: sequence numbers become visible in order.
	ReadEvents(ctx context.Context, afterSeq int64, limit int) ([]Event, error)
	// TrimEvents deletes the events with Seq <= throughSeq whose At is
	// before before, and returns how many it deleted. Consumers' retention
	// calls it with the lowest position every consumer has passed.
	TrimEvents(ctx context.Context, throughSeq int64, before time.Time) (int64, error)
}

// CommitNotifier is implemented by stores that can tell this process's
// consumers that a unit of work with events committed, so they need not poll.
type CommitNotifier interface {
	// NotifyCommits returns a channel that receives (without blocking the
	// writer; signals coalesce) after each commit that wrote events, and a
	// function that stops the notifications.
	NotifyCommits() (<-chan struct{}, func())
}

// Counters hands out numbers that never repeat, across processes too.
type Counters interface {
	// Increment adds delta (>= 1) to the named counter (created at 0) and
	// returns the new value.
	Increment(ctx context.Context, name string, delta int64) (int64, error)
}

// Queues holds background work claimed with leases.
type Queues interface {
	// Enqueue adds items; an existing id is ErrDuplicate and adds nothing.
	Enqueue(ctx context.Context, items ...QueueItem) error
	// Claim leases the next due item of queue (DueAt <= now, no live lease,
	// and, for an item with a Key, no other item of that key leased or ahead
	// of it), oldest due first, increments its Attempts and returns it.
	// ErrNotFound when nothing is due. "Now" is the store's clock; on MongoDB
	// it is the server's time, so processes with skewed clocks agree.
	Claim(ctx context.Context, queue, owner string, lease time.Duration) (QueueItem, error)
	// Extend prolongs a lease the owner still holds; ErrConflict otherwise.
	Extend(ctx context.Context, queue, id, owner string, lease time.Duration) error
	// Ack removes a finished item; ErrConflict if owner no longer holds it.
	Ack(ctx context.Context, queue, id, owner string) error
	// Retry releases the item to be due again at due; ErrConflict if owner no longer holds it.
	Retry(ctx context.Context, queue, id, owner string, due time.Time) error
	// Depth counts the items of queue, leased or not.
	Depth(ctx context.Context, queue string) (int64, error)
}

// Store is everything a backend provides.
type Store interface {
	Documents
	Outbox
	Counters
	Queues
	Capabilities() Capabilities
	// Ping checks the backend is reachable.
	Ping(ctx context.Context) error
	// Close flushes and releases resources; later calls return ErrClosed.
	Close() error
}
