package expr

import (
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
)

// optionCheck refuses comparisons of a select or multiselect field with a
// text literal that is not one of its option values. Values are stored, not
// labels, so `stage == "赢单"` would compile and never be true; the
// diagnostic names the option whose label was written and the expression to
// write instead. It covers ==, !=, in (a list literal or a multiselect on
// the right), CONTAINS(field, "v") and the text operators' list forms; the
// field may be written bare, as new.key or as old.key.
type optionCheck struct {
	diagList
	env Env
}

func newOptionCheck(env Env, source file.Source) *optionCheck {
	return &optionCheck{diagList: diagList{source: source}, env: env}
}

// optionField returns the key of the select field n reads, if it is one.
func (c *optionCheck) optionField(n ast.Node) (string, bool) {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		if _, isVar := c.env.Vars[x.Value]; isVar {
			return "", false
		}
		if _, ok := c.env.Options[x.Value]; ok {
			return x.Value, true
		}
	case *ast.MemberNode:
		base, ok := x.Node.(*ast.IdentifierNode)
		if !ok || (base.Value != nameNew && base.Value != nameOld) {
			return "", false
		}
		if p, ok := x.Property.(*ast.StringNode); ok {
			if _, ok := c.env.Options[p.Value]; ok {
				return p.Value, true
			}
		}
	}
	return "", false
}

// Visit implements ast.Visitor.
func (c *optionCheck) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		switch n.Operator {
		case "==", "!=":
			if key, ok := c.optionField(n.Left); ok {
				c.literal(key, n.Right, n.Left, n.Operator)
			} else if key, ok := c.optionField(n.Right); ok {
				c.literal(key, n.Left, n.Right, n.Operator)
			}
		case "in", "not in":
			if key, ok := c.optionField(n.Left); ok {
				if arr, ok := n.Right.(*ast.ArrayNode); ok {
					for _, e := range arr.Nodes {
						c.literal(key, e, n.Left, "==")
					}
				}
			}
			if key, ok := c.optionField(n.Right); ok {
				c.literal(key, n.Left, n.Right, n.Operator)
			}
		}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok || id.Value != "CONTAINS" || len(n.Arguments) != 2 {
			return
		}
		if key, ok := c.optionField(n.Arguments[0]); ok && c.env.Fields[key].Kind == KindList {
			c.literal(key, n.Arguments[1], n.Arguments[0], "CONTAINS")
		}
	}
}

// literal checks that lit, when a text literal, is an option value of key.
// ref is the field reference, used to write the suggestion.
func (c *optionCheck) literal(key string, lit, ref ast.Node, op string) {
	s, ok := lit.(*ast.StringNode)
	if !ok {
		return
	}
	opts := c.env.Options[key]
	values := make([]string, 0, len(opts))
	for _, o := range opts {
		if o.Value == s.Value {
			return
		}
		values = append(values, strconv.Quote(o.Value))
	}
	for _, o := range opts {
		if strings.TrimSpace(o.Label) != strings.TrimSpace(s.Value) {
			continue
		}
		c.fail(s, CodeTypeMismatch, KeyOptionLabel, map[string]any{
			"value": s.Value, "field": key, "option": o.Value,
			"suggestion": suggestion(ref, op, o.Value),
		})
		return
	}
	c.fail(s, CodeTypeMismatch, KeyNotOption, map[string]any{"value": s.Value, "field": key, "options": values})
}

// suggestion writes the comparison the user meant, with the option value.
func suggestion(ref ast.Node, op, value string) string {
	v := strconv.Quote(value)
	r := ref.String()
	switch op {
	case "CONTAINS":
		return "CONTAINS(" + r + ", " + v + ")"
	case "in", "not in":
		return v + " " + op + " " + r
	}
	return r + " " + op + " " + v
}
