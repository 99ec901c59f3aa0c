package field

import "testing"

func TestDepartmentRegistered(t *testing.T) {
	typ, ok := Get("department")
	if !ok || typ.Name() != "department" || !typ.Input() {
		t.Fatalf("department: %v %v", typ, ok)
	}
}
