package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/formloom/formloom/engine/store"
)

// registry is the in-memory view of the store's own catalog: which
// collections exist, which of their field paths ever held an array, and the
// declared indexes. The database tables collections, array_paths and
// declared_indexes are the durable copy.
type registry struct {
	mu    sync.RWMutex
	colls map[string]*collInfo
	// gen increases whenever an array path is added. Readers compare it
	// before and after a query to detect that their compiled SQL may have
	// missed an array that became visible meanwhile (see query_find.go).
	gen atomic.Uint64
}

// collInfo is what the registry knows of one collection.
type collInfo struct {
	// live is set once the table's creation has committed.
	live bool
	// arrays holds dotted paths where some document had an array value
	// ("tags", "items", "items.tags"), mapped to whether the array_paths
	// row has committed. It only grows, so a path in it may no longer hold
	// an array: that costs speed, never correctness.
	arrays map[string]bool
	// indexes maps SQLite index names to their declaration.
	indexes map[string]store.Index
}

func loadRegistry(ctx context.Context, db *sql.DB) (*registry, error) {
	r := &registry{colls: map[string]*collInfo{}}
	rows, err := db.QueryContext(ctx, `SELECT name FROM collections`)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: load collections: %w", err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlitestore: load collections: %w", err)
		}
		r.info(name).live = true
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT coll, path FROM array_paths`)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: load array paths: %w", err)
	}
	for rows.Next() {
		var coll, path string
		if err := rows.Scan(&coll, &path); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlitestore: load array paths: %w", err)
		}
		r.info(coll).arrays[path] = true
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT coll, sql_name, def FROM declared_indexes`)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: load indexes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var coll, sqlName, def string
		if err := rows.Scan(&coll, &sqlName, &def); err != nil {
			return nil, fmt.Errorf("sqlitestore: load indexes: %w", err)
		}
		var ix store.Index
		if err := json.Unmarshal([]byte(def), &ix); err != nil {
			return nil, fmt.Errorf("sqlitestore: index %s of %s: %w", sqlName, coll, err)
		}
		r.info(coll).indexes[sqlName] = ix
	}
	return r, rows.Err()
}

// info returns the entry of coll, creating it; callers hold mu or own r.
func (r *registry) info(coll string) *collInfo {
	ci := r.colls[coll]
	if ci == nil {
		ci = &collInfo{arrays: map[string]bool{}, indexes: map[string]store.Index{}}
		r.colls[coll] = ci
	}
	return ci
}

// exists reports whether coll's table has been committed.
func (r *registry) exists(coll string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ci := r.colls[coll]
	return ci != nil && ci.live
}

func (r *registry) markLive(coll string) {
	r.mu.Lock()
	r.info(coll).live = true
	r.mu.Unlock()
}

func (r *registry) drop(coll string) {
	r.mu.Lock()
	delete(r.colls, coll)
	r.mu.Unlock()
}

// arrayTester returns a function telling whether a dotted path of coll may
// hold an array. With all set, every path may (the conservative fallback).
func (r *registry) arrayTester(coll string, all bool) func(path string) bool {
	if all {
		return func(string) bool { return true }
	}
	return func(path string) bool {
		r.mu.RLock()
		defer r.mu.RUnlock()
		ci := r.colls[coll]
		if ci == nil {
			return false
		}
		_, ok := ci.arrays[path]
		return ok
	}
}

// addArrays records paths of coll in memory and returns the ones whose
// array_paths row has not committed yet. It bumps gen for new paths before
// returning, so it must run before the write commits.
func (r *registry) addArrays(coll string, paths []string) []string {
	if len(paths) == 0 {
		return nil
	}
	r.mu.RLock()
	ci := r.colls[coll]
	missing := false
	for _, p := range paths {
		if ci == nil || !ci.arrays[p] {
			missing = true
			break
		}
	}
	r.mu.RUnlock()
	if !missing {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	ci = r.info(coll)
	var pending []string
	added := false
	for _, p := range paths {
		durable, ok := ci.arrays[p]
		if !ok {
			ci.arrays[p] = false
			added = true
		}
		if !durable {
			pending = append(pending, p)
		}
	}
	if added {
		r.gen.Add(1)
	}
	return pending
}

// collPath names one array path of one collection.
type collPath struct{ coll, path string }

// markDurable notes that the array_paths rows of paths have committed.
func (r *registry) markDurable(paths []collPath) {
	if len(paths) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range paths {
		if ci := r.colls[p.coll]; ci != nil {
			if _, ok := ci.arrays[p.path]; ok {
				ci.arrays[p.path] = true
			}
		}
	}
}

// indexByName returns the declaration behind SQLite index sqlName of coll.
func (r *registry) indexByName(coll, sqlName string) (store.Index, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ci := r.colls[coll]
	if ci == nil {
		return store.Index{}, false
	}
	ix, ok := ci.indexes[sqlName]
	return ix, ok
}

// declared returns a copy of coll's index declarations by SQLite name.
func (r *registry) declared(coll string) map[string]store.Index {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := map[string]store.Index{}
	if ci := r.colls[coll]; ci != nil {
		for k, v := range ci.indexes {
			out[k] = v
		}
	}
	return out
}

func (r *registry) setIndexes(coll string, ix map[string]store.Index) {
	r.mu.Lock()
	r.info(coll).indexes = ix
	r.mu.Unlock()
}

// arrayPathsOf lists the dotted paths of data that hold arrays, descending
// into objects and into objects inside arrays (as MongoDB path traversal does).
func arrayPathsOf(data map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(e, p)
			}
		case []any:
			if !seen[path] {
				seen[path] = true
				out = append(out, path)
			}
			for _, e := range x {
				if m, ok := e.(map[string]any); ok {
					walk(m, path)
				}
			}
		}
	}
	walk(data, "")
	return out
}
