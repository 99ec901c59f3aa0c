package field

import (
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestUserAndDepartmentNormalize(t *testing.T) {
	for _, name := range []string{"user", "department"} {
		t.Run(name, func(t *testing.T) {
			runNormalize(t, name, []normCase{
				{name: "id", raw: "u_123", want: "u_123"},
				{name: "empty", raw: "", want: nil},
				{name: "space refused", raw: "u 1", code: CodeID},
				{name: "too long", raw: strings.Repeat("a", 129), code: CodeID},
				{name: "non-ASCII refused", raw: "张三", code: CodeID},
				{name: "number refused", raw: 1.0, code: CodeType},
				{name: "list refused", raw: []any{"u1"}, code: CodeType},
			})
			roundTrip(t, name, form.Field{}, "u_123")
		})
	}
}
