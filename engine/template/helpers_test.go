package template_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/engine/template"
	"github.com/formloom/formloom/internal/ferrettest"
)

// clock is the injectable clock of the tests.
type clock struct{ t atomic.Pointer[time.Time] }

func (c *clock) now() time.Time  { return *c.t.Load() }
func (c *clock) set(t time.Time) { c.t.Store(&t) }

// fixture is an engine on a fresh SQLite store with one workspace and its
// admin, and the template service over testdata.
type fixture struct {
	e     *engine.Engine
	svc   *template.Service
	admin engine.Actor
	ctx   context.Context
	clock *clock
}

var wsCount atomic.Int64

func newFixture(t testing.TB) *fixture {
	t.Helper()
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return fixtureOn(t, st)
}

// newMongoFixture is newFixture on the Mongo adapter against the
// in-process FerretDB.
func newMongoFixture(t testing.TB) *fixture {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := mongostore.Open(context.Background(), ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return fixtureOn(t, st)
}

func fixtureOn(t testing.TB, st store.Store) *fixture {
	t.Helper()
	c := &clock{}
	c.set(time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	e, err := engine.New(ctx, st, engine.Options{Authorizer: access.New(), Clock: c.now})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{e: e, ctx: ctx, clock: c, svc: template.New(e, os.DirFS("testdata"), template.Options{})}
	f.admin = f.newWorkspace(t, "示例团队")
	return f
}

// newWorkspace creates a workspace with its own admin.
func (f *fixture) newWorkspace(t testing.TB, name string) engine.Actor {
	t.Helper()
	n := wsCount.Add(1)
	u, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: fmt.Sprintf("admin%d@example.com", n), Name: "管理员"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := f.e.CreateWorkspace(f.ctx, u.ID, engine.WorkspaceInput{Name: fmt.Sprintf("%s %d", name, n)})
	if err != nil {
		t.Fatal(err)
	}
	return engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceAPI}
}

func (f *fixture) load(t testing.TB, key string) *template.Package {
	t.Helper()
	p, err := f.svc.Load(key)
	if err != nil {
		t.Fatalf("load %s: %v", key, describe(err))
	}
	return p
}

// describe renders an error with its field problems.
func describe(err error) string {
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		return fmt.Sprintf("%v %+v", err, ve.Fields)
	}
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// fieldCodes returns path -> code of a validation error (nil if err is not one).
func fieldCodes(err error) map[string]string {
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	out := map[string]string{}
	for _, fe := range ve.Fields {
		out[fe.Path] = fe.Code
	}
	return out
}

// formsByName returns the app's forms by name.
func (f *fixture) formsByName(t testing.TB, a engine.Actor, app string) map[string]engine.Form {
	t.Helper()
	forms, err := f.e.Forms(f.ctx, a, app)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]engine.Form{}
	for _, fm := range forms {
		out[fm.Name] = fm
	}
	return out
}

func (f *fixture) records(t testing.TB, a engine.Actor, formID string) []engine.Record {
	t.Helper()
	page, err := f.e.QueryRecords(f.ctx, a, formID, engine.RecordQuery{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}
