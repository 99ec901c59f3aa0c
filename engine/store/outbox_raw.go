package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// RawEvent is an outbox event read without decoding its payload: Payload
// is nil and Raw holds the payload's JSON (nil when read without payloads).
type RawEvent struct {
	Event
	Raw []byte
}

// DecodePayload decodes Raw into the same values ReadEvents returns.
func (e RawEvent) DecodePayload() (map[string]any, error) {
	var p map[string]any
	if err := json.Unmarshal(e.Raw, &p); err != nil {
		return nil, fmt.Errorf("store: event %s payload: %w", e.ID, err)
	}
	if p == nil {
		p = map[string]any{}
	}
	return p, nil
}

// RawEventReader is implemented by stores that can read the outbox
// without decoding payloads, so a reader decodes only the events it hands
// on (the background runtime skips the events a consumer does not handle,
// and the payloads a handler does not read). It returns the events
// ReadEvents would, with the same arguments and errors; withPayload false
// leaves Raw nil too, so the payloads are not even read.
type RawEventReader interface {
	ReadRawEvents(ctx context.Context, afterSeq int64, limit int, withPayload bool) ([]RawEvent, error)
}

// ReadEventHeads reads up to limit events after afterSeq without their
// payloads where the store can (RawEventReader), else through ReadEvents.
func ReadEventHeads(ctx context.Context, o Outbox, afterSeq int64, limit int) ([]Event, error) {
	if rr, ok := o.(RawEventReader); ok {
		raw, err := rr.ReadRawEvents(ctx, afterSeq, limit, false)
		if err != nil {
			return nil, err
		}
		out := make([]Event, len(raw))
		for i, r := range raw {
			out[i] = r.Event
		}
		return out, nil
	}
	return o.ReadEvents(ctx, afterSeq, limit)
}

// OutboxHead returns the highest sequence number in the outbox (0 when
// empty) with a logarithmic number of one-event reads, since the contract
// reads forward only: "some event lies after x" holds for every x below
// the head and for none at or above it. Followers of the outbox start
// there.
func OutboxHead(ctx context.Context, o Outbox) (int64, error) {
	after := func(x int64) (bool, error) {
		evs, err := ReadEventHeads(ctx, o, x, 1)
		return len(evs) > 0, err
	}
	var lo, hi int64 = 0, 1 // the head is >= lo and < hi once after(hi) is false
	for {
		ok, err := after(hi)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		lo, hi = hi, hi*2
	}
	ok, err := after(lo)
	if err != nil {
		return 0, err
	}
	if !ok {
		return lo, nil
	}
	// after(lo) is true and after(hi) false: the head is in (lo, hi].
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := after(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, nil
}
