package store

import (
	"context"
	"time"
)

// BatchClaimer is implemented by stores that lease several due items of a
// queue in one round trip. Consumers that keep many items in flight (the
// webhook delivery loop) use it when the store offers it and fall back to
// Claim otherwise.
type BatchClaimer interface {
	// ClaimBatch leases up to max due items of queue as Claim would, each
	// the head of its key (so two items of one key are never leased
	// together), oldest due first, and increments their Attempts. Nothing
	// due is an empty slice and a nil error.
	ClaimBatch(ctx context.Context, queue, owner string, lease time.Duration, max int) ([]QueueItem, error)
}
