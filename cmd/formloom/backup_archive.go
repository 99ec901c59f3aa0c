package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// archiveWriter writes a backup archive: entries with their checksums
// recorded in the manifest, which goes last. The archive is written under
// a temporary name and appears under its own only once complete.
type archiveWriter struct {
	m        *manifest
	progress io.Writer
	part     string
	out      *os.File
	gz       *gzip.Writer
	tw       *tar.Writer
}

// newArchive starts an archive in dir (next to its final name).
func newArchive(dir string, m *manifest, progress io.Writer) (*archiveWriter, error) {
	part := filepath.Join(dir, "archive.tar.gz")
	out, err := os.OpenFile(part, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	gz := gzip.NewWriter(out)
	return &archiveWriter{m: m, progress: progress, part: part, out: out, gz: gz, tw: tar.NewWriter(gz)}, nil
}

// close releases the file of an archive not finished.
func (a *archiveWriter) close() { a.out.Close() }

// addFile archives the file at path as name.
func (a *archiveWriter) addFile(name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return a.add(name, st.Size(), st.ModTime(), f)
}

// add archives size bytes of r as name; r must hold exactly that many.
func (a *archiveWriter) add(name string, size int64, mod time.Time, r io.Reader) error {
	if err := a.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: mod, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	h := sha256.New()
	var w io.Writer = io.MultiWriter(a.tw, h)
	if bar := newBar(a.progress, size, name); bar != nil {
		w = io.MultiWriter(w, bar)
		defer bar.Finish()
	}
	n, err := io.Copy(w, r)
	if err != nil {
		return fmt.Errorf("archive %s: %w", name, err)
	}
	if n != size {
		return fmt.Errorf("archive %s: read %d bytes, expected %d", name, n, size)
	}
	a.m.Entries = append(a.m.Entries, manifestEntry{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// finish writes the manifest, syncs the archive and links it as to.
func (a *archiveWriter) finish(to string) error {
	body, err := json.MarshalIndent(a.m, "", "  ")
	if err != nil {
		return err
	}
	if err := a.tw.WriteHeader(&tar.Header{Name: entryManifest, Mode: 0o600, Size: int64(len(body)), ModTime: a.m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := a.tw.Write(body); err != nil {
		return err
	}
	if err := a.tw.Close(); err != nil {
		return err
	}
	if err := a.gz.Close(); err != nil {
		return err
	}
	if err := a.out.Sync(); err != nil {
		return err
	}
	if err := a.out.Close(); err != nil {
		return err
	}
	if err := os.Link(a.part, to); err != nil {
		return fmt.Errorf("write %s: %w", to, err)
	}
	return nil
}
