package access_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCoreDoesNotImportAccess keeps the capability direction: engine/access
// imports the core, never the other way round.
func TestCoreDoesNotImportAccess(t *testing.T) {
	for _, pkg := range []string{"..", "../store", "../form", "../field", "../expr"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == "github.com/formloom/formloom/engine/access" {
				t.Errorf("%s imports engine/access", pkg)
			}
		}
	}
}

// TestNoInlineRoleChecks makes engine/access the one place of authorization
// decisions: outside it, no code of the engine, builder, server or auth
// calls a RequireAdmin/IsAdmin-style helper or compares a role field with a
// role constant to decide what someone may do. The allowed comparisons are
// listed with why.
func TestNoInlineRoleChecks(t *testing.T) {
	allowed := map[string]string{
		"engine.keepAnAdmin": "an invariant on the target membership (the last admin stays), not a decision about the actor",
	}
	dirs := []string{"..", "../../builder", "../../server", "../../auth", "../../cmd/formloom"}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				where := f.Name.Name + "." + fn.Name.Name
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					switch x := n.(type) {
					case *ast.SelectorExpr:
						if name := x.Sel.Name; name == "RequireAdmin" || name == "IsAdmin" || name == "RequireRole" {
							t.Errorf("%s: %s calls %s; ask engine.Authorize (engine/access decides)", fset.Position(x.Pos()), where, name)
						}
					case *ast.BinaryExpr:
						if x.Op != token.EQL && x.Op != token.NEQ {
							return true
						}
						if (isRoleField(x.X) && isRoleConst(x.Y)) || (isRoleField(x.Y) && isRoleConst(x.X)) {
							if _, ok := allowed[where]; !ok {
								t.Errorf("%s: %s compares a role inline; ask engine.Authorize (engine/access decides)", fset.Position(x.Pos()), where)
							}
						}
					}
					return true
				})
			}
		}
	}
}

// isRoleField is x.Role (an actor's or a member's role).
func isRoleField(e ast.Expr) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && s.Sel.Name == "Role"
}

// isRoleConst is RoleAdmin, RoleMember or engine.Role…, or a role literal.
func isRoleConst(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return strings.HasPrefix(x.Name, "Role")
	case *ast.SelectorExpr:
		return strings.HasPrefix(x.Sel.Name, "Role")
	case *ast.BasicLit:
		return x.Value == `"admin"` || x.Value == `"member"`
	}
	return false
}
