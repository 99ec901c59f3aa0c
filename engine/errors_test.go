package engine_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/i18n"
)

// TestEveryCodeHasTexts reads the Code constants of errors.go and checks
// each of the engine's own codes has a zh-CN and an en text.
func TestEveryCodeHasTexts(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			if !strings.HasPrefix(name.Name, "Code") || i >= len(vs.Values) {
				continue
			}
			lit, ok := vs.Values[i].(*ast.BasicLit)
			if !ok {
				continue // a field code, tested by the field package
			}
			code, _ := strconv.Unquote(lit.Value)
			n++
			if !i18n.Has(i18n.ZhCN, code) || !i18n.Has(i18n.En, code) {
				t.Errorf("%s = %q has no text in both languages", name.Name, code)
			}
		}
		return true
	})
	if n < 40 {
		t.Fatalf("found only %d codes in errors.go", n)
	}
}
