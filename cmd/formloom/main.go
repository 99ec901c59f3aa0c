// Command formloom runs the Formloom server and its administration tasks.
// It is the composition root: it reads configuration, picks the store and
// wires the engine, the builder, accounts and the HTTP server together.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "formloom:", err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "formloom",
		Short:         "Formloom: a low-code form and workflow engine",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCmd(), adminCmd(), versionCmd())
	return root
}

// envName is the environment variable of a flag: --data-dir is FORMLOOM_DATA_DIR.
func envName(flag string) string {
	return "FORMLOOM_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applyEnv sets every flag the command line left alone from its
// environment variable, so each flag can also be given as FORMLOOM_*.
func applyEnv(fs *pflag.FlagSet) error {
	var firstErr error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed || firstErr != nil {
			return
		}
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			if err := fs.Set(f.Name, v); err != nil {
				firstErr = fmt.Errorf("environment variable %s: %w", envName(f.Name), err)
			}
		}
	})
	return firstErr
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "formloom %s\n", version)
			return err
		},
	}
}
