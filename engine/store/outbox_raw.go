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
