package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestUsersAndDepartmentsNormalize(t *testing.T) {
	many := make([]any, maxIDs+1)
	for i := range many {
		many[i] = "u" + string(rune('a'+i%26)) + string(rune('a'+i/26%26))
	}
	for _, name := range []string{"users", "departments"} {
		t.Run(name, func(t *testing.T) {
			runNormalize(t, name, []normCase{
				{name: "ids in order", raw: []any{"u2", "u1"}, want: []any{"u2", "u1"}},
				{name: "go strings", raw: []string{"u1"}, want: []any{"u1"}},
				{name: "empty", raw: []any{}, want: nil},
				{name: "duplicate", raw: []any{"u1", "u1"}, code: CodeDuplicate, path: "f[1]"},
				{name: "bad id", raw: []any{"u1", ""}, code: CodeID, path: "f[1]"},
				{name: "not a string", raw: []any{1.0}, code: CodeType, path: "f[0]"},
				{name: "single string refused", raw: "u1", code: CodeType},
				{name: "too many", raw: many, code: CodeTooMany},
			})
			roundTrip(t, name, form.Field{}, []any{"u1", "u2"})
			roundTrip(t, name, form.Field{}, []any{"a,b", "c;d"})
			if got := format(name, form.Field{}, []any{"u1", "u2"}, "zh-CN"); got != "u1、u2" {
				t.Errorf("Format = %q", got)
			}
		})
	}
}
