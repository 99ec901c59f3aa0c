package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestDumpWriterReadDumpRoundTrip: what DumpWriter writes, ReadDump hands
// on unchanged, and CountingSink counts it.
func TestDumpWriterReadDumpRoundTrip(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)
	var b bytes.Buffer
	w := NewDumpWriter(&b)
	steps := []error{
		w.Collection(ctx, "c_x", []Index{{Name: "no", Fields: []SortKey{{Field: "no", Desc: true}}, Unique: true}}),
		w.Document(ctx, Document{ID: "a", Version: 3, CreatedAt: at, UpdatedAt: at, CreatedBy: "u1", DeletedAt: &at,
			Data: map[string]any{"no": 1.5, "名称": "甲", "l": []any{map[string]any{"x": nil}, true}}}),
		w.Collection(ctx, "c_empty", nil),
		w.Event(ctx, Event{ID: "e1", Seq: 7, Type: "t", Workspace: "w", Collection: "c_x", DocID: "a", Payload: map[string]any{}, At: at}),
		w.OutboxPosition(ctx, 9),
		w.Counter(ctx, "n", 41),
		w.QueueItem(ctx, ExportedQueueItem{QueueItem: QueueItem{ID: "q1", Queue: "hooks", DueAt: at, Payload: map[string]any{}, LeaseOwner: "p", LeaseUntil: at}, FirstDue: at}),
		w.Flush(),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	var again bytes.Buffer
	w2 := NewDumpWriter(&again)
	c := &CountingSink{Next: w2}
	if err := ReadDump(ctx, bytes.NewReader(b.Bytes()), c); err != nil {
		t.Fatal(err)
	}
	w2.Flush()
	if again.String() != b.String() {
		t.Fatalf("round trip:\n got %s\nwant %s", again.String(), b.String())
	}
	want := Counts{Documents: map[string]int64{"c_x": 1, "c_empty": 0}, Events: 1, Counters: 1, QueueItems: 1, OutboxPosition: 9}
	if d := c.Counts.Diff(want); d != "" {
		t.Fatalf("counts: %s", d)
	}
}

// TestReadDumpRefusesBadInput: a damaged or reordered dump fails on the
// line that is wrong, with what is wrong.
func TestReadDumpRefusesBadInput(t *testing.T) {
	for _, sc := range []struct{ name, dump, want string }{
		{"not json", "{\"k\":\"collection\",\"name\":\"c_x\"}\n{oops\n", "dump line 2"},
		{"document first", `{"k":"doc","doc":{"ID":"a"}}`, "dump line 1: a document outside a collection"},
		{"unknown kind", `{"k":"table"}`, `unknown item "table"`},
		{"out of order", "{\"k\":\"counter\",\"name\":\"n\",\"value\":1}\n{\"k\":\"collection\",\"name\":\"c_x\"}\n", "dump line 2: out of order"},
		{"sequence backwards", "{\"k\":\"event\",\"event\":{\"ID\":\"a\",\"Seq\":5}}\n{\"k\":\"event\",\"event\":{\"ID\":\"b\",\"Seq\":5}}\n", "sequence 5 after 5"},
		{"position below events", "{\"k\":\"event\",\"event\":{\"ID\":\"a\",\"Seq\":5}}\n{\"k\":\"position\",\"seq\":4}\n", "outbox position 4 is below"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			err := ReadDump(context.Background(), strings.NewReader(sc.dump), &CountingSink{})
			if err == nil || !strings.Contains(err.Error(), sc.want) {
				t.Fatalf("ReadDump = %v, want %q", err, sc.want)
			}
		})
	}
}
