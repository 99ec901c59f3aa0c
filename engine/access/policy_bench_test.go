package access_test

import (
	"testing"

	"github.com/formloom/formloom/engine"
)

// BenchmarkDecideCached is the hot path: a member with two roles and two
// departments asks again for a decision compiled before (rows with a
// placeholder, a field mask), on SQLite.
func BenchmarkDecideCached(b *testing.B) {
	ev := newSQLiteEnv(b)
	formID := ev.publish(ev.app(), dealForm)
	d1, d2 := ev.department("一部", ""), ev.department("二部", "")
	r1, r2 := ev.role("销售"), ev.role("经理")
	m := ev.setAccess(ev.member("张三", d1.ID, d2.ID), []string{r1, r2}, nil)
	s := ownedByDepartmentsAndBelow(toRole(r2))
	s.Fields = map[string]engine.FieldAccess{"amount": engine.FieldHidden, "note": engine.FieldView}
	own := preset(b, engine.PresetManageOwn, toDepartment(d1.ID))
	own.Fields = map[string]engine.FieldAccess{"amount": engine.FieldHidden}
	ev.configure(formID, s, own)
	r := engine.Resource{Workspace: ev.ws, Form: formID}
	if d := ev.decide(m, engine.ActRecordView, r); !d.Allowed || d.Rows == nil || d.Mask == nil {
		b.Fatalf("decision %+v", d)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d, err := ev.p.Decide(ev.ctx, ev.e, m, engine.ActRecordView, r)
		if err != nil || !d.Allowed {
			b.Fatal(d, err)
		}
	}
}
