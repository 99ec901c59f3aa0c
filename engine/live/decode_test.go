package live

import (
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func TestDecode(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	raw := func(typ, payload string) store.RawEvent {
		return store.RawEvent{Event: store.Event{Seq: 9, Type: typ, Workspace: "ws", At: at}, Raw: []byte(payload)}
	}
	tests := []struct {
		name string
		in   store.RawEvent
		ok   bool
		want Event
	}{
		{"record event", raw("record.updated", `{"form":"f","record":"r","version":3,"data":{"secret":"x"}}`), true,
			Event{ID: 9, Type: "record.updated", Form: "f", RecordID: "r", Version: 3, At: at, workspace: "ws"}},
		{"stage change: no version of its own", raw(stageChanged, `{"form":"f","record":"r","from":"a","to":"b","version":3}`), true,
			Event{ID: 9, Type: stageChanged, Form: "f", RecordID: "r", At: at, workspace: "ws"}},
		{"decoded by the store", store.RawEvent{Event: store.Event{Seq: 9, Type: "record.created", Workspace: "ws", At: at,
			Payload: map[string]any{"form": "f", "record": "r", "version": float64(1)}}}, true,
			Event{ID: 9, Type: "record.created", Form: "f", RecordID: "r", Version: 1, At: at, workspace: "ws"}},
		{"no record", raw("record.created", `{"form":"f"}`), false, Event{}},
		{"corrupt payload", raw("record.created", `{`), false, Event{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := decode(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("decode = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
