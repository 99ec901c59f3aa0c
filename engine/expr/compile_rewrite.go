package expr

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker/nature"
	"github.com/expr-lang/expr/file"
)

// diagList collects positioned diagnostics during a tree walk.
type diagList struct {
	source file.Source
	diags  []Diagnostic
}

// fail records a diagnostic at node with a message key and its parameters.
func (d *diagList) fail(node ast.Node, code, key string, params map[string]any) {
	e := &file.Error{Location: node.Location(), Message: key}
	e.Bind(d.source)
	d.diags = append(d.diags, newDiagnostic(max(e.Line, 1), e.Column+1, code, key, params))
}

// prepass runs before type checking. It rewrites the spreadsheet logic
// functions into expr-lang operators, so IF short-circuits and its
// condition is checked as a boolean, and refuses names and constructs the
// language does not allow.
type prepass struct {
	diagList
	env Env
}

func newPrepass(env Env, source file.Source) *prepass {
	return &prepass{diagList: diagList{source: source}, env: env}
}

// Visit implements ast.Visitor.
func (p *prepass) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if n.Value == "$env" {
			p.fail(n, CodeUnknownName, KeyUnknownName, map[string]any{"name": "$env"})
		}
	case *ast.VariableDeclaratorNode:
		_, isVar := p.env.Vars[n.Name]
		if _, ok := p.env.Fields[n.Name]; ok || isVar || IsReserved(n.Name) {
			p.fail(n, CodeReservedName, KeyHidesName, map[string]any{"name": n.Name})
		}
	case *ast.BinaryNode:
		if n.Operator == "matches" {
			if _, ok := n.Right.(*ast.StringNode); !ok {
				p.fail(n.Right, CodeUnsupported, KeyDynamicPattern, nil)
			}
		}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return
		}
		args := n.Arguments
		switch id.Value {
		case "IF":
			if len(args) != 2 && len(args) != 3 {
				p.fail(n, CodeTypeMismatch, KeyIFArity, map[string]any{"count": len(args)})
				return
			}
			var otherwise ast.Node = &ast.NilNode{}
			if len(args) == 3 {
				otherwise = args[2]
			}
			ast.Patch(node, &ast.ConditionalNode{Ternary: true, Cond: args[0], Exp1: args[1], Exp2: otherwise})
		case "AND", "OR":
			if len(args) == 0 {
				p.fail(n, CodeTypeMismatch, KeyNeedsArgs, map[string]any{"name": id.Value})
				return
			}
			op, unit := "&&", true
			if id.Value == "OR" {
				op, unit = "||", false
			}
			var acc ast.Node = args[0]
			rest := args[1:]
			if len(rest) == 0 {
				b := &ast.BoolNode{Value: unit}
				b.SetLocation(n.Location())
				rest = []ast.Node{b}
			}
			for _, a := range rest {
				b := &ast.BinaryNode{Operator: op, Left: acc, Right: a}
				b.SetLocation(a.Location())
				acc = b
			}
			ast.Patch(node, acc)
		case "NOT":
			if len(args) != 1 {
				p.fail(n, CodeTypeMismatch, KeyNOTArity, map[string]any{"count": len(args)})
				return
			}
			ast.Patch(node, &ast.UnaryNode{Operator: "!", Node: args[0]})
		default:
			_, lib := library[id.Value]
			_, isField := p.env.Fields[id.Value]
			if !lib && !allowedBuiltins[id.Value] && !isField && !isHidden(id.Value) {
				p.fail(id, CodeUnknownName, KeyUnknownFunction, map[string]any{"name": id.Value})
			}
		}
	}
}

// postcheck runs after type checking. It validates changed() keys and
// inserts the hidden run state into library calls and the work budget
// around list walks, list comparisons and text concatenation.
type postcheck struct {
	diagList
	env     Env
	withCtx bool
}

func newPostcheck(env Env, source file.Source) *postcheck {
	return &postcheck{diagList: diagList{source: source}, env: env}
}

// ctxNode returns a reference to the hidden run-state variable.
func ctxNode(at ast.Node) ast.Node {
	n := &ast.IdentifierNode{Value: ctxName}
	n.SetLocation(at.Location())
	return n
}

// costNode wraps x so its size is charged to the work budget when it is
// evaluated. x keeps its type for the builtins that inspect it.
func costNode(x ast.Node) ast.Node {
	switch x.(type) {
	case *ast.ArrayNode, *ast.MapNode, *ast.StringNode, *ast.ConstantNode, *ast.NilNode:
		return x // literals are bounded by the node limit
	}
	call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fnCost}, Arguments: []ast.Node{ctxNode(x), x}}
	call.SetLocation(x.Location())
	call.SetNature(*x.Nature())
	return call
}

func kindOf(n ast.Node) reflect.Kind { return n.Type().Kind() }

func isNumeric(n ast.Node) bool {
	switch kindOf(n) {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func isAggregate(n ast.Node) bool {
	switch kindOf(n) {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Interface:
		return true
	}
	return false
}

// Visit implements ast.Visitor.
func (p *postcheck) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		switch n.Value {
		case nameNew, nameOld, nameUser, nameNow:
			p.withCtx = true
		}
		if _, ok := p.env.Vars[n.Value]; ok {
			p.withCtx = true
		}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok || isHidden(id.Value) {
			return
		}
		if _, ok := library[id.Value]; !ok {
			return
		}
		if id.Value == nameChanged {
			key, ok := n.Arguments[0].(*ast.StringNode)
			if !ok {
				p.fail(n.Arguments[0], CodeTypeMismatch, KeyChangedKey, nil)
				return
			}
			if _, ok := p.env.Fields[key.Value]; !ok {
				p.fail(key, CodeUnknownName, KeyUnknownField, map[string]any{"name": key.Value})
				return
			}
		}
		n.Arguments = append([]ast.Node{ctxNode(n)}, n.Arguments...)
		n.Callee.SetNature(nature.Nature{})
		p.withCtx = true
	case *ast.BuiltinNode:
		if costedBuiltins[n.Name] && len(n.Arguments) > 0 {
			n.Arguments[0] = costNode(n.Arguments[0])
			p.withCtx = true
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "+":
			if isNumeric(n.Left) && isNumeric(n.Right) {
				return
			}
			call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fnAdd}, Arguments: []ast.Node{ctxNode(n), n.Left, n.Right}}
			call.SetNature(*n.Nature())
			ast.Patch(node, call)
			p.withCtx = true
		case "in":
			if r, ok := n.Right.(*ast.BinaryNode); (ok && r.Operator == "..") || kindOf(n.Right) == reflect.Map {
				return
			}
			if isAggregate(n.Right) {
				n.Right = costNode(n.Right)
				p.withCtx = true
			}
		case "==", "!=":
			if kindOf(n.Left) == reflect.String && kindOf(n.Right) == reflect.String {
				// A text field may be empty (nil); the string-only opcode
				// would fail on it, so compare generically: stage != "won"
				// is true for an empty stage.
				n.Left.SetNature(nature.Nature{})
			}
			if isAggregate(n.Left) || isAggregate(n.Right) {
				n.Left, n.Right = costNode(n.Left), costNode(n.Right)
				p.withCtx = true
			}
		}
	}
}

// fieldRewriter turns bare field names into new.<key> for programs that run
// against the full environment map rather than the record itself.
type fieldRewriter struct {
	env Env
}

// Visit implements ast.Visitor.
func (r *fieldRewriter) Visit(node *ast.Node) {
	id, ok := (*node).(*ast.IdentifierNode)
	if !ok {
		return
	}
	if _, ok := r.env.Fields[id.Value]; !ok {
		return
	}
	if _, ok := r.env.Vars[id.Value]; ok {
		return
	}
	base := &ast.IdentifierNode{Value: nameNew}
	base.SetLocation(id.Location())
	prop := &ast.StringNode{Value: id.Value}
	prop.SetLocation(id.Location())
	prop.SetType(textType)
	m := &ast.MemberNode{Node: base, Property: prop}
	m.SetNature(*id.Nature())
	ast.Patch(node, m)
}
