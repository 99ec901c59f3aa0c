package engine_test

import (
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// WriteOptions.At backdates only trusted internal writes (an import by a
// workspace admin); any other write happens now.
func TestWriteOptionsAtBackdatesOnlyAdminImports(t *testing.T) {
	f := newFixture(t)
	formID := f.publish(t, f.admin, form.Definition{Fields: []form.Field{{Key: "name", Type: "text", Label: "名称"}}})
	at := time.Now().Add(-72 * time.Hour).UTC().Truncate(time.Second)
	imp := f.admin
	imp.Source = engine.SourceImport
	scenarios := []struct {
		name   string
		a      engine.Actor
		backed bool
	}{
		{"admin import", imp, true},
		{"admin api", f.admin, false},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			r, err := f.e.CreateRecord(f.ctx, s.a, formID, map[string]any{"name": s.name}, engine.WriteOptions{At: at})
			if err != nil {
				t.Fatal(describe(err))
			}
			if got := r.CreatedAt.Equal(at); got != s.backed {
				t.Fatalf("created at %v (backdated %v, want %v)", r.CreatedAt, got, s.backed)
			}
			later := at.Add(time.Hour)
			u, err := f.e.UpdateRecord(f.ctx, s.a, formID, r.ID, map[string]any{"name": s.name + " 2"}, r.Version, engine.WriteOptions{At: later})
			if err != nil {
				t.Fatal(describe(err))
			}
			if got := u.UpdatedAt.Equal(later); got != s.backed {
				t.Fatalf("updated at %v (backdated %v, want %v)", u.UpdatedAt, got, s.backed)
			}
			h, err := f.e.History(f.ctx, f.admin, formID, r.ID)
			if err != nil {
				t.Fatal(describe(err))
			}
			stamps := map[string]bool{}
			for _, e := range h {
				stamps[e.At] = true
			}
			if s.backed && (!stamps[at.Format("2006-01-02T15:04:05.000000Z")] || !stamps[later.Format("2006-01-02T15:04:05.000000Z")]) {
				t.Fatalf("history times: %v", stamps)
			}
		})
	}
}
