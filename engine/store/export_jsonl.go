package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// The dump format is an export written as JSON lines, one item a line, in
// the Sink's order; every line is an object whose "k" says what it holds:
//
//	{"k":"collection","name":"c_x","indexes":[{"Name":…,"Fields":[…],"Unique":…}]}
//	{"k":"doc","doc":{"ID":…,"Version":…,"CreatedAt":…,…,"Data":{…}}}
//	{"k":"event","event":{"ID":…,"Seq":…,"Type":…,…}}
//	{"k":"position","seq":n}
//	{"k":"counter","name":…,"value":n}
//	{"k":"queue","item":{…,"FirstDue":…}}
//
// Times are RFC 3339 with nanoseconds; data are JSON values, which is the
// contract's value model, so a dump reads back to equal documents.
type dumpLine struct {
	K       string             `json:"k"`
	Name    string             `json:"name,omitempty"`
	Indexes []Index            `json:"indexes,omitempty"`
	Doc     *Document          `json:"doc,omitempty"`
	Event   *Event             `json:"event,omitempty"`
	Seq     int64              `json:"seq,omitempty"`
	Value   int64              `json:"value,omitempty"`
	Item    *ExportedQueueItem `json:"item,omitempty"`
}

// Dump line kinds.
const (
	dumpCollection = "collection"
	dumpDoc        = "doc"
	dumpEvent      = "event"
	dumpPosition   = "position"
	dumpCounter    = "counter"
	dumpQueue      = "queue"
)

// MaxDumpLine bounds one line of a dump (a document is at most
// MaxDocumentBytes; JSON escaping can grow it).
const MaxDumpLine = 4*MaxDocumentBytes + 1<<16

// DumpWriter is a Sink that writes the dump format to W; call Flush at the end.
type DumpWriter struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewDumpWriter returns a DumpWriter on w.
func NewDumpWriter(w io.Writer) *DumpWriter {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &DumpWriter{w: bw, enc: enc}
}

func (d *DumpWriter) line(l dumpLine) error { return d.enc.Encode(l) }

// Flush writes what is buffered.
func (d *DumpWriter) Flush() error { return d.w.Flush() }

// Collection implements Sink.
func (d *DumpWriter) Collection(_ context.Context, name string, ix []Index) error {
	return d.line(dumpLine{K: dumpCollection, Name: name, Indexes: ix})
}

// Document implements Sink.
func (d *DumpWriter) Document(_ context.Context, doc Document) error {
	return d.line(dumpLine{K: dumpDoc, Doc: &doc})
}

// Event implements Sink.
func (d *DumpWriter) Event(_ context.Context, e Event) error {
	return d.line(dumpLine{K: dumpEvent, Event: &e})
}

// OutboxPosition implements Sink.
func (d *DumpWriter) OutboxPosition(_ context.Context, seq int64) error {
	return d.line(dumpLine{K: dumpPosition, Seq: seq})
}

// Counter implements Sink.
func (d *DumpWriter) Counter(_ context.Context, name string, v int64) error {
	return d.line(dumpLine{K: dumpCounter, Name: name, Value: v})
}

// QueueItem implements Sink.
func (d *DumpWriter) QueueItem(_ context.Context, it ExportedQueueItem) error {
	return d.line(dumpLine{K: dumpQueue, Item: &it})
}

// ReadDump reads a dump from r into sink, checking each line's shape and
// that the items come in the Sink's order. Errors name the line.
func ReadDump(ctx context.Context, r io.Reader, sink Sink) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), MaxDumpLine)
	// stage orders the kinds: collections and documents, events, the
	// position, counters, queue items.
	stage, inColl, lastSeq := 0, false, int64(0)
	next := func(s int) error {
		if s < stage {
			return fmt.Errorf("out of order")
		}
		stage = s
		return nil
	}
	for n := 1; sc.Scan(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		var l dumpLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return fmt.Errorf("dump line %d: %w", n, err)
		}
		var err error
		switch {
		case l.K == dumpCollection:
			if err = next(0); err == nil {
				inColl = true
				err = sink.Collection(ctx, l.Name, l.Indexes)
			}
		case l.K == dumpDoc && l.Doc != nil:
			if !inColl || stage != 0 {
				err = fmt.Errorf("a document outside a collection")
			} else {
				if l.Doc.Data == nil {
					l.Doc.Data = map[string]any{}
				}
				err = sink.Document(ctx, *l.Doc)
			}
		case l.K == dumpEvent && l.Event != nil:
			if err = next(1); err == nil {
				if l.Event.Seq <= lastSeq {
					err = fmt.Errorf("event %s: sequence %d after %d", l.Event.ID, l.Event.Seq, lastSeq)
				} else {
					lastSeq = l.Event.Seq
					if l.Event.Payload == nil {
						l.Event.Payload = map[string]any{}
					}
					err = sink.Event(ctx, *l.Event)
				}
			}
		case l.K == dumpPosition:
			if err = next(2); err == nil {
				if l.Seq < lastSeq {
					err = fmt.Errorf("outbox position %d is below the last event's %d", l.Seq, lastSeq)
				} else {
					err = sink.OutboxPosition(ctx, l.Seq)
				}
			}
		case l.K == dumpCounter:
			if err = next(3); err == nil {
				err = sink.Counter(ctx, l.Name, l.Value)
			}
		case l.K == dumpQueue && l.Item != nil:
			if err = next(4); err == nil {
				if l.Item.Payload == nil {
					l.Item.Payload = map[string]any{}
				}
				err = sink.QueueItem(ctx, *l.Item)
			}
		default:
			err = fmt.Errorf("unknown item %q", l.K)
		}
		if err != nil {
			return fmt.Errorf("dump line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read dump: %w", err)
	}
	return nil
}
