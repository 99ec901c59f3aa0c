package engine

import (
	"context"
	"testing"

	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

func TestVersionCacheIsBounded(t *testing.T) {
	c := newVersionCache(2)
	for i, k := range []string{"a", "b", "c"} {
		c.Store(k, &Version{Number: i + 1})
	}
	if c.Len() != 2 {
		t.Fatalf("len = %d, want 2", c.Len())
	}
	if _, ok := c.Load("a"); ok {
		t.Fatal("the least recently used version is still cached")
	}
	if v, ok := c.Load("c"); !ok || v.Number != 3 {
		t.Fatalf("c = %v, %v", v, ok)
	}
	if newVersionCache(0).c == nil {
		t.Fatal("default size cache not built")
	}
}

// TestEvictedVersionsCompileAgain: an engine whose cache holds one version
// still serves every form; a version dropped from the cache is read and
// compiled again.
func TestEvictedVersionsCompileAgain(t *testing.T) {
	ctx := context.Background()
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := New(ctx, st, Options{VersionCacheSize: 1, Authorizer: allowAll{}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.CreateUser(ctx, UserInput{Email: "cache@example.com", Name: "缓存"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := e.CreateWorkspace(ctx, u.ID, WorkspaceInput{Name: "缓存"})
	if err != nil {
		t.Fatal(err)
	}
	a := Actor{UserID: u.ID, Workspace: ws.ID, Role: RoleAdmin, Source: SourceAPI}
	app, err := e.CreateApp(ctx, a, AppInput{Name: "应用"})
	if err != nil {
		t.Fatal(err)
	}
	var forms []string
	for _, key := range []string{"alpha", "beta", "gamma"} {
		def := form.Definition{Fields: []form.Field{{Key: key, Type: "text", Label: key}}}
		fm, err := e.CreateForm(ctx, a, app.ID, FormInput{Name: key, Definition: def})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.PublishVersion(ctx, a, fm.ID, fm.Version, def, nil, nil); err != nil {
			t.Fatal(err)
		}
		forms = append(forms, fm.ID)
	}
	for round := 0; round < 2; round++ {
		for i, id := range forms {
			v, err := e.CurrentVersion(ctx, a, id)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := v.Field([]string{"alpha", "beta", "gamma"}[i]); !ok || v.Number != 1 {
				t.Fatalf("form %d: wrong version %d", i, v.Number)
			}
			if e.versions.Len() > 1 {
				t.Fatalf("cache holds %d versions, bound is 1", e.versions.Len())
			}
		}
	}
}

// allowAll lets this internal test act without engine/access (which this
// package cannot import); what it tests is the cache, not authorization.
type allowAll struct{}

func (allowAll) Decide(context.Context, Facts, Actor, Action, Resource) (Decision, error) {
	return Decision{Allowed: true}, nil
}
