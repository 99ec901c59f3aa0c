package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// The template commands: check a directory, install it with sample data
// into a workspace of a data directory, export the app.
func TestTemplateCommands(t *testing.T) {
	dir := t.TempDir()
	ws := func() string {
		st, err := sqlitestore.Open(dir, sqlitestore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		e, err := engine.New(context.Background(), st, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		u, err := e.CreateUser(context.Background(), engine.UserInput{Email: "ops@example.com", Name: "运维"})
		if err != nil {
			t.Fatal(err)
		}
		w, err := e.CreateWorkspace(context.Background(), u.ID, engine.WorkspaceInput{Name: "团队"})
		if err != nil {
			t.Fatal(err)
		}
		return w.ID
	}()
	src := filepath.Join("..", "..", "engine", "template", "testdata", "tasks")
	var out, errOut bytes.Buffer
	if code := run([]string{"template", "check", src}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "ok: tasks 1.0.0") {
		t.Fatalf("check: %d %s %s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run([]string{"template", "install", "--file", src, "--workspace", ws, "--data-dir", dir, "--sample-data", "--locale", "en"}, &out, &errOut); code != 0 {
		t.Fatalf("install: %d %s %s", code, out.String(), errOut.String())
	}
	fields := strings.Fields(out.String())
	if len(fields) < 6 || fields[4] != "app" {
		t.Fatalf("install said %q", out.String())
	}
	app := fields[5]
	bundle := filepath.Join(t.TempDir(), "tasks.formloom.json")
	if code := run([]string{"template", "export", app, "--workspace", ws, "--data-dir", dir, "--sample", "3", "--out", bundle}, &out, &errOut); code != 0 {
		t.Fatalf("export: %d %s", code, errOut.String())
	}
	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Template struct {
			App struct{ Name string } `json:"app"`
		} `json:"template"`
		Forms []json.RawMessage `json:"forms"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Forms) != 2 || doc.Template.App.Name != "Project tasks" {
		t.Fatalf("bundle: %v %+v", err, doc.Template)
	}
	out.Reset()
	errOut.Reset()
	bad := filepath.Join(t.TempDir(), "bad.json")
	_ = os.WriteFile(bad, []byte(`{"format":1,"template":{"key":"x","version":"1","name":{"en":"x"},"app":{"name":"x"}},"forms":[{"key":"a","name":"A","definition":{"fields":[{"key":"r","type":"relation","label":"R","form":"b"}]}}]}`), 0o644)
	if code := run([]string{"template", "check", bad}, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "forms.a.definition.fields[0].form: template_unknown_ref") {
		t.Fatalf("check of a bad bundle: %d %s", code, errOut.String())
	}
	if code := run([]string{"template", "list"}, &out, &errOut); code != 0 {
		t.Fatalf("list: %s", errOut.String())
	}
}
