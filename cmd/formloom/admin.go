package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
)

func adminCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "admin", Short: "Administration tasks"}
	cmd.AddCommand(adminCreateCmd())
	return cmd
}

func adminCreateCmd() *cobra.Command {
	var (
		sf            storeFlags
		email, name   string
		wsName, wsID  string
		passwordStdin bool
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an admin account",
		Long: "Create an admin account with a password read from a prompt (or from the first line of standard input when it is not a terminal).\n" +
			"The admin gets a new workspace, or joins an existing one with --workspace. With SQLite, stop the server first: the data directory admits one process.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			if email == "" || name == "" {
				return fmt.Errorf("--email and --name are required")
			}
			pw, err := readPassword(cmd.InOrStdin(), cmd.ErrOrStderr(), passwordStdin)
			if err != nil {
				return err
			}
			return adminCreate(cmd.Context(), sf, email, name, pw, wsName, wsID, cmd.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	sf.register(fs)
	fs.StringVar(&email, "email", "", "email address (sign-in name)")
	fs.StringVar(&name, "name", "", "display name")
	fs.StringVar(&wsName, "workspace-name", "我的团队", "name of the workspace to create")
	fs.StringVar(&wsID, "workspace", "", "id of an existing workspace to join as admin instead of creating one")
	fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input even on a terminal")
	return cmd
}

// readPassword prompts twice on a terminal, or reads one line otherwise.
func readPassword(in io.Reader, prompt io.Writer, forceStdin bool) (string, error) {
	if f, ok := in.(*os.File); ok && !forceStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(prompt, "Repeat password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(a) != string(b) {
			return "", fmt.Errorf("the passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func adminCreate(ctx context.Context, sf storeFlags, email, name, password, wsName, wsID string, out io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := auth.CheckPassword(password, email, name); err != nil {
		return fmt.Errorf("password refused (%w): use at least %d characters, not a common password, not containing the email or name", err, auth.MinPasswordLength)
	}
	log, _ := newLogger("text", "warn", os.Stderr)
	st, blobs, err := sf.open(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	e, err := engine.New(ctx, st, engine.Options{Logger: log, Blobs: blobs, Authorizer: access.New()})
	if err != nil {
		return fmt.Errorf("start engine: %w", err)
	}
	accounts, err := auth.New(ctx, e, st, auth.Options{Logger: log})
	if err != nil {
		return err
	}
	u, err := accounts.CreateAccount(ctx, email, name, password)
	if err != nil {
		return err
	}
	if wsID != "" {
		// The operator at the command line holds every right over the
		// installation; this actor only lets the engine record who joined.
		op := engine.Actor{UserID: u.ID, Name: u.Name, Workspace: wsID, Role: engine.RoleAdmin, Source: engine.SourceSystem}
		if _, err := e.Workspace(ctx, wsID); err != nil {
			return fmt.Errorf("workspace %s: %w", wsID, err)
		}
		if _, err := e.AddMember(ctx, op, u.ID, engine.RoleAdmin, nil); err != nil {
			return fmt.Errorf("join workspace %s: %w", wsID, err)
		}
		fmt.Fprintf(out, "Created admin %s (%s) in workspace %s.\n", u.Email, u.ID, wsID)
		return nil
	}
	ws, err := e.CreateWorkspace(ctx, u.ID, engine.WorkspaceInput{Name: wsName})
	if err != nil {
		return fmt.Errorf("create workspace: %w", err)
	}
	fmt.Fprintf(out, "Created admin %s (%s) and workspace %q (%s). Start the server and sign in.\n", u.Email, u.ID, ws.Name, ws.ID)
	return nil
}
