package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// entryDump is the store of a logical backup (a MongoDB one): everything
// the store holds in the dump format of engine/store (JSON lines).
const entryDump = "store.jsonl"

// dumpContents describes the dump of a logical backup.
type dumpContents struct {
	// OutboxPosition is the last event number the store had handed out.
	OutboxPosition int64 `json:"outboxPosition"`
	// Consistent is false when the server had no snapshot reads.
	Consistent bool   `json:"consistent"`
	Method     string `json:"method"`
}

// writeMongoBackup exports st (in one snapshot where the server allows)
// and archives the dump with the files of its GridFS bucket and a manifest.
// The files come after the snapshot: a file uploaded later is at worst an
// unreferenced extra, and files are deleted only when records are purged.
func writeMongoBackup(ctx context.Context, st *mongostore.Store, to string, progress io.Writer) (manifest, error) {
	m := manifest{Format: backupFormat, Backend: st.Capabilities().Backend, CreatedAt: time.Now().UTC(), Version: versionString()}
	if _, err := os.Stat(to); err == nil {
		return m, fmt.Errorf("%s exists: choose a new file name", to)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(to), ".formloom-backup-")
	if err != nil {
		return m, fmt.Errorf("make a working directory next to %s: %w", to, err)
	}
	defer os.RemoveAll(tmp)
	dumpPath := filepath.Join(tmp, entryDump)
	f, err := os.OpenFile(dumpPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return m, err
	}
	defer f.Close()
	w := store.NewDumpWriter(f)
	cs := &store.CountingSink{Next: w, Counts: store.Counts{Documents: map[string]int64{}}}
	info, err := st.Export(ctx, itemBar(progress, "exporting", cs))
	if err != nil {
		return m, fmt.Errorf("export the database: %w", err)
	}
	if err := w.Flush(); err != nil {
		return m, err
	}
	if err := f.Sync(); err != nil {
		return m, err
	}
	m.Contents = sqlitestore.SnapshotInfo{Documents: cs.Counts.Documents, Events: cs.Counts.Events,
		Counters: cs.Counts.Counters, QueueItems: cs.Counts.QueueItems}
	m.Dump = &dumpContents{OutboxPosition: cs.Counts.OutboxPosition, Consistent: info.Consistent, Method: info.Method}
	a, err := newArchive(tmp, &m, progress)
	if err != nil {
		return m, err
	}
	defer a.close()
	if err := a.addFile(entryDump, dumpPath); err != nil {
		return m, err
	}
	g := st.Blobs()
	err = g.Each(ctx, func(key string, size int64) error {
		r, err := g.Open(ctx, key)
		if errors.Is(err, blob.ErrNotFound) {
			return nil // deleted since the listing
		}
		if err != nil {
			return err
		}
		defer r.Close()
		return a.add(entryFiles+key, size, m.CreatedAt, r)
	})
	if err != nil {
		return m, fmt.Errorf("archive the files bucket: %w", err)
	}
	return m, a.finish(to)
}

// checkDump reads the dump at path and compares what it holds with the manifest.
func checkDump(ctx context.Context, path string, m manifest) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cs := &store.CountingSink{Counts: store.Counts{Documents: map[string]int64{}}}
	if err := store.ReadDump(ctx, f, cs); err != nil {
		return err
	}
	want := store.Counts{Documents: m.Contents.Documents, Events: m.Contents.Events, Counters: m.Contents.Counters,
		QueueItems: m.Contents.QueueItems, OutboxPosition: m.Dump.OutboxPosition}
	if want.Documents == nil {
		want.Documents = map[string]int64{}
	}
	if d := cs.Counts.Diff(want); d != "" {
		return fmt.Errorf("the dump holds %s (the manifest)", d)
	}
	return nil
}

// itemBar counts exported documents and events on a progress bar (an
// open-ended one: the total is not known before the export), when progress
// is a terminal.
func itemBar(progress io.Writer, what string, next store.Sink) store.Sink {
	if progress == nil {
		return next
	}
	bar := progressbar.NewOptions64(-1, progressbar.OptionSetWriter(progress), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
	return &barSink{Sink: next, bar: bar}
}

type barSink struct {
	store.Sink
	bar *progressbar.ProgressBar
}

func (b *barSink) Document(ctx context.Context, d store.Document) error {
	_ = b.bar.Add(1)
	return b.Sink.Document(ctx, d)
}

func (b *barSink) Event(ctx context.Context, e store.Event) error {
	_ = b.bar.Add(1)
	return b.Sink.Event(ctx, e)
}

func (b *barSink) QueueItem(ctx context.Context, it store.ExportedQueueItem) error {
	_ = b.bar.Add(1)
	return b.Sink.QueueItem(ctx, it)
}
