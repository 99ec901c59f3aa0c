package sqlitestore

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// TestReadRawEventsMatchesReadEvents: the raw read returns the same events,
// and decoding each payload gives what ReadEvents decodes.
func TestReadRawEventsMatchesReadEvents(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	for _, p := range []map[string]any{
		{"data": map[string]any{"company": "公司", "amount": 12.5, "tags": []any{"a", "b"}}, "form": "f1"},
		{},
		nil,
	} {
		if _, err := s.Commit(ctx, store.UnitOfWork{Events: []store.Event{{Type: "record.created", Workspace: "w1", Collection: "records", DocID: "d1", Payload: p}}}); err != nil {
			t.Fatal(err)
		}
	}
	want, err := s.ReadEvents(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := s.ReadRawEvents(ctx, 0, 10, true)
	if err != nil || len(raw) != len(want) {
		t.Fatalf("ReadRawEvents = %d events, %v; want %d", len(raw), err, len(want))
	}
	for i, r := range raw {
		if r.Payload != nil || len(r.Raw) == 0 {
			t.Errorf("event %d: payload %v, raw %q; want it undecoded", i, r.Payload, r.Raw)
		}
		p, err := r.DecodePayload()
		if err != nil {
			t.Fatal(err)
		}
		r.Event.Payload = p
		if !reflect.DeepEqual(r.Event, want[i]) {
			t.Errorf("event %d: raw read %+v, ReadEvents %+v", i, r.Event, want[i])
		}
	}
	heads, err := s.ReadRawEvents(ctx, 0, 10, false)
	if err != nil || len(heads) != len(want) {
		t.Fatalf("without payloads: %d events, %v", len(heads), err)
	}
	for i, h := range heads {
		w := want[i]
		w.Payload = nil
		if h.Raw != nil || !reflect.DeepEqual(h.Event, w) {
			t.Errorf("head %d = %+v (raw %q), want %+v without payload", i, h.Event, h.Raw, w)
		}
	}
	if got, err := s.ReadRawEvents(ctx, want[0].Seq, 1, true); err != nil || len(got) != 1 || got[0].Seq != want[1].Seq {
		t.Errorf("after the first, limit 1: %+v, %v", got, err)
	}
	if _, err := s.ReadRawEvents(ctx, -1, 10, false); !errors.Is(err, store.ErrInvalidInput) {
		t.Errorf("negative afterSeq = %v, want ErrInvalidInput", err)
	}
}
