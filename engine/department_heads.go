package engine

import "slices"

// HeadsOf returns the heads of the department level steps up from dept:
// level 1 is dept itself, 2 its parent, and so on. It answers nil when the
// tree has no department at that level or the department has no head
// (callers apply their own fallback: an approval flow's, an escalation's).
func (o OrgChart) HeadsOf(dept string, level int) []string {
	if level < 1 {
		return nil
	}
	byID := make(map[string]*Department, len(o.Departments))
	for i := range o.Departments {
		byID[o.Departments[i].ID] = &o.Departments[i]
	}
	d := byID[dept]
	// A cycle cannot be stored (UpdateDepartment refuses one), but a walk
	// over data never trusts that: it stops after len(Departments) steps.
	for step := 1; d != nil && step <= len(o.Departments); step++ {
		if step == level {
			return slices.Clone(d.Heads)
		}
		d = byID[d.Parent]
	}
	return nil
}

// DepartmentsOf returns the ids of the departments user belongs to, sorted.
func (o OrgChart) DepartmentsOf(user string) []string {
	var out []string
	for dept, users := range o.Members {
		if slices.Contains(users, user) {
			out = append(out, dept)
		}
	}
	slices.Sort(out)
	return out
}
