// Command formloom runs the Formloom server and its administration tasks.
// It is the composition root: it reads configuration, picks the store and
// wires the engine, the builder, accounts and the HTTP server together.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// version may be set at build time with -ldflags "-X main.version=…";
// otherwise versionString reads the module version and VCS revision that
// the Go toolchain embeds in the binary.
var version = ""

// versionString is "v1.2.3", "v1.2.3 (rev abc123def456, modified)" or, for a
// build without module or VCS information, "dev".
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	v := version
	if v == "" && ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "dev"
	}
	if !ok {
		return v
	}
	var rev, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return v
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	extra := "rev " + rev
	if when != "" {
		extra += ", " + when
	}
	if modified {
		extra += ", modified"
	}
	return v + " (" + extra + ")"
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit code. An unknown
// command or flag is named, with where to find the usage.
func run(args []string, stdout, stderr io.Writer) int {
	root := rootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.Execute(); err != nil {
		fmt.Fprintln(stderr, "formloom:", err)
		if strings.HasPrefix(err.Error(), "unknown command") {
			fmt.Fprintln(stderr, "Run 'formloom --help' for usage.")
		}
		return 1
	}
	return 0
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "formloom",
		Short:         "Formloom: a low-code form and workflow engine",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// An unknown command or flag names the mistake and where help is.
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w\nRun '%s --help' for usage", err, cmd.CommandPath())
	})
	root.AddCommand(serveCmd(), adminCmd(), versionCmd(), backupCmd(), restoreCmd(), migrateCmd(), doctorCmd(), templateCmd())
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
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "formloom %s\n", versionString())
			return err
		},
	}
}
