package engine

import "github.com/formloom/formloom/engine/field"

// ExprErrors turns an expression compile error into field errors at path,
// with the same codes and parameters a form design's expressions get, so
// a capability's designer shows them the same way.
func ExprErrors(path string, err error) []field.Error { return exprErrors(path, err) }
