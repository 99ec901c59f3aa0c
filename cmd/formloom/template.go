package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/notify"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/template"
	"github.com/formloom/formloom/templates"
)

// wireTemplates builds the template service over the shipped templates.
// The capabilities' parts are registered on the engine before
// (wireTemplateParts), so serve and the CLI install the same parts.
func wireTemplates(e *engine.Engine, log *slog.Logger) (*template.Service, error) {
	return template.New(e, templates.FS(), template.Options{Logger: log}), nil
}

func templateCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "template", Short: "List, check, install and export app templates"}
	cmd.AddCommand(templateListCmd(), templateCheckCmd(), templateInstallCmd(), templateExportCmd())
	return cmd
}

func templateListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the templates this binary ships",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc := template.New(nil, templates.FS(), template.Options{Logger: quietLogger()})
			list, err := svc.List(cmd.Context(), engine.Actor{})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(list) == 0 {
				fmt.Fprintln(out, "no templates")
				return nil
			}
			for _, s := range list {
				fmt.Fprintf(out, "%-12s %-8s %s / %s  %s\n", s.Key, s.Version, s.Name["zh-CN"], s.Name["en"], countsLine(s.Counts))
			}
			return nil
		},
	}
}

func countsLine(c map[string]int) string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, c[k]))
	}
	return strings.Join(parts, " ")
}

func quietLogger() *slog.Logger {
	log, _ := newLogger("text", "warn", os.Stderr)
	return log
}

// readPackage reads a bundle file or a template directory.
func readPackage(path string) (*template.Package, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return template.ParseDir(os.DirFS(path))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return template.ParseBundle(b)
}

// problems renders a validation error one problem a line.
func problems(err error) error {
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem(s):", len(ve.Fields))
	for _, f := range ve.Fields {
		fmt.Fprintf(&b, "\n  %s: %s", f.Path, f.Code)
		if len(f.Params) > 0 {
			p, _ := json.Marshal(f.Params)
			fmt.Fprintf(&b, " %s", p)
		}
	}
	return errors.New(b.String())
}

func templateCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE_OR_DIR",
		Short: "Check a template bundle or directory as install would, against a scratch workspace",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := readPackage(args[0])
			if err != nil {
				return problems(err)
			}
			dir, err := os.MkdirTemp("", "formloom-template-check-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			te, err := openTemplateEnv(cmd.Context(), storeFlags{dataDir: dir})
			if err != nil {
				return err
			}
			defer te.close()
			u, err := te.e.CreateUser(cmd.Context(), engine.UserInput{Email: "check@example.com", Name: "check"})
			if err != nil {
				return err
			}
			ws, err := te.e.CreateWorkspace(cmd.Context(), u.ID, engine.WorkspaceInput{Name: "check"})
			if err != nil {
				return err
			}
			a := engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceSystem}
			if err := te.svc.Check(cmd.Context(), a, p); err != nil {
				return problems(err)
			}
			s := p.Summary()
			fmt.Fprintf(cmd.OutOrStdout(), "ok: %s %s (%s)\n", s.Key, s.Version, countsLine(s.Counts))
			return nil
		},
	}
}

func templateInstallCmd() *cobra.Command {
	var (
		sf                        storeFlags
		wsID, locale, file, named string
		sample                    bool
	)
	cmd := &cobra.Command{
		Use:   "install KEY --workspace WS",
		Short: "Install a shipped template (or --file bundle.json / a directory) into a workspace",
		Long: "Install a template into a new app of the workspace, as its first admin, all or nothing.\n" +
			"With SQLite, stop the server first: the data directory admits one process.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			if wsID == "" {
				return errors.New("--workspace is required")
			}
			if (len(args) == 0) == (file == "") {
				return errors.New("give a template KEY or --file, not both")
			}
			ctx := cmd.Context()
			te, err := openTemplateEnv(ctx, sf)
			if err != nil {
				return err
			}
			defer te.close()
			a, err := te.workspaceAdmin(ctx, wsID)
			if err != nil {
				return err
			}
			var p *template.Package
			if file != "" {
				p, err = readPackage(file)
			} else {
				p, err = te.svc.Load(args[0])
			}
			if err != nil {
				return problems(err)
			}
			res, err := te.svc.Install(ctx, a, p, template.InstallOptions{SampleData: sample, Locale: locale, AppName: named})
			if err != nil {
				return problems(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "installed %s %s as app %s (%s)\n", p.Template.Key, p.Template.Version, res.AppID, countsLine(res.Counts))
			return nil
		},
	}
	fs := cmd.Flags()
	sf.register(fs)
	fs.StringVar(&wsID, "workspace", "", "id of the workspace to install into")
	fs.BoolVar(&sample, "sample-data", false, "also install the sample members and records")
	fs.StringVar(&locale, "locale", "", "language of the labels (zh-CN or en; default: the workspace's)")
	fs.StringVar(&file, "file", "", "install this bundle file or template directory instead of a shipped template")
	fs.StringVar(&named, "app-name", "", "name of the app to create (default: the template's)")
	return cmd
}

func templateExportCmd() *cobra.Command {
	var (
		sf        storeFlags
		wsID, out string
		sample    int
	)
	cmd := &cobra.Command{
		Use:   "export APP_ID --workspace WS",
		Short: "Export an app as a template bundle",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			if wsID == "" {
				return errors.New("--workspace is required")
			}
			ctx := cmd.Context()
			te, err := openTemplateEnv(ctx, sf)
			if err != nil {
				return err
			}
			defer te.close()
			a, err := te.workspaceAdmin(ctx, wsID)
			if err != nil {
				return err
			}
			p, err := te.svc.Export(ctx, a, args[0], template.ExportOptions{Sample: sample})
			if err != nil {
				return problems(err)
			}
			b, err := p.Bundle()
			if err != nil {
				return err
			}
			var w io.Writer = cmd.OutOrStdout()
			if out != "" {
				if err := os.WriteFile(filepath.Clean(out), append(b, '\n'), 0o644); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%d forms)\n", out, len(p.Forms))
				return nil
			}
			_, err = fmt.Fprintln(w, string(b))
			return err
		},
	}
	fs := cmd.Flags()
	sf.register(fs)
	fs.StringVar(&wsID, "workspace", "", "id of the app's workspace")
	fs.IntVar(&sample, "sample", 0, "also export up to N records per form as sample data")
	fs.StringVar(&out, "out", "", "write the bundle to FILE instead of standard output")
	return cmd
}

// templateEnv is an engine with the capabilities wired as serve wires
// them (their template parts registered) and the template service; its
// background work is not started.
type templateEnv struct {
	st  store.Store
	e   *engine.Engine
	svc *template.Service
}

func (te *templateEnv) close() { _ = te.st.Close() }

// openTemplateEnv opens the store and wires what serve wires that
// templates touch (keep it in step with serve).
func openTemplateEnv(ctx context.Context, sf storeFlags) (*templateEnv, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	log := quietLogger()
	var st store.Store
	var err error
	var e *engine.Engine
	if sf.mongoURI == "" && sf.dataDir != "" {
		if err := os.MkdirAll(sf.dataDir, 0o755); err != nil {
			return nil, err
		}
	}
	raw, blobs, err := sf.open(ctx, log)
	if err != nil {
		return nil, err
	}
	st = raw
	fail := func(err error) (*templateEnv, error) { _ = st.Close(); return nil, err }
	if e, err = engine.New(ctx, st, engine.Options{Logger: log, Blobs: blobs, Authorizer: access.New()}); err != nil {
		return fail(fmt.Errorf("start engine: %w", err))
	}
	work, err := newWork(raw, e, log, nil)
	if err != nil {
		return fail(err)
	}
	nf := notifyFlags{smtpTLS: notify.TLSStartTLS, retention: notify.DefaultRetention, digestHour: notify.DefaultDigestHour}
	if _, err := wireNotify(ctx, nf, e, work, log, "http://127.0.0.1:8080"); err != nil {
		return fail(err)
	}
	var caps templateServices
	if caps.webhooks, err = wireWebhooks(ctx, raw, e, work, log); err != nil {
		return fail(err)
	}
	if caps.approvals, err = wireApprovals(ctx, e, work, log); err != nil {
		return fail(err)
	}
	if caps.stages, err = wireStages(ctx, e); err != nil {
		return fail(err)
	}
	if caps.dashboards, err = wireDashboards(ctx, e, caps.stages); err != nil {
		return fail(err)
	}
	if caps.automations, err = wireAutomations(ctx, e, work, log); err != nil {
		return fail(err)
	}
	if err := wireTemplateParts(ctx, e, caps); err != nil {
		return fail(err)
	}
	svc, err := wireTemplates(e, log)
	if err != nil {
		return fail(err)
	}
	return &templateEnv{st: st, e: e, svc: svc}, nil
}

// workspaceAdmin is the actor the CLI installs and exports as: the
// workspace's first admin (the operator at the command line holds every
// right over the installation; history names that admin).
func (te *templateEnv) workspaceAdmin(ctx context.Context, wsID string) (engine.Actor, error) {
	if _, err := te.e.Workspace(ctx, wsID); err != nil {
		return engine.Actor{}, fmt.Errorf("workspace %s: %w", wsID, err)
	}
	op := engine.Actor{UserID: "system", Workspace: wsID, Role: engine.RoleAdmin, Source: engine.SourceSystem}
	members, err := te.e.Members(ctx, op)
	if err != nil {
		return engine.Actor{}, err
	}
	for _, m := range members {
		if m.Role != engine.RoleAdmin || m.Disabled {
			continue
		}
		u, err := te.e.User(ctx, m.UserID)
		if err != nil {
			continue
		}
		return engine.Actor{UserID: u.ID, Name: u.Name, Email: u.Email, Workspace: wsID, Role: engine.RoleAdmin,
			Departments: m.Departments, Roles: m.Roles, AdminApps: m.AdminApps, Source: engine.SourceSystem}, nil
	}
	return engine.Actor{}, fmt.Errorf("workspace %s has no admin to install as", wsID)
}
