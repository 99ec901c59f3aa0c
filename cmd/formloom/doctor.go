package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// finding is one line of doctor's report: a problem says what to do.
type finding struct {
	ok   bool
	what string
	fix  string
}

func doctorCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the configuration serve would use and say how to fix each problem",
		Long:  "Check the store, the data directory, the addresses and the FORMLOOM_* environment that 'formloom serve' would use with the same flags. Exits 1 when a problem is found.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			fs := doctor(cmd.Context(), f, cmd.Flags())
			problems := printFindings(cmd.OutOrStdout(), fs)
			if problems > 0 {
				return fmt.Errorf("%d problem(s) found", problems)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	f.storeFlags.register(fs)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address serve would listen on")
	fs.StringVar(&f.baseURL, "base-url", "", "public URL of the server")
	return cmd
}

func printFindings(w io.Writer, fs []finding) int {
	n := 0
	for _, x := range fs {
		if x.ok {
			fmt.Fprintf(w, "ok       %s\n", x.what)
			continue
		}
		n++
		fmt.Fprintf(w, "PROBLEM  %s\n         fix: %s\n", x.what, x.fix)
	}
	return n
}

// doctor runs every check; none of them writes.
func doctor(ctx context.Context, f serveFlags, flags *pflag.FlagSet) []finding {
	if ctx == nil {
		ctx = context.Background()
	}
	var out []finding
	out = append(out, checkEnv(flags)...)
	if f.mongoURI != "" {
		out = append(out, checkMongo(ctx, f.storeFlags)...)
	} else {
		out = append(out, checkDataDir(f.dataDir)...)
	}
	host, _, err := net.SplitHostPort(f.listen)
	if err != nil {
		out = append(out, finding{what: fmt.Sprintf("--listen %q is not host:port (%v)", f.listen, err), fix: "use an address such as 0.0.0.0:8080 or 127.0.0.1:8080"})
	} else {
		out = append(out, finding{ok: true, what: "listen address " + f.listen})
		public := host != "127.0.0.1" && host != "localhost" && host != "::1"
		if f.baseURL == "" && public {
			out = append(out, finding{what: "listening on " + f.listen + " without --base-url: links in e-mails and the setup link use http://" + f.listen + " and cookies are not Secure",
				fix: "set --base-url to the public https:// address the load balancer serves"})
		}
	}
	if f.baseURL != "" {
		u, err := url.Parse(f.baseURL)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
			out = append(out, finding{what: fmt.Sprintf("--base-url %q is not an http(s) URL", f.baseURL), fix: "use https://forms.example.com"})
		case u.Scheme == "http" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1":
			out = append(out, finding{what: "--base-url " + f.baseURL + " is plain http: session cookies are sent unencrypted", fix: "serve behind TLS and set an https:// base URL"})
		default:
			out = append(out, finding{ok: true, what: "base URL " + f.baseURL})
		}
	}
	return out
}

// checkEnv reports FORMLOOM_* variables no flag reads (a typo is silent otherwise).
func checkEnv(flags *pflag.FlagSet) []finding {
	known := map[string]bool{"FORMLOOM_TEST_MONGO_URI": true}
	flags.VisitAll(func(f *pflag.Flag) { known[envName(f.Name)] = true })
	for _, n := range []string{"listen", "base-url", "log-format", "log-level", "open", "body-limit", "upload-limit", "cors-origins",
		"trusted-proxies", "metrics-public", "shutdown-timeout", "drain-delay", "read-only"} {
		known[envName(n)] = true
	}
	var out []finding
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "FORMLOOM_") && !known[name] && !strings.HasPrefix(name, "FORMLOOM_TEST_") {
			out = append(out, finding{what: "environment variable " + name + " is not a Formloom setting and is ignored",
				fix: "check its spelling against 'formloom serve --help' (--data-dir is FORMLOOM_DATA_DIR)"})
		}
	}
	return out
}

func checkDataDir(dir string) []finding {
	st, err := os.Stat(dir)
	if os.IsNotExist(err) {
		return []finding{{ok: true, what: "data directory " + dir + " does not exist yet: serve creates it"}}
	}
	if err != nil {
		return []finding{{what: "data directory " + dir + ": " + err.Error(), fix: "check the path and its permissions"}}
	}
	if !st.IsDir() {
		return []finding{{what: dir + " is a file, not a directory", fix: "point --data-dir at a directory"}}
	}
	var out []finding
	probe, err := os.CreateTemp(dir, ".doctor-")
	if err != nil {
		out = append(out, finding{what: "data directory " + dir + " is not writable: " + err.Error(),
			fix: "give the user running formloom write access (chown/chmod), or choose another --data-dir"})
	} else {
		probe.Close()
		os.Remove(probe.Name())
		out = append(out, finding{ok: true, what: "data directory " + dir + " is writable"})
	}
	var fsst syscall.Statfs_t
	if err := syscall.Statfs(dir, &fsst); err == nil {
		free := int64(fsst.Bavail) * int64(fsst.Bsize)
		if free < 1<<30 {
			out = append(out, finding{what: fmt.Sprintf("only %d MiB free on the data directory's disk", free>>20),
				fix: "free space or move the data directory: writes fail with storage_full when the disk is full"})
		} else {
			out = append(out, finding{ok: true, what: fmt.Sprintf("%d GiB free on the data directory's disk", free>>30)})
		}
	}
	if _, err := os.Stat(sqlitestore.DatabaseFile(dir)); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		info, err := sqlitestore.CheckSnapshot(ctx, sqlitestore.DatabaseFile(dir))
		if err != nil {
			out = append(out, finding{what: "database " + filepath.Join(dir, "formloom.db") + ": " + err.Error(),
				fix: "restore the latest backup into a new directory (formloom restore --from FILE --data-dir NEW)"})
		} else {
			out = append(out, finding{ok: true, what: fmt.Sprintf("database passes its integrity check (schema version %d, %d collections, %d events)",
				info.SchemaVersion, len(info.Documents), info.Events)})
		}
	}
	return out
}

func checkMongo(ctx context.Context, f storeFlags) []finding {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := mongostore.Open(ctx, f.mongoURI, f.mongoDatabase(), mongostore.Options{Logger: quiet, ConnectTimeout: 5 * time.Second})
	if err != nil {
		return []finding{{what: "cannot reach MongoDB: " + err.Error(),
			fix: "check --mongo-uri (host, port, credentials, replicaSet=...) and that this machine can reach the server"}}
	}
	defer st.Close()
	out := []finding{{ok: true, what: "MongoDB reachable, database " + f.mongoDatabase()}}
	if err := refuseWithoutTransactions(st.Capabilities(), false); err != nil {
		return append(out, finding{what: "MongoDB server (" + st.Capabilities().Backend + ") cannot run transactions: serve refuses to start on it",
			fix: "run MongoDB 6+ as a replica set (a single node is enough: mongod --replSet rs0, then rs.initiate()); --read-only starts for inspection"})
	}
	return append(out, finding{ok: true, what: "MongoDB runs transactions (replica set)"})
}
