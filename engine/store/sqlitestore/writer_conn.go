package sqlitestore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	"modernc.org/sqlite"
)

// rawConn is the writer's connection used through the driver directly, not
// database/sql. Only the writer goroutine touches it, so its statement
// cache needs no lock, and a call skips database/sql's connection locking,
// context plumbing and argument conversion: about a third of the writer's
// CPU per unit of work when measured (docs/performance.md).
type rawConn struct {
	c      driver.Conn
	execer driver.ExecerContext
	stmts  map[string]driver.Stmt
	// args is reused between calls; the driver copies bound values.
	args []driver.NamedValue
	// vals receives one row.
	vals []driver.Value
}

func openRawConn(dsn string) (*rawConn, error) {
	c, err := (&sqlite.Driver{}).Open(dsn)
	if err != nil {
		return nil, err
	}
	ex, ok := c.(driver.ExecerContext)
	if !ok {
		c.Close()
		return nil, errors.New("sqlitestore: driver connection cannot execute scripts")
	}
	return &rawConn{c: c, execer: ex, stmts: map[string]driver.Stmt{}}, nil
}

// execScript runs SQL text of one or more statements without caching it
// (schema changes).
func (rc *rawConn) execScript(query string) error {
	_, err := rc.execer.ExecContext(context.Background(), query, nil)
	return err
}

// stmt returns the cached prepared statement for query, preparing it on
// first use; past maxCachedStmts the caller closes it after use.
func (rc *rawConn) stmt(query string) (driver.Stmt, bool, error) {
	if st, ok := rc.stmts[query]; ok {
		return st, false, nil
	}
	st, err := rc.c.Prepare(query)
	if err != nil {
		return nil, false, err
	}
	if len(rc.stmts) >= maxCachedStmts {
		return st, true, nil
	}
	rc.stmts[query] = st
	return st, false, nil
}

func (rc *rawConn) bind(args []any) ([]driver.NamedValue, error) {
	rc.args = rc.args[:0]
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: argument %d: %w", i+1, err)
		}
		rc.args = append(rc.args, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	return rc.args, nil
}

// exec runs one statement that returns no rows.
func (rc *rawConn) exec(query string, args ...any) (driver.Result, error) {
	st, owned, err := rc.stmt(query)
	if err != nil {
		return nil, err
	}
	if owned {
		defer st.Close()
	}
	nv, err := rc.bind(args)
	if err != nil {
		return nil, err
	}
	return st.(driver.StmtExecContext).ExecContext(context.Background(), nv)
}

// row runs a statement and reads its first row; Scan on the result reports
// sql.ErrNoRows when there is none, like database/sql's Row.
func (rc *rawConn) row(query string, args ...any) *rawRow {
	st, owned, err := rc.stmt(query)
	if err != nil {
		return &rawRow{err: err}
	}
	if owned {
		defer st.Close()
	}
	nv, err := rc.bind(args)
	if err != nil {
		return &rawRow{err: err}
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(context.Background(), nv)
	if err != nil {
		return &rawRow{err: err}
	}
	n := len(rows.Columns())
	if cap(rc.vals) < n {
		rc.vals = make([]driver.Value, n)
	}
	vals := rc.vals[:n]
	err = rows.Next(vals)
	cerr := rows.Close()
	if errors.Is(err, io.EOF) {
		err = sql.ErrNoRows
	}
	if err == nil {
		err = cerr
	}
	return &rawRow{vals: vals, err: err}
}

func (rc *rawConn) close() error {
	for q, st := range rc.stmts {
		st.Close()
		delete(rc.stmts, q)
	}
	return rc.c.Close()
}

// forget closes and removes the cached statements match selects.
func (rc *rawConn) forget(match func(query string) bool) {
	for q, st := range rc.stmts {
		if match(q) {
			st.Close()
			delete(rc.stmts, q)
		}
	}
}

// rawRow is one row read by rawConn.row. Its values are valid until the
// writer's next statement.
type rawRow struct {
	vals []driver.Value
	err  error
}

// Scan converts the row's values into dest, which may point to string,
// []byte, int64, int, bool, sql.NullString or any.
func (r *rawRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	if len(dest) != len(r.vals) {
		return fmt.Errorf("sqlitestore: scan: %d destinations for %d columns", len(dest), len(r.vals))
	}
	for i, d := range dest {
		if err := assignValue(d, r.vals[i]); err != nil {
			return fmt.Errorf("sqlitestore: scan column %d: %w", i, err)
		}
	}
	return nil
}

func assignValue(dest any, v driver.Value) error {
	switch d := dest.(type) {
	case *any:
		if b, ok := v.([]byte); ok {
			v = append([]byte(nil), b...)
		}
		*d = v
		return nil
	case *sql.NullString:
		if v == nil {
			*d = sql.NullString{}
			return nil
		}
		var s string
		if err := assignValue(&s, v); err != nil {
			return err
		}
		*d = sql.NullString{String: s, Valid: true}
		return nil
	}
	switch x := v.(type) {
	case string:
		switch d := dest.(type) {
		case *string:
			*d = x
			return nil
		case *[]byte:
			*d = []byte(x)
			return nil
		}
	case []byte:
		switch d := dest.(type) {
		case *string:
			*d = string(x)
			return nil
		case *[]byte:
			*d = append([]byte(nil), x...)
			return nil
		}
	case int64:
		switch d := dest.(type) {
		case *int64:
			*d = x
			return nil
		case *int:
			*d = int(x)
			return nil
		case *bool:
			*d = x != 0
			return nil
		}
	}
	return fmt.Errorf("cannot store %T in %T", v, dest)
}
