package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/hook"
	"github.com/formloom/formloom/engine/store"
)

// Collections the engine keeps its own items in. Record data lives in one
// collection per form (recordColl) and its history in another (historyColl).
const (
	collWorkspaces   = "workspaces"
	collUsers        = "users"
	collMembers      = "members"
	collDepartments  = "departments"
	collApps         = "apps"
	collForms        = "forms"
	collFormVersions = "form_versions"
	// collRoles holds the workspaces' roles; collFormPermissions one
	// document per configured form (id: the form's) with its permission sets.
	collRoles           = "roles"
	collFormPermissions = "form_permissions"
)

// Options configures an Engine. The zero value is usable.
type Options struct {
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// Logger receives the engine's logs; nil means slog.Default().
	Logger *slog.Logger
	// Blobs keeps uploaded file contents; nil disables uploads.
	Blobs blob.Store
	// Authorizer decides who may do what (engine/access.New() is the
	// product's); nil refuses every action that needs a decision.
	Authorizer Authorizer
	// VersionCacheSize bounds the compiled form versions kept in memory
	// (least recently used are dropped and recompiled on demand); 0 means
	// DefaultVersionCacheSize.
	VersionCacheSize int
}

// Engine runs apps, forms and records over a store. It is safe for
// concurrent use; compiled form versions are cached in memory.
type Engine struct {
	st       store.Store
	now      func() time.Time
	log      *slog.Logger
	versions *versionCache
	zones    sync.Map // workspace id -> zoneEntry
	current  sync.Map // form id -> currentEntry
	blobs    blob.Store
	authz    Authorizer

	onRecordWriting hook.Hook[*RecordWritingEvent]
	actions         ActionRegistry
	eventVars       EventVariableRegistry
	templateParts   TemplatePartRegistry
	notifier        Notifier
	extensions      extensionRegistry
}

// New returns an engine over st and declares the indexes of its own collections.
func New(ctx context.Context, st store.Store, opts Options) (*Engine, error) {
	e := &Engine{st: st, now: opts.Clock, log: opts.Logger, blobs: opts.Blobs, authz: opts.Authorizer}
	if e.authz == nil {
		e.authz = denyAll{}
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	e.versions = newVersionCache(opts.VersionCacheSize)
	idx := map[string][]store.Index{
		collUsers:        {{Name: "email", Fields: []store.SortKey{{Field: "email"}}, Unique: true}},
		collMembers:      {{Name: "ws_user", Fields: []store.SortKey{{Field: "workspace"}, {Field: "user"}}, Unique: true}, {Name: "user", Fields: []store.SortKey{{Field: "user"}}}},
		collDepartments:  {{Name: "ws", Fields: []store.SortKey{{Field: "workspace"}, {Field: "name"}}}},
		collApps:         {{Name: "ws", Fields: []store.SortKey{{Field: "workspace"}, {Field: "name"}}}},
		collForms:        {{Name: "ws_app", Fields: []store.SortKey{{Field: "workspace"}, {Field: "app"}}}},
		collFiles:        {{Name: "ws", Fields: []store.SortKey{{Field: "workspace"}}}},
		collRoles:        {{Name: "ws", Fields: []store.SortKey{{Field: "workspace"}, {Field: "name"}}}},
		collFormVersions: {{Name: "form_version", Fields: []store.SortKey{{Field: "form"}, {Field: "version"}}, Unique: true}},
		collInvitations:  {{Name: "ws_user", Fields: []store.SortKey{{Field: "workspace"}, {Field: "user"}}, Unique: true}, {Name: "user", Fields: []store.SortKey{{Field: "user"}}}},
	}
	for coll, list := range idx {
		if err := st.EnsureIndexes(ctx, coll, list); err != nil {
			return nil, fmt.Errorf("engine: declare indexes of %s: %w", coll, err)
		}
	}
	return e, nil
}

// Store returns the engine's store (for the builder and tests).
func (e *Engine) Store() store.Store { return e.st }

// Now returns the engine clock's current time.
func (e *Engine) Now() time.Time { return e.now() }

// mapStoreErr turns store errors into engine errors.
func mapStoreErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	case errors.Is(err, store.ErrConflict):
		return fmt.Errorf("%w: %v", ErrConflict, err)
	case errors.Is(err, store.ErrInvalidFilter):
		var fe *store.FilterError
		if errors.As(err, &fe) {
			return invalid(fieldErr("filter."+fe.Path, CodeFilter, map[string]any{"reason": fe.Reason}))
		}
		return invalid(fieldErr("filter", CodeFilter, map[string]any{"reason": err.Error()}))
	}
	return err
}

// getScoped reads an item of coll and checks it belongs to workspace ws; an
// item of another workspace is reported as not found.
func (e *Engine) getScoped(ctx context.Context, coll, ws, id string) (store.Document, error) {
	if store.ValidateID(id) != nil {
		return store.Document{}, fmt.Errorf("%w: %s %q", ErrNotFound, coll, id)
	}
	d, err := e.st.Get(ctx, coll, id)
	if err != nil {
		return store.Document{}, mapStoreErr(err)
	}
	if w, _ := d.Data["workspace"].(string); w != ws {
		return store.Document{}, fmt.Errorf("%w: %s %q", ErrNotFound, coll, id)
	}
	return d, nil
}

// findAll pages through every live document matching f (for small system collections).
func (e *Engine) findAll(ctx context.Context, coll string, f store.Filter, sort []store.SortKey) ([]store.Document, error) {
	var out []store.Document
	q := store.Query{Filter: &f, Sort: sort, Limit: store.MaxPageSize}
	for {
		p, err := e.st.Find(ctx, coll, q)
		if err != nil {
			return nil, mapStoreErr(err)
		}
		out = append(out, p.Docs...)
		if p.NextCursor == "" {
			return out, nil
		}
		q.After = p.NextCursor
	}
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func strList(m map[string]any, k string) []string {
	l, _ := m[k].([]any)
	out := make([]string, 0, len(l))
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func anyList(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
