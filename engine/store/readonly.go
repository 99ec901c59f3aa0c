package store

import (
	"context"
	"errors"
	"time"
)

// ErrReadOnly means the store was opened for inspection only: reads work,
// every write is refused. Formloom starts this way on purpose (serve
// --read-only) against a server that cannot commit its units of work.
var ErrReadOnly = errors.New("store: read-only")

// ReadOnly wraps st so that reads pass through and every write (a commit,
// a dropped collection, a counter, a queue operation, a trim) returns
// ErrReadOnly without reaching the backend. Capabilities are st's.
func ReadOnly(st Store) Store { return readOnly{st} }

type readOnly struct{ Store }

// EnsureIndexes succeeds without building anything: start-up declares
// indexes, and an inspection start must get past it over what exists.
func (readOnly) EnsureIndexes(context.Context, string, []Index) error { return nil }
func (readOnly) Commit(context.Context, UnitOfWork) (CommitResult, error) {
	return CommitResult{}, ErrReadOnly
}
func (readOnly) DropCollection(context.Context, string) error { return ErrReadOnly }
func (readOnly) TrimEvents(context.Context, int64, time.Time) (int64, error) {
	return 0, ErrReadOnly
}
func (readOnly) Increment(context.Context, string, int64) (int64, error) { return 0, ErrReadOnly }
func (readOnly) Enqueue(context.Context, ...QueueItem) error             { return ErrReadOnly }
func (readOnly) Claim(context.Context, string, string, time.Duration) (QueueItem, error) {
	return QueueItem{}, ErrReadOnly
}
func (readOnly) Extend(context.Context, string, string, string, time.Duration) error {
	return ErrReadOnly
}
func (readOnly) Ack(context.Context, string, string, string) error { return ErrReadOnly }
func (readOnly) Retry(context.Context, string, string, string, time.Time) error {
	return ErrReadOnly
}
