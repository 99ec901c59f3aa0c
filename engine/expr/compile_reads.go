package expr

import (
	"sort"

	"github.com/expr-lang/expr/ast"
)

// readsVisitor collects the fields a checked tree reads and counts its
// nodes.
type readsVisitor struct {
	env   Env
	reads map[string]bool
	nodes int
}

// Visit implements ast.Visitor.
func (r *readsVisitor) Visit(node *ast.Node) {
	r.nodes++
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if _, ok := r.env.Vars[n.Value]; ok {
			return
		}
		if _, ok := r.env.Fields[n.Value]; ok {
			r.reads[n.Value] = true
		}
	case *ast.MemberNode:
		// new.key reads the field being written; old.key the stored value,
		// which no formula of this write changes.
		if base, ok := n.Node.(*ast.IdentifierNode); ok && base.Value == nameNew {
			if p, ok := n.Property.(*ast.StringNode); ok {
				if _, ok := r.env.Fields[p.Value]; ok {
					r.reads[p.Value] = true
				}
			}
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == nameChanged && len(n.Arguments) == 1 {
			if s, ok := n.Arguments[0].(*ast.StringNode); ok {
				if _, ok := r.env.Fields[s.Value]; ok {
					r.reads[s.Value] = true
				}
			}
		}
	}
}

// readNames returns the field keys a checked tree reads (sorted) and its
// node count. A member of a field (address.city, items[0].qty) reads the
// field, not a field named like the member.
func readNames(root ast.Node, env Env) ([]string, int) {
	r := &readsVisitor{env: env, reads: map[string]bool{}}
	ast.Walk(&root, r)
	out := make([]string, 0, len(r.reads))
	for k := range r.reads {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, r.nodes
}
