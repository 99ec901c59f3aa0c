package engine_test

import (
	"slices"
	"testing"

	"github.com/formloom/formloom/engine"
)

func TestOrgChartHeadsOf(t *testing.T) {
	o := engine.OrgChart{
		Departments: []engine.Department{
			{ID: "top", Heads: []string{"ceo"}},
			{ID: "sales", Parent: "top", Heads: []string{"vp"}},
			{ID: "east", Parent: "sales"},
			{ID: "loop1", Parent: "loop2"}, {ID: "loop2", Parent: "loop1"},
		},
		Members: map[string][]string{"east": {"zhang", "li"}, "sales": {"zhang"}},
	}
	scenarios := []struct {
		dept  string
		level int
		want  []string
	}{
		{"east", 1, nil},
		{"east", 2, []string{"vp"}},
		{"east", 3, []string{"ceo"}},
		{"east", 4, nil},
		{"sales", 1, []string{"vp"}},
		{"nowhere", 1, nil},
		{"east", 0, nil},
		{"loop1", 9, nil},
	}
	for _, s := range scenarios {
		if got := o.HeadsOf(s.dept, s.level); !slices.Equal(got, s.want) {
			t.Errorf("HeadsOf(%s, %d) = %v, want %v", s.dept, s.level, got, s.want)
		}
	}
	if got := o.DepartmentsOf("zhang"); !slices.Equal(got, []string{"east", "sales"}) {
		t.Errorf("DepartmentsOf(zhang) = %v", got)
	}
}

func TestSetDepartmentHeads(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		d, err := f.e.CreateDepartment(f.ctx, f.admin, "销售部", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.SetDepartmentHeads(f.ctx, f.member, d.ID, []string{f.member.UserID}, d.Version); err == nil {
			t.Fatal("a member set department heads")
		}
		if _, err := f.e.SetDepartmentHeads(f.ctx, f.admin, d.ID, []string{"nobody"}, d.Version); fieldErrors(t, err)["heads"] != engine.CodeNotFound {
			t.Fatalf("unknown head: %v", err)
		}
		d2, err := f.e.SetDepartmentHeads(f.ctx, f.admin, d.ID, []string{f.member.UserID, f.member.UserID}, d.Version)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d2.Heads, []string{f.member.UserID}) {
			t.Fatalf("heads = %v", d2.Heads)
		}
		// A rename keeps the heads.
		d3, err := f.e.UpdateDepartment(f.ctx, f.admin, d.ID, "销售一部", "", d2.Version)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d3.Heads, []string{f.member.UserID}) {
			t.Fatalf("heads after rename = %v", d3.Heads)
		}
		if _, err := f.e.SetDepartmentHeads(f.ctx, f.admin, d.ID, nil, d2.Version); err == nil {
			t.Fatal("a stale version was accepted")
		}
		o, err := f.e.OrgChart(f.ctx, f.admin.Workspace)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.HeadsOf(d.ID, 1); !slices.Equal(got, []string{f.member.UserID}) {
			t.Fatalf("OrgChart heads = %v", got)
		}
	})
}
