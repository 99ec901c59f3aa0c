package sqlitestore

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds a statement cache; past it, statements are prepared
// per call and closed after use.
const maxCachedStmts = 1024

// stmtCache keeps prepared statements by SQL text. Queries are compiled
// with bound parameters only, so the same filter shape reuses one statement.
type stmtCache struct {
	mu      sync.Mutex
	prepare func(ctx context.Context, query string) (*sql.Stmt, error)
	stmts   map[string]*sql.Stmt
}

func newStmtCache(prepare func(ctx context.Context, query string) (*sql.Stmt, error)) *stmtCache {
	return &stmtCache{prepare: prepare, stmts: map[string]*sql.Stmt{}}
}

// get returns a prepared statement and whether the caller must close it.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, bool, error) {
	c.mu.Lock()
	st, ok := c.stmts[query]
	c.mu.Unlock()
	if ok {
		return st, false, nil
	}
	st, err := c.prepare(ctx, query)
	if err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok {
		st.Close()
		return prev, false, nil
	}
	if len(c.stmts) >= maxCachedStmts {
		return st, true, nil
	}
	c.stmts[query] = st
	return st, false, nil
}

// forget closes and removes every statement whose SQL mentions table.
func (c *stmtCache) forget(match func(query string) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		if match(q) {
			st.Close()
			delete(c.stmts, q)
		}
	}
}

func (c *stmtCache) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
}
