package expr

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/types"
)

// Compile parses src and type-checks it against env. want is the required
// result type: Any accepts every result, Bool is for conditions, otherwise
// the result must be assignable to want. A failure is an *Error.
func Compile(src string, env Env, want Type) (*Program, error) {
	p, _, diags := compile(src, env, want)
	if len(diags) > 0 {
		return nil, &Error{Diagnostics: diags}
	}
	return p, nil
}

// Check is the designer's live check: it compiles src against env and
// returns the inferred result type and the diagnostics, if any.
func Check(src string, env Env) (Type, []Diagnostic) {
	_, t, diags := compile(src, env, Any)
	return t, diags
}

// compile runs the pipeline: parse, rewrite spreadsheet logic functions,
// type-check, validate, insert budgets and run state, optimize, compile.
func compile(src string, env Env, want Type) (*Program, Type, []Diagnostic) {
	if len(src) > MaxSourceBytes {
		return nil, Any, []Diagnostic{newDiagnostic(1, 1, CodeTooLong, KeyTooLong,
			map[string]any{"size": len(src), "max": MaxSourceBytes})}
	}
	if !utf8.ValidString(src) {
		return nil, Any, []Diagnostic{newDiagnostic(1, 1, CodeSyntax, KeyBadUTF8, nil)}
	}
	for key := range env.Fields {
		if IsReserved(key) || isHidden(key) {
			return nil, Any, []Diagnostic{newDiagnostic(1, 1, CodeReservedName, KeyReservedField, map[string]any{"name": key})}
		}
	}
	for name := range env.Vars {
		if IsReserved(name) || isHidden(name) || !identRE.MatchString(name) {
			return nil, Any, []Diagnostic{newDiagnostic(1, 1, CodeReservedName, KeyReservedField, map[string]any{"name": name})}
		}
	}
	config := newConfig(env)
	source := file.NewSource(src)

	tree, err := parser.ParseWithConfig(src, config)
	if err != nil {
		code := CodeSyntax
		if strings.Contains(err.Error(), "maximum allowed nodes") {
			code = CodeTooComplex
		}
		return nil, Any, []Diagnostic{diagnostic(err, code)}
	}

	pre := newPrepass(env, source)
	ast.Walk(&tree.Node, pre)
	if len(pre.diags) > 0 {
		return nil, Any, pre.diags
	}

	if _, err := new(checker.Checker).Check(tree, config); err != nil {
		code := CodeTypeMismatch
		msg := err.Error()
		if strings.Contains(msg, "unknown name") || strings.Contains(msg, "unknown func") ||
			strings.Contains(msg, "has no field") || strings.Contains(msg, "unknown field") || strings.Contains(msg, "not found") {
			code = CodeUnknownName
		}
		return nil, Any, []Diagnostic{diagnostic(err, code)}
	}
	got := resultType(tree.Node, env)
	reads, nodes := readNames(tree.Node, env)

	if len(env.Options) > 0 {
		opts := newOptionCheck(env, source)
		ast.Walk(&tree.Node, opts)
		if len(opts.diags) > 0 {
			return nil, got, opts.diags
		}
	}

	post := newPostcheck(env, source)
	ast.Walk(&tree.Node, post)
	if len(post.diags) > 0 {
		return nil, got, post.diags
	}
	if !assignable(want, got) {
		d := diagList{source: source}
		d.fail(tree.Node, CodeTypeMismatch, KeyResultType, map[string]any{"got": typeParam(got), "want": typeParam(want)})
		return nil, got, d.diags
	}

	withCtx := post.withCtx
	if withCtx {
		ast.Walk(&tree.Node, &fieldRewriter{env: env})
	}
	if err := optimizer.Optimize(&tree.Node, config); err != nil {
		return nil, got, []Diagnostic{diagnostic(err, CodeTypeMismatch)}
	}
	prog, err := compiler.Compile(tree, config)
	if err != nil {
		return nil, got, []Diagnostic{diagnostic(err, CodeSyntax)}
	}
	return newProgram(src, got, prog, withCtx, reads, nodes), got, nil
}

// newConfig builds the expr-lang configuration for env: the typed variables,
// the library and the allowed builtins. The library table itself is built
// once at init; this only copies pointers.
func newConfig(env Env) *conf.Config {
	c := conf.CreateNew()
	c.MaxNodes = MaxNodes
	record := make(types.Map, len(env.Fields))
	vars := make(types.Map, len(env.Fields)+4)
	for k, t := range env.Fields {
		record[k] = t.exprType()
		vars[k] = record[k]
	}
	vars[nameNew] = record
	vars[nameOld] = record
	vars[nameUser] = userType.exprType()
	vars[nameNow] = DateTime.exprType()
	for k, t := range env.Vars {
		vars[k] = t.exprType()
	}
	c.WithEnv(vars)
	for name := range c.Builtins {
		if !allowedBuiltins[name] {
			c.Disabled[name] = true
			delete(c.Builtins, name)
		}
	}
	for name, fn := range library {
		c.Functions[name] = fn
	}
	return c
}

// diagnostic converts an expr-lang error into a Diagnostic with one of our
// message keys (translate), keeping its line and column.
func diagnostic(err error, code string) Diagnostic {
	var fe *file.Error
	if errors.As(err, &fe) {
		key, params := translate(fe.Message, code)
		return newDiagnostic(max(fe.Line, 1), fe.Column+1, code, key, params)
	}
	key, params := translate(err.Error(), code)
	return newDiagnostic(1, 1, code, key, params)
}

// identRE is what a variable name must look like.
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// goTypeNames matches the Go type names expr-lang puts in its messages.
var goTypeNames = regexp.MustCompile(`map\[string\]interface \{\}|\[\]interface \{\}|interface \{\}|\btime\.Time\b|\bfloat64\b|\bint\b|\bstring\b|\bbool\b`)

// friendlyTypes rewrites Go type names into the names the editor shows.
func friendlyTypes(msg string) string {
	msg = goTypeNames.ReplaceAllStringFunc(msg, func(m string) string {
		switch m {
		case "map[string]interface {}":
			return "object"
		case "[]interface {}":
			return "list"
		case "interface {}":
			return "any"
		case "time.Time":
			return "date"
		case "float64", "int":
			return "number"
		case "string":
			return "text"
		}
		return "boolean"
	})
	return msg
}

// resultType infers the Type of the checked tree, telling dates from
// datetimes where the checker cannot (both are time.Time).
func resultType(node ast.Node, env Env) Type {
	t := typeOfNature(node.Nature())
	if c, ok := node.(*ast.ConditionalNode); ok && t.Kind == KindAny {
		a, b := resultType(c.Exp1, env), resultType(c.Exp2, env)
		if _, isNil := c.Exp2.(*ast.NilNode); isNil || a.String() == b.String() {
			return a
		}
		return t
	}
	if t.Kind != KindDateTime {
		return t
	}
	switch n := node.(type) {
	case *ast.IdentifierNode:
		if v, ok := env.Vars[n.Value]; ok {
			return v
		}
		if f, ok := env.Fields[n.Value]; ok {
			return f
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && dateFuncs[id.Value] {
			return Date
		}
	}
	return t
}
