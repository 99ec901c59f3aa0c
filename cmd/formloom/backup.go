package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// backupFormat names the archive layout in its manifest; restore and
// verify refuse another.
const backupFormat = "formloom-backup/1"

// Entries of a backup archive: the database snapshot, the uploaded files
// under files/ (as in the data directory) and, last, the manifest that
// holds every entry's size and SHA-256 and what the snapshot counts.
const (
	entryDatabase = "formloom.db"
	entryManifest = "manifest.json"
	entryFiles    = "files/"
)

// manifest describes a backup archive.
type manifest struct {
	Format    string                   `json:"format"`
	Backend   string                   `json:"backend"`
	CreatedAt time.Time                `json:"createdAt"`
	Version   string                   `json:"formloomVersion"`
	Entries   []manifestEntry          `json:"entries"`
	Contents  sqlitestore.SnapshotInfo `json:"contents"`
	// Dump is set on a logical backup (entry store.jsonl, from MongoDB).
	Dump *dumpContents `json:"dump,omitempty"`
}

type manifestEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func backupCmd() *cobra.Command {
	var f storeFlags
	var to string
	cmd := &cobra.Command{
		Use:   "backup --to FILE",
		Short: "Write a consistent backup of the data directory or MongoDB database while Formloom serves",
		Long: "Write a backup archive (tar.gz): a consistent snapshot of the SQLite database taken with VACUUM INTO while the server keeps running,\n" +
			"or, with --mongo-uri, a logical dump of every Formloom collection (records, history, outbox, queue, counters) read in one snapshot session,\n" +
			"the uploaded files and a manifest with every entry's SHA-256 and the counts. Check it with 'formloom backup verify FILE'; restore it with 'formloom restore'.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			if to == "" {
				return errors.New("--to FILE is required")
			}
			var m manifest
			var err error
			if f.mongoURI != "" {
				m, err = backupMongo(cmd.Context(), &f, to, progressOut(cmd))
			} else {
				m, err = writeBackup(cmd.Context(), f.dataDir, to, progressOut(cmd))
			}
			if err != nil {
				return err
			}
			if m.Dump != nil && !m.Dump.Consistent {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s has no snapshot reads; the backup is consistent only if nothing wrote during it\n", m.Backend)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backup written to %s: %d collections, %d events, %d files\n",
				to, len(m.Contents.Documents), m.Contents.Events, countFiles(m))
			return nil
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVar(&to, "to", "", "archive to write (must not exist)")
	cmd.AddCommand(verifyCmd())
	return cmd
}

func verifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify FILE",
		Short: "Check a backup archive: every entry's checksum, the database's integrity and its counts",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tmp, err := os.MkdirTemp("", "formloom-verify-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			m, err := readBackup(cmd.Context(), args[0], tmp, progressOut(cmd))
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backup %s is good: made %s by formloom %s, %d collections, %d events, %d files\n",
				args[0], m.CreatedAt.Format(time.RFC3339), m.Version, len(m.Contents.Documents), m.Contents.Events, countFiles(m))
			return nil
		},
	}
}

func countFiles(m manifest) int {
	n := 0
	for _, e := range m.Entries {
		if strings.HasPrefix(e.Name, entryFiles) {
			n++
		}
	}
	return n
}

// progressOut is where a progress bar goes: stderr on a terminal, else nowhere.
func progressOut(cmd *cobra.Command) io.Writer {
	if f, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return f
	}
	return nil
}

// newBar returns a byte progress bar on w, or nil when w is nil.
func newBar(w io.Writer, total int64, what string) *progressbar.ProgressBar {
	if w == nil {
		return nil
	}
	return progressbar.NewOptions64(total, progressbar.OptionSetWriter(w), progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription(what), progressbar.OptionClearOnFinish())
}

// writeBackup snapshots dataDir's database, then archives it with the
// uploaded files. The snapshot comes first: a file uploaded later is at
// worst an unreferenced extra; files are deleted only when records are
// purged, so one the snapshot references is there to copy.
func writeBackup(ctx context.Context, dataDir, to string, progress io.Writer) (manifest, error) {
	m := manifest{Format: backupFormat, Backend: "sqlite", CreatedAt: time.Now().UTC(), Version: versionString()}
	if _, err := os.Stat(to); err == nil {
		return m, fmt.Errorf("%s exists: choose a new file name", to)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(to), ".formloom-backup-")
	if err != nil {
		return m, fmt.Errorf("make a working directory next to %s: %w", to, err)
	}
	defer os.RemoveAll(tmp)
	snap := filepath.Join(tmp, entryDatabase)
	if err := sqlitestore.Snapshot(ctx, dataDir, snap); err != nil {
		return m, err
	}
	if m.Contents, err = sqlitestore.CheckSnapshot(ctx, snap); err != nil {
		return m, fmt.Errorf("the snapshot just taken fails its check: %w", err)
	}
	a, err := newArchive(tmp, &m, progress)
	if err != nil {
		return m, err
	}
	defer a.close()
	if err := a.addFile(entryDatabase, snap); err != nil {
		return m, err
	}
	if err := archiveLocalFiles(a, dataDir); err != nil {
		return m, err
	}
	return m, a.finish(to)
}

// archiveLocalFiles adds the uploaded files of data directory dataDir.
func archiveLocalFiles(a *archiveWriter, dataDir string) error {
	files := filepath.Join(dataDir, "files")
	err := filepath.WalkDir(files, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() || !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, err := filepath.Rel(files, p)
		if err != nil {
			return err
		}
		err = a.addFile(entryFiles+filepath.ToSlash(rel), p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted since the walk listed it
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("archive uploaded files: %w", err)
	}
	return nil
}

// readBackup reads and checks the archive at path, extracting it into dir
// (formloom.db and files/): every entry's size and SHA-256 must match the
// manifest, none may be missing or extra, and the database must pass
// SQLite's integrity check with the counts the manifest recorded.
func readBackup(ctx context.Context, path, dir string, progress io.Writer) (manifest, error) {
	var m manifest
	bad := func(format string, args ...any) error {
		return fmt.Errorf("backup %s is damaged or not a Formloom backup: %s", path, fmt.Sprintf(format, args...))
	}
	f, err := os.Open(path)
	if err != nil {
		return m, err
	}
	defer f.Close()
	var r io.Reader = f
	if st, err := f.Stat(); err == nil {
		if bar := newBar(progress, st.Size(), "reading"); bar != nil {
			r = io.TeeReader(f, bar)
			defer bar.Finish()
		}
	}
	gz, err := gzip.NewReader(r)
	if err != nil {
		return m, bad("not gzip data (%v)", err)
	}
	tr := tar.NewReader(gz)
	seen := map[string]manifestEntry{}
	var body []byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, bad("%v", err)
		}
		if h.Typeflag != tar.TypeReg || !safeEntry(h.Name) {
			return m, bad("unexpected entry %q", h.Name)
		}
		if h.Name == entryManifest {
			if body, err = io.ReadAll(io.LimitReader(tr, 64<<20)); err != nil {
				return m, bad("manifest: %v", err)
			}
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(h.Name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return m, err
		}
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return m, err
		}
		hs := sha256.New()
		n, err := io.Copy(io.MultiWriter(out, hs), tr)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return m, bad("entry %s: %v", h.Name, err)
		}
		seen[h.Name] = manifestEntry{Name: h.Name, Size: n, SHA256: hex.EncodeToString(hs.Sum(nil))}
	}
	if body == nil {
		return m, bad("no manifest (the archive is incomplete)")
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return m, bad("manifest: %v", err)
	}
	if m.Format != backupFormat {
		return m, bad("format %q, this formloom reads %q", m.Format, backupFormat)
	}
	for _, e := range m.Entries {
		got, ok := seen[e.Name]
		switch {
		case !ok:
			return m, bad("entry %s is missing", e.Name)
		case got.Size != e.Size || got.SHA256 != e.SHA256:
			return m, bad("entry %s does not match its checksum (size %d, want %d)", e.Name, got.Size, e.Size)
		}
		delete(seen, e.Name)
	}
	for name := range seen {
		return m, bad("entry %s is not in the manifest", name)
	}
	if m.Dump != nil {
		if err := checkDump(ctx, filepath.Join(dir, entryDump), m); err != nil {
			return m, bad("store dump: %v", err)
		}
		return m, nil
	}
	info, err := sqlitestore.CheckSnapshot(ctx, filepath.Join(dir, entryDatabase))
	if err != nil {
		return m, bad("database: %v", err)
	}
	if info.Events != m.Contents.Events || len(info.Documents) != len(m.Contents.Documents) {
		return m, bad("database holds %d events and %d collections, the manifest says %d and %d",
			info.Events, len(info.Documents), m.Contents.Events, len(m.Contents.Documents))
	}
	for c, n := range m.Contents.Documents {
		if info.Documents[c] != n {
			return m, bad("collection %s holds %d documents, the manifest says %d", c, info.Documents[c], n)
		}
	}
	return m, nil
}

// safeEntry accepts the archive's own names only (no absolute path, no "..").
func safeEntry(name string) bool {
	if name == entryDatabase || name == entryManifest || name == entryDump {
		return true
	}
	rest, ok := strings.CutPrefix(name, entryFiles)
	if !ok || rest == "" || strings.HasPrefix(rest, "/") {
		return false
	}
	for _, part := range strings.Split(rest, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}
