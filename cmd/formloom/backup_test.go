package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// TestBackupWhileWritingRestoreVerify backs up a data directory while a
// writer keeps committing (the serving process holds the directory's
// lock), verifies and restores the archive into an empty directory, and
// checks a damaged archive fails verify with a clear message.
func TestBackupWhileWritingRestoreVerify(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlitestore.Open(dir, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blobs, err := blob.NewLocal(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Put(ctx, "file0001", strings.NewReader("合同内容")); err != nil {
		t.Fatal(err)
	}
	write := func(i int64) error {
		_, err := st.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "records",
			Doc: store.Document{ID: fmt.Sprintf("r%06d", i), Data: map[string]any{"n": float64(i)}}}},
			Events: []store.Event{{Type: "record.created", Workspace: "w1", Collection: "records", DocID: fmt.Sprintf("r%06d", i)}}})
		return err
	}
	for i := int64(0); i < 200; i++ {
		if err := write(i); err != nil {
			t.Fatal(err)
		}
	}
	var n atomic.Int64
	n.Store(200)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := write(n.Load()); err != nil {
				t.Error(err)
				return
			}
			n.Add(1)
		}
	}()
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	var out, errOut bytes.Buffer
	code := run([]string{"backup", "--data-dir", dir, "--to", archive}, &out, &errOut)
	close(stop)
	wg.Wait()
	if code != 0 {
		t.Fatalf("backup: %d %s", code, errOut.String())
	}
	if errOut.Len() != 0 {
		t.Fatalf("backup printed on stderr off a terminal: %q", errOut.String())
	}
	out.Reset()
	if code := run([]string{"backup", "verify", archive}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "is good") {
		t.Fatalf("verify: %d %s %s", code, out.String(), errOut.String())
	}

	target := filepath.Join(t.TempDir(), "restored")
	if code := run([]string{"restore", "--from", archive, "--data-dir", target}, &out, &errOut); code != 0 {
		t.Fatalf("restore: %d %s", code, errOut.String())
	}
	if code := run([]string{"restore", "--from", archive, "--data-dir", target}, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "not empty") {
		t.Fatalf("restore over a used directory: %d %s", code, errOut.String())
	}
	rs, err := sqlitestore.Open(target, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	docs, err := rs.Count(ctx, "records", store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := rs.ReadEvents(ctx, 0, store.MaxReadEvents)
	if err != nil {
		t.Fatal(err)
	}
	// Consistent: every record has its event, whatever the writer was doing.
	if docs < 200 || docs > n.Load() || (int64(len(evs)) != docs && len(evs) != store.MaxReadEvents) {
		t.Fatalf("restored %d records and %d events (written %d)", docs, len(evs), n.Load())
	}
	rb, _ := blob.NewLocal(filepath.Join(target, "files"))
	r, err := rb.Open(ctx, "file0001")
	if err != nil {
		t.Fatalf("restored file: %v", err)
	}
	r.Close()

	raw, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0xff
	bad := filepath.Join(t.TempDir(), "bad.tar.gz")
	if err := os.WriteFile(bad, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	if code := run([]string{"backup", "verify", bad}, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "is damaged or not a Formloom backup") {
		t.Fatalf("verify of a damaged archive: %d %s", code, errOut.String())
	}
}

// TestDoctorBrokenConfigurations: doctor names each problem with its fix
// and exits 1; a sound data directory passes.
func TestDoctorBrokenConfigurations(t *testing.T) {
	good := t.TempDir()
	file := filepath.Join(t.TempDir(), "afile")
	os.WriteFile(file, []byte("x"), 0o600)
	scenarios := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want []string
	}{
		{name: "sound", args: []string{"--data-dir", good}, code: 0, want: []string{"ok       data directory", "is writable"}},
		{name: "data dir is a file", args: []string{"--data-dir", file}, code: 1, want: []string{"PROBLEM  " + file + " is a file", "fix: point --data-dir"}},
		{name: "bad listen", args: []string{"--data-dir", good, "--listen", "8080"}, code: 1, want: []string{`--listen "8080" is not host:port`}},
		{name: "public without base url", args: []string{"--data-dir", good, "--listen", "0.0.0.0:8080"}, code: 1, want: []string{"without --base-url", "fix: set --base-url"}},
		{name: "plain http base url", args: []string{"--data-dir", good, "--base-url", "http://forms.example.com"}, code: 1, want: []string{"plain http"}},
		{name: "misspelt variable", args: []string{"--data-dir", good}, env: map[string]string{"FORMLOOM_DATADIR": "/x"}, code: 1,
			want: []string{"FORMLOOM_DATADIR is not a Formloom setting", "FORMLOOM_DATA_DIR"}},
		{name: "unreachable mongo", args: []string{"--mongo-uri", "mongodb://127.0.0.1:1/?connectTimeoutMS=200&serverSelectionTimeoutMS=200"}, code: 1,
			want: []string{"cannot reach MongoDB", "fix: check --mongo-uri"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			for k, v := range sc.env {
				t.Setenv(k, v)
			}
			var out, errOut bytes.Buffer
			code := run(append([]string{"doctor"}, sc.args...), &out, &errOut)
			if code != sc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, sc.code, out.String(), errOut.String())
			}
			for _, w := range sc.want {
				if !strings.Contains(out.String(), w) {
					t.Fatalf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
