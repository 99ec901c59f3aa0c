package sqlitestore

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/formloom/formloom/engine/store"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isNoTable reports whether err says a table is missing (a collection that
// was never written or was dropped concurrently).
func isNoTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table")
}

var (
	uniqueIndexRe  = regexp.MustCompile(`index '([^']+)'`)
	uniqueColumnRe = regexp.MustCompile(`UNIQUE constraint failed: "?c_[a-z0-9_]+"?\.id\b`)
)

// writeErr turns a unique violation on coll into a *store.DuplicateError
// naming the declared index and its fields.
func (tx *wtx) writeErr(coll string, err error) error {
	if !isUnique(err) {
		return err
	}
	msg := err.Error()
	if uniqueColumnRe.MatchString(msg) {
		return &store.DuplicateError{Collection: coll, Index: store.FieldID, Fields: []string{store.FieldID}}
	}
	if m := uniqueIndexRe.FindStringSubmatch(msg); m != nil {
		if ix, ok := tx.w.s.reg.indexByName(coll, m[1]); ok {
			return &store.DuplicateError{Collection: coll, Index: ix.Name, Fields: indexFieldNames(ix)}
		}
	}
	return &store.DuplicateError{Collection: coll, Index: "", Fields: nil}
}

func indexFieldNames(ix store.Index) []string {
	out := make([]string, len(ix.Fields))
	for i, f := range ix.Fields {
		out[i] = f.Field
	}
	return out
}

// readErr maps a read failure: a cancelled context stays itself.
func (s *Store) readErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if s.closed.Load() {
		return store.ErrClosed
	}
	return fmt.Errorf("sqlitestore: %w", err)
}
