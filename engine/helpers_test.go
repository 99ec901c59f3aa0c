package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

// fixture is an engine on a fresh SQLite store with one workspace, an admin
// and a member.
type fixture struct {
	e      *engine.Engine
	b      *builder.Service
	admin  engine.Actor
	member engine.Actor
	ctx    context.Context
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return fixtureOn(t, st, blobs)
}

// newMongoFixture is newFixture on the Mongo adapter against the in-process
// FerretDB, with GridFS for files.
func newMongoFixture(t testing.TB) *fixture {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := mongostore.Open(context.Background(), ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return fixtureOn(t, st, st.Blobs())
}

func fixtureOn(t testing.TB, st store.Store, blobs blob.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	e, err := engine.New(ctx, st, engine.Options{Blobs: blobs, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{e: e, b: builder.New(e), ctx: ctx}
	f.admin, f.member = f.newWorkspace(t, "示例公司")
	return f
}

// newWorkspace creates a workspace with its own admin and member.
func (f *fixture) newWorkspace(t testing.TB, name string) (admin, member engine.Actor) {
	t.Helper()
	suffix := time.Now().Format("150405.000000000")
	au, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: "admin" + suffix + "@example.com", Name: "管理员"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := f.e.CreateWorkspace(f.ctx, au.ID, engine.WorkspaceInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	admin = engine.Actor{UserID: au.ID, Name: au.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceAPI}
	mu, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: "member" + suffix + "@example.com", Name: "张三"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.AddMember(f.ctx, admin, mu.ID, engine.RoleMember, nil); err != nil {
		t.Fatal(err)
	}
	member = engine.Actor{UserID: mu.ID, Name: mu.Name, Workspace: ws.ID, Role: engine.RoleMember, Source: engine.SourceUI}
	return admin, member
}

// publish creates an app and a form with def and publishes it.
func (f *fixture) publish(t testing.TB, a engine.Actor, def form.Definition) string {
	t.Helper()
	app, err := f.e.CreateApp(f.ctx, a, engine.AppInput{Name: uniqueAppName()})
	if err != nil {
		t.Fatal(err)
	}
	fm, err := f.e.CreateForm(f.ctx, a, app.ID, engine.FormInput{Name: "商机", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.b.Publish(f.ctx, a, fm.ID, fm.Version); err != nil {
		t.Fatalf("publish: %v", describe(err))
	}
	return fm.ID
}

// appCount numbers the apps tests create: app names are unique per workspace.
var appCount atomic.Int64

// uniqueAppName returns a fresh app name.
func uniqueAppName() string { return fmt.Sprintf("CRM %d", appCount.Add(1)) }

// republish saves def as the draft of formID and publishes it.
func (f *fixture) republish(t testing.TB, a engine.Actor, formID string, def form.Definition) error {
	t.Helper()
	fm, err := f.e.Form(f.ctx, a, formID)
	if err != nil {
		t.Fatal(err)
	}
	fm, err = f.e.SaveDraft(f.ctx, a, formID, engine.FormInput{Name: fm.Name, Definition: def}, fm.Version)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.b.Publish(f.ctx, a, formID, fm.Version)
	return err
}

// fieldErrors returns the per-field errors of err as path -> code.
func fieldErrors(t testing.TB, err error) map[string]string {
	t.Helper()
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	out := map[string]string{}
	for _, fe := range ve.Fields {
		out[fe.Path] = fe.Code
	}
	return out
}

func describe(err error) any {
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return err
}

func ptr[T any](v T) *T { return &v }

var _ = field.Error{}

// eachBackend runs fn on SQLite and on the Mongo adapter against the
// in-process FerretDB.
func eachBackend(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newFixture(t)) })
	t.Run("mongo", func(t *testing.T) { fn(t, newMongoFixture(t)) })
}
