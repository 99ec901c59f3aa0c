package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// registry is the in-memory view of the store's own catalog: which
// collections exist, which value kinds (arrays, objects, booleans) their field paths ever held, and the
// declared indexes. The database tables collections, path_kinds and
// declared_indexes are the durable copy.
type registry struct {
	mu    sync.RWMutex
	colls map[string]*collInfo
	// gen increases whenever an array path is added. Readers compare it
	// before and after a query to detect that their compiled SQL may have
	// missed an array that became visible meanwhile (see query_find.go).
	gen atomic.Uint64
	// anyPending says some collection has colPending paths.
	anyPending bool
	// anySysWant says some collection has sysWant kinds.
	anySysWant bool
}

// collInfo is what the registry knows of one collection.
type collInfo struct {
	// live is set once the table's creation has committed.
	live bool
	// kinds holds, per dotted path ("tags", "address", "items.tags"), which
	// value kinds the compiler must care about ever appeared there: arrays,
	// objects, booleans. It only grows, so a kind may no longer be present:
	// that costs speed, never correctness.
	kinds map[string]*pathKinds
	// indexes maps SQLite index names to their declaration.
	indexes map[string]store.Index
	// ridOrder says whether rowid order is _created_at order (see
	// rid_order.go); ridOrdered lets a default-order page scan the table.
	ridOrder uint8
	// ridSlack bounds how far a document's _created_at lies below that of
	// any document inserted before it.
	ridSlack time.Duration
	// lastCreated is the writer's highest _created_at of the table while
	// ridOrder is ridOrdered; lastLoaded says it was read from the table.
	lastCreated string
	lastLoaded  bool
	// cols are the active value columns (value_columns.go); colSeen the
	// paths already considered, colCount the columns made or pending and
	// colPending the paths waiting for the writer to add their columns.
	cols       *valueCols
	colSeen    map[string]bool
	colCount   int
	colPending []string
	// layout is the table's row layout (layout.go).
	layout uint8
	// sys holds the system indexes that exist and sysWant the ones
	// queries asked for (system_indexes.go).
	sys, sysWant map[string]bool
	// axRefused counts down the queries before a refused adaptive-index
	// wish is asked for again (adaptive_indexes.go).
	axRefused map[string]int
}

func loadRegistry(ctx context.Context, db *sql.DB) (*registry, error) {
	r := &registry{colls: map[string]*collInfo{}}
	rows, err := db.QueryContext(ctx, `SELECT name, rid_order, rid_slack, layout FROM collections`)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: load collections: %w", err)
	}
	for rows.Next() {
		var name string
		var order, layout uint8
		var slack int64
		if err := rows.Scan(&name, &order, &slack, &layout); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlitestore: load collections: %w", err)
		}
		ci := r.info(name)
		ci.live = true
		ci.layout = layout
		ci.ridOrder = order
		ci.ridSlack = time.Duration(slack) * time.Microsecond
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT coll, path, kinds FROM path_kinds`)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: load path kinds: %w", err)
	}
	for rows.Next() {
		var coll, path string
		var k uint8
		if err := rows.Scan(&coll, &path, &k); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlitestore: load path kinds: %w", err)
		}
		r.info(coll).kinds[path] = &pathKinds{mem: k, durable: k}
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
		ci = &collInfo{kinds: map[string]*pathKinds{}, indexes: map[string]store.Index{}, colSeen: map[string]bool{}}
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

// Value kinds recorded per path.
const (
	kindArray uint8 = 1 << iota
	kindObject
	kindBool
)

// pathKinds is what the registry knows of one path: the kinds seen in
// memory (set before the write commits) and the ones whose path_kinds row
// has committed.
type pathKinds struct{ mem, durable uint8 }

// pathKind is one path with the kinds a document holds there.
type pathKind struct {
	path  string
	kinds uint8
}

// collPathKind names the kinds of one path of one collection.
type collPathKind struct {
	coll string
	pathKind
}

// kindTester returns a function giving the kinds a dotted path of coll may
// hold. With all set, every path may hold every kind (the conservative
// fallback).
func (r *registry) kindTester(coll string, all bool) func(path string) uint8 {
	if all {
		return func(string) uint8 { return kindArray | kindObject | kindBool }
	}
	return func(path string) uint8 {
		r.mu.RLock()
		defer r.mu.RUnlock()
		ci := r.colls[coll]
		if ci == nil {
			return 0
		}
		if k := ci.kinds[path]; k != nil {
			return k.mem
		}
		return 0
	}
}

// addKinds records kinds of coll in memory and returns the ones whose
// path_kinds row has not committed yet. It bumps gen when memory grew
// before returning, so it must run before the write commits.
func (r *registry) addKinds(coll string, kinds []pathKind) []pathKind {
	if len(kinds) == 0 {
		return nil
	}
	r.mu.RLock()
	ci := r.colls[coll]
	missing := ci == nil
	for _, pk := range kinds {
		if missing {
			break
		}
		k := ci.kinds[pk.path]
		missing = k == nil || k.durable&pk.kinds != pk.kinds
	}
	r.mu.RUnlock()
	if !missing {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	ci = r.info(coll)
	var pending []pathKind
	grew := false
	for _, pk := range kinds {
		k := ci.kinds[pk.path]
		if k == nil {
			k = &pathKinds{}
			ci.kinds[pk.path] = k
		}
		if k.mem&pk.kinds != pk.kinds {
			k.mem |= pk.kinds
			grew = true
		}
		if k.durable&pk.kinds != pk.kinds {
			pending = append(pending, pk)
		}
	}
	if grew {
		r.gen.Add(1)
	}
	return pending
}

// markDurable notes that path_kinds rows have committed.
func (r *registry) markDurable(kinds []collPathKind) {
	if len(kinds) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, pk := range kinds {
		if ci := r.colls[pk.coll]; ci != nil {
			if k := ci.kinds[pk.path]; k != nil {
				k.durable |= pk.kinds
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

// pathKindsOf lists the dotted paths of data holding arrays, objects or
// booleans, descending into objects and into objects inside arrays (as
// MongoDB path traversal does).
func pathKindsOf(data map[string]any) []pathKind {
	seen := map[string]uint8{}
	var order []string
	note := func(path string, k uint8) {
		if _, ok := seen[path]; !ok {
			order = append(order, path)
		}
		seen[path] |= k
	}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			if path != "" {
				note(path, kindObject)
			}
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(e, p)
			}
		case []any:
			note(path, kindArray)
			for _, e := range x {
				switch y := e.(type) {
				case map[string]any:
					for k, f := range y {
						walk(f, path+"."+k)
					}
				case bool:
					note(path, kindBool)
				}
			}
		case bool:
			note(path, kindBool)
		}
	}
	walk(data, "")
	out := make([]pathKind, len(order))
	for i, p := range order {
		out[i] = pathKind{path: p, kinds: seen[p]}
	}
	return out
}
