package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

func restoreCmd() *cobra.Command {
	var f storeFlags
	var from string
	cmd := &cobra.Command{
		Use:   "restore --from FILE",
		Short: "Restore a backup archive into an empty data directory or MongoDB database",
		Long: "Check the archive as 'formloom backup verify' does, then put its database and files into --data-dir,\n" +
			"which must be empty or not exist. Start 'formloom serve --data-dir DIR' on it afterwards.\n" +
			"With --mongo-uri, load it into an empty MongoDB database instead (a MongoDB backup, or a SQLite one: that migrates it),\n" +
			"files into GridFS, and check the counts; an earlier restore that was interrupted is cleared and redone.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			if from == "" {
				return errors.New("--from FILE is required")
			}
			if f.mongoURI != "" {
				return restoreMongo(cmd.Context(), &f, from, cmd.OutOrStdout(), progressOut(cmd))
			}
			if err := emptyDir(f.dataDir); err != nil {
				return err
			}
			// Extract next to the target, then move into place: a failed
			// check leaves the target as it was.
			parent := filepath.Dir(filepath.Clean(f.dataDir))
			tmp, err := os.MkdirTemp(parent, ".formloom-restore-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			m, err := readBackup(cmd.Context(), from, tmp, progressOut(cmd))
			if err != nil {
				return err
			}
			if m.Dump != nil {
				return fmt.Errorf("%s is a backup of a %s database (a logical dump): restore it into an empty MongoDB database with --mongo-uri URI [--mongo-db NAME]; "+
					"restoring a MongoDB backup into a SQLite data directory is not supported", from, m.Backend)
			}
			if err := os.MkdirAll(f.dataDir, 0o750); err != nil {
				return err
			}
			ents, err := os.ReadDir(tmp)
			if err != nil {
				return err
			}
			for _, e := range ents {
				if err := os.Rename(filepath.Join(tmp, e.Name()), filepath.Join(f.dataDir, e.Name())); err != nil {
					return fmt.Errorf("move %s into %s: %w", e.Name(), f.dataDir, err)
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "restored %s (made %s) into %s: %d collections, %d events, %d files\n",
				from, m.CreatedAt.Format("2006-01-02 15:04:05Z"), f.dataDir, len(m.Contents.Documents), m.Contents.Events, countFiles(m))
			return nil
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVar(&from, "from", "", "backup archive to restore")
	return cmd
}

// emptyDir accepts a directory that does not exist or holds nothing.
func emptyDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		return fmt.Errorf("data directory %s is not empty: restore only into an empty or new directory (move the old one aside first)", dir)
	}
	return nil
}

// restoreMongo checks the archive from, then loads it into f's MongoDB
// database, which must be empty (see copyToMongo).
func restoreMongo(ctx context.Context, f *storeFlags, from string, out, progress io.Writer) error {
	tmp, err := os.MkdirTemp("", "formloom-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	m, err := readBackup(ctx, from, tmp, progress)
	if err != nil {
		return err
	}
	dst, err := openMongo(ctx, f)
	if err != nil {
		return err
	}
	defer dst.Close()
	var fill func(context.Context, store.Sink) (store.ExportInfo, error)
	if m.Dump != nil {
		fill = func(ctx context.Context, sink store.Sink) (store.ExportInfo, error) {
			r, err := os.Open(filepath.Join(tmp, entryDump))
			if err != nil {
				return store.ExportInfo{}, err
			}
			defer r.Close()
			return store.ExportInfo{}, store.ReadDump(ctx, r, sink)
		}
	} else {
		// A SQLite backup: open its snapshot as a data directory and export it.
		src, err := sqlitestore.Open(tmp, sqlitestore.Options{Logger: quietLog()})
		if err != nil {
			return fmt.Errorf("open the backup's database: %w", err)
		}
		defer src.Close()
		fill = src.Export
	}
	db := f.mongoDatabase()
	counts, files, err := copyToMongo(ctx, dst, db, out, progress, fill, filepath.Join(tmp, "files"))
	var ne *store.NotEmptyError
	if errors.As(err, &ne) {
		return fmt.Errorf("MongoDB database %q already holds a restore or migration (%s): restore only into an empty database; "+
			"choose another with --mongo-db or drop this one first", db, ne.What)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "restored %s (made %s from %s) into MongoDB database %q: %s, %d files; counts verified\n",
		from, m.CreatedAt.Format("2006-01-02 15:04:05Z"), m.Backend, db, summary(counts), files)
	return nil
}
