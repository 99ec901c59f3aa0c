package engine_test

import (
	"testing"

	"github.com/formloom/formloom/engine"
)

func TestRecordVisibleTo(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		p := newPermFixture(t, f)
		mine, err := f.e.CreateRecord(f.ctx, p.rep, p.form, map[string]any{"company": "甲"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		_, outsider := f.addMember(t, "路人") // no role: no permission set grants them the form
		other := p.rep
		other.Workspace = "otherworkspace"
		viewers := []engine.Actor{p.rep, p.rep2, f.admin, outsider, other}
		want := []bool{true, false, true, false, false}
		check := func(what, id string, want []bool) {
			t.Helper()
			got, err := f.e.RecordVisibleTo(f.ctx, f.admin.Workspace, p.form, id, viewers)
			if err != nil {
				t.Fatal(describe(err))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s: viewer %d (%s) sees it = %v, want %v", what, i, viewers[i].Name, got[i], want[i])
				}
			}
		}
		check("live record", mine.ID, want)
		// In the recycle bin it is still the owner's (they may restore it).
		if err := f.e.DeleteRecord(f.ctx, p.rep, p.form, mine.ID, mine.Version); err != nil {
			t.Fatal(describe(err))
		}
		check("deleted record", mine.ID, want)
		none := make([]bool, len(viewers))
		check("unknown record", "01m8m0arcm6v4fbdh22fzq60b0", none)
		check("bad id", "../x", none)
		if got, err := f.e.RecordVisibleTo(f.ctx, f.admin.Workspace, "nosuchform", mine.ID, viewers); err != nil || got[2] {
			t.Fatalf("unknown form: %v %v", got, err)
		}
		if got, err := f.e.RecordVisibleTo(f.ctx, "otherworkspace", p.form, mine.ID, viewers); err != nil || got[0] || got[2] {
			t.Fatalf("form of another workspace: %v %v", got, err)
		}
	})
}
