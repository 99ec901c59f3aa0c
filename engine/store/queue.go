package store

import (
	"fmt"
	"time"
)

// QueueItem is a unit of background work (a webhook delivery, a timer, an
// alert check) that processes claim with a lease. Two processes never hold
// the same item at once; an item whose lease expires can be claimed again.
type QueueItem struct {
	// ID is unique within the queue; enqueueing an existing id is ErrDuplicate,
	// which makes enqueueing idempotent.
	ID    string
	Queue string
	// Key orders work per record: while one item of a key is leased no
	// other item of that key is handed out, and the items of one key are
	// handed out in the order of the due time they were enqueued with, then
	// of enqueueing (a Retry keeps an item's place). Empty means no order.
	Key        string
	DueAt      time.Time
	Attempts   int
	Payload    map[string]any
	LeaseOwner string
	LeaseUntil time.Time
}

// NormalizeQueueItem validates an item for Enqueue and fills its id and due time.
func NormalizeQueueItem(it QueueItem, now time.Time) (QueueItem, error) {
	if err := ValidateCollection(it.Queue); err != nil {
		return it, fmt.Errorf("queue name: %w", err)
	}
	if it.ID == "" {
		it.ID = NewID()
	}
	if err := ValidateID(it.ID); err != nil {
		return it, err
	}
	if it.DueAt.IsZero() {
		it.DueAt = now
	}
	it.DueAt = it.DueAt.UTC().Truncate(time.Microsecond)
	p, err := NormalizeData(it.Payload)
	if err != nil {
		return it, err
	}
	it.Payload = p
	it.Attempts = 0
	it.LeaseOwner = ""
	it.LeaseUntil = time.Time{}
	return it, nil
}

// ValidateLease checks the arguments of Claim, Extend, Ack and Retry.
func ValidateLease(queue, owner string, lease time.Duration) error {
	if err := ValidateCollection(queue); err != nil {
		return fmt.Errorf("queue name: %w", err)
	}
	if owner == "" || len(owner) > MaxIDLength {
		return fmt.Errorf("%w: lease owner must be 1 to %d characters", ErrInvalidInput, MaxIDLength)
	}
	if lease <= 0 {
		return fmt.Errorf("%w: lease must be positive", ErrInvalidInput)
	}
	return nil
}

// MaxReadEvents bounds the limit of one ReadEvents call.
const MaxReadEvents = 1000

// ValidateReadEvents checks the arguments of ReadEvents, so that both
// backends mean the same: afterSeq >= 0 and 1 <= limit <= MaxReadEvents.
func ValidateReadEvents(afterSeq int64, limit int) error {
	if afterSeq < 0 {
		return fmt.Errorf("%w: negative sequence number", ErrInvalidInput)
	}
	if limit < 1 || limit > MaxReadEvents {
		return fmt.Errorf("%w: limit must be between 1 and %d", ErrInvalidInput, MaxReadEvents)
	}
	return nil
}
