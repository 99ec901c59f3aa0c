package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

func restoreCmd() *cobra.Command {
	var f storeFlags
	var from string
	cmd := &cobra.Command{
		Use:   "restore --from FILE",
		Short: "Restore a backup archive into an empty data directory",
		Long: "Check the archive as 'formloom backup verify' does, then put its database and files into --data-dir,\n" +
			"which must be empty or not exist. Start 'formloom serve --data-dir DIR' on it afterwards.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			if from == "" {
				return errors.New("--from FILE is required")
			}
			if f.mongoURI != "" {
				return errors.New("restore into MongoDB is not built in yet: restore a mongodump with mongorestore")
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
