package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

func migrateCmd() *cobra.Command {
	var f storeFlags
	var toMongo string
	cmd := &cobra.Command{
		Use:   "migrate --to-mongo URI",
		Short: "Copy a SQLite data directory to an empty MongoDB database",
		Long: "Copy everything the data directory holds to MongoDB: records and their history (every collection with its indexes,\n" +
			"deleted records included, versions and stamps kept), the outbox events and position (so consumers' checkpoints stay valid),\n" +
			"counters, queue items and the uploaded files (into GridFS). Stop 'formloom serve' on the directory first: migrate takes its lock.\n" +
			"The counts are checked afterwards. Rerunning is safe: a migration that was interrupted is cleared and redone,\n" +
			"one that finished is checked again, and a database holding anything else is refused.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			if toMongo == "" {
				toMongo = f.mongoURI // --mongo-uri or FORMLOOM_MONGO_URI names the target too
			}
			if toMongo == "" {
				return errors.New("--to-mongo URI is required: the MongoDB replica set to copy to")
			}
			f.mongoURI = toMongo
			return migrate(cmd.Context(), &f, cmd.OutOrStdout(), cmd.ErrOrStderr(), progressOut(cmd))
		},
	}
	f.register(cmd.Flags())
	_ = cmd.Flags().MarkHidden("mongo-uri")
	cmd.Flags().StringVar(&toMongo, "to-mongo", "", "MongoDB URI to copy to (the database: --mongo-db, else the URI's path, else \"formloom\")")
	return cmd
}

// migrate copies f.dataDir into f.mongoURI (see migrateCmd).
func migrate(ctx context.Context, f *storeFlags, out, errOut, progress io.Writer) error {
	if _, err := os.Stat(sqlitestore.DatabaseFile(f.dataDir)); err != nil {
		return fmt.Errorf("no Formloom database in %s (%v): point --data-dir at the directory 'formloom serve' used", f.dataDir, err)
	}
	src, err := sqlitestore.Open(f.dataDir, sqlitestore.Options{Logger: quietLog()})
	if err != nil {
		if strings.Contains(err.Error(), "in use by another Formloom process") {
			return fmt.Errorf("%w\nstop 'formloom serve' on %s first: a migration copies what the directory holds at one moment, and writes after it would not reach MongoDB", err, f.dataDir)
		}
		return fmt.Errorf("open data directory %s: %w", f.dataDir, err)
	}
	defer src.Close()
	dst, err := openMongo(ctx, f)
	if err != nil {
		return err
	}
	defer dst.Close()
	if !dst.Capabilities().Transactions {
		fmt.Fprintf(errOut, "warning: %s has no transactions: the copy works, but 'formloom serve' will refuse this database (only --read-only starts)\n", dst.Capabilities().Backend)
	}
	db := f.mongoDatabase()
	counts, files, err := copyToMongo(ctx, dst, db, out, progress, src.Export, filepath.Join(f.dataDir, "files"))
	var ne *store.NotEmptyError
	if errors.As(err, &ne) && !ne.Partial && strings.HasPrefix(ne.What, "an import finished") {
		// A rerun after a finished migration: check it still matches.
		want, err := store.CountStore(ctx, src)
		if err != nil {
			return err
		}
		got, err := store.CountStore(ctx, dst)
		if err != nil {
			return err
		}
		if d := want.Diff(got); d != "" {
			return fmt.Errorf("MongoDB database %q already holds a migration (%s) that differs from %s: the data directory has %s.\n"+
				"to migrate again, drop the database first (mongosh %q --eval 'db.dropDatabase()') and rerun", db, ne.What, f.dataDir, d, db)
		}
		fmt.Fprintf(out, "already migrated: MongoDB database %q matches %s (%s); nothing to do\n", db, f.dataDir, summary(want))
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "migrated %s to MongoDB database %q: %s, %d files; counts verified\n", f.dataDir, db, summary(counts), files)
	fmt.Fprintf(out, "next: formloom serve --mongo-uri %s --mongo-db %s\n", redactURI(f.mongoURI), db)
	return nil
}

func summary(c store.Counts) string {
	var docs int64
	for _, n := range c.Documents {
		docs += n
	}
	return fmt.Sprintf("%d collections, %d documents, %d events (position %d), %d counters, %d queue items",
		len(c.Documents), docs, c.Events, c.OutboxPosition, c.Counters, c.QueueItems)
}

// copyToMongo imports into dst what fill exports, then the files under
// filesDir, marks the import done and compares dst's counts with what was
// sent. An unfinished earlier import into dst is cleared first (the mark
// proves the database holds nothing else); any other content is refused.
func copyToMongo(ctx context.Context, dst *mongostore.Store, db string, out, progress io.Writer,
	fill func(context.Context, store.Sink) (store.ExportInfo, error), filesDir string) (store.Counts, int, error) {
	ld, err := dst.Import(ctx)
	var ne *store.NotEmptyError
	if errors.As(err, &ne) && ne.Partial {
		fmt.Fprintf(out, "MongoDB database %q holds an unfinished restore or migration (%s): clearing it and starting over\n", db, ne.What)
		if err = dst.ClearPartialImport(ctx); err == nil {
			ld, err = dst.Import(ctx)
		}
	}
	if errors.As(err, &ne) {
		if strings.HasPrefix(ne.What, "an import finished") {
			return store.Counts{}, 0, err
		}
		return store.Counts{}, 0, fmt.Errorf("MongoDB database %q is not empty (%s): restore and migrate only into an empty database.\n"+
			"choose another with --mongo-db, or drop this one if it is expendable (mongosh <uri> --eval 'db.getSiblingDB(%q).dropDatabase()')", db, ne.What, db)
	}
	if err != nil {
		return store.Counts{}, 0, err
	}
	cs := &store.CountingSink{Next: ld, Counts: store.Counts{Documents: map[string]int64{}}}
	if _, err := fill(ctx, itemBar(progress, "copying", cs)); err != nil {
		return cs.Counts, 0, fmt.Errorf("copy (rerun to start over): %w", err)
	}
	files, err := putFiles(ctx, dst, filesDir)
	if err != nil {
		return cs.Counts, files, fmt.Errorf("copy files (rerun to start over): %w", err)
	}
	if err := ld.Finish(ctx); err != nil {
		return cs.Counts, files, err
	}
	got, err := store.CountStore(ctx, dst)
	if err != nil {
		return cs.Counts, files, fmt.Errorf("count what was copied: %w", err)
	}
	if d := cs.Counts.Diff(got); d != "" {
		return cs.Counts, files, fmt.Errorf("verification failed: the source holds %s in MongoDB", d)
	}
	n := 0
	if err := dst.Blobs().Each(ctx, func(string, int64) error { n++; return nil }); err != nil {
		return cs.Counts, files, err
	}
	if n != files {
		return cs.Counts, files, fmt.Errorf("verification failed: %d files copied, the files bucket holds %d", files, n)
	}
	return cs.Counts, files, nil
}

// putFiles copies every file under dir (a data directory's files/, two
// levels of fan-out, the key is the file name) into dst's GridFS bucket.
func putFiles(ctx context.Context, dst *mongostore.Store, dir string) (int, error) {
	g := dst.Blobs()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() || !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		r, err := os.Open(p)
		if err != nil {
			return err
		}
		defer r.Close()
		if _, err := g.Put(ctx, d.Name(), r); err != nil {
			return fmt.Errorf("file %s: %w", d.Name(), err)
		}
		n++
		return nil
	})
	return n, err
}

// openMongo opens f's MongoDB for backup, restore or migration; the
// adapter's warnings stay out of the output.
func openMongo(ctx context.Context, f *storeFlags) (*mongostore.Store, error) {
	db := f.mongoDatabase()
	st, err := mongostore.Open(ctx, f.mongoURI, db, mongostore.Options{Logger: quietLog()})
	if err != nil {
		return nil, fmt.Errorf("open MongoDB database %q: %w", db, err)
	}
	return st, nil
}

// backupMongo backs up f's MongoDB database to the archive to.
func backupMongo(ctx context.Context, f *storeFlags, to string, progress io.Writer) (manifest, error) {
	st, err := openMongo(ctx, f)
	if err != nil {
		return manifest{}, err
	}
	defer st.Close()
	return writeMongoBackup(ctx, st, to, progress)
}

func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// redactURI drops the password of a MongoDB URI for printing.
func redactURI(uri string) string {
	if i := strings.Index(uri, "://"); i >= 0 {
		rest := uri[i+3:]
		if at := strings.LastIndex(strings.SplitN(rest, "/", 2)[0], "@"); at >= 0 {
			cred := rest[:at]
			if c := strings.Index(cred, ":"); c >= 0 {
				return uri[:i+3] + cred[:c] + ":***" + rest[at:]
			}
		}
	}
	return uri
}
