package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// VersionInfo describes a published version for listings.
type VersionInfo struct {
	Number      int             `json:"number"`
	Definition  form.Definition `json:"definition"`
	Archived    []form.Field    `json:"archived"`
	Changes     []Change        `json:"changes"`
	PublishedBy string          `json:"publishedBy"`
	PublishedAt string          `json:"publishedAt"`
}

// Change is one difference between two versions of a form, as the builder
// computes it.
type Change struct {
	Kind  string `json:"kind"` // added, removed, changed, restored
	Field string `json:"field"`
	// Props lists the changed properties (for kind "changed").
	Props []string `json:"props,omitempty"`
	From  string   `json:"from,omitempty"`
	To    string   `json:"to,omitempty"`
}

// PublishVersion stores a checked design as the next published version of a
// form (admins only). The builder calls it after comparing the design with
// the previous version; draftVersion is the form version the draft was read
// at, so a draft changed meanwhile is a conflict. It declares the indexes and
// unique constraints the version needs before committing.
func (e *Engine) PublishVersion(ctx context.Context, a Actor, formID string, draftVersion int64, def form.Definition, archived []form.Field, changes []Change) (*Version, error) {
	if err := e.allow(ctx, a, ActFormDesign, Resource{Form: formID}); err != nil {
		return nil, err
	}
	fd, err := e.liveScoped(ctx, collForms, a.Workspace, formID)
	if err != nil {
		return nil, err
	}
	if fd.Version != draftVersion {
		return nil, fmt.Errorf("%w: the draft changed since it was read", ErrConflict)
	}
	v, err := Compile(def, archived)
	if err != nil {
		return nil, err
	}
	if errs := e.checkRelationTargets(ctx, a.Workspace, v); len(errs) > 0 {
		return nil, invalid(errs...)
	}
	if errs := e.checkExtensions(v); len(errs) > 0 {
		return nil, invalid(errs...)
	}
	if err := e.declareIndexes(ctx, a.Workspace, formID, v); err != nil {
		return nil, err
	}
	f, err := formFrom(fd)
	if err != nil {
		return nil, err
	}
	next := f.Published + 1
	defJSON, _ := json.Marshal(def)
	archJSON, _ := json.Marshal(archived)
	chJSON, _ := json.Marshal(changes)
	formData := map[string]any{}
	for k, val := range fd.Data {
		formData[k] = val
	}
	formData["published"] = next
	u := store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{
			{Op: store.OpInsert, Collection: collFormVersions, Doc: store.Document{ID: formID + "_v" + strconv.Itoa(next), Data: map[string]any{
				"workspace": a.Workspace, "form": formID, "app": f.App, "version": next,
				"definition": string(defJSON), "archived": string(archJSON), "changes": string(chJSON)}}},
			{Op: store.OpUpdate, Collection: collForms, ExpectVersion: draftVersion, Doc: store.Document{ID: formID, Data: formData}},
		},
		Events: []store.Event{newEvent(EventFormPublished, a.Workspace, collForms, formID, FormPublishedPayload{Form: formID, App: f.App, Version: next})},
	}
	res, err := e.commit(ctx, u)
	if err != nil {
		return nil, mapStoreErr(err)
	}
	v.Form, v.Workspace, v.App, v.Number = formID, a.Workspace, f.App, next
	v.PublishedAt, v.PublishedBy = res.Docs[0].CreatedAt, a.UserID
	e.versions.Store(versionKey(formID, next), v)
	e.current.Delete(formID)
	return v, nil
}

// checkRelationTargets refuses relations (also in subform rows) to forms
// that are not forms of workspace ws, and lookups through them: a design may
// only read its own workspace's data. A form of another workspace and a
// form that does not exist get the same answer, so the answer tells nothing
// about other workspaces.
func (e *Engine) checkRelationTargets(ctx context.Context, ws string, v *Version) []field.Error {
	known := map[string]bool{}
	ok := func(formID string) bool {
		in, seen := known[formID]
		if !seen {
			in = e.formInWorkspace(ctx, ws, formID)
			known[formID] = in
		}
		return in
	}
	var errs []field.Error
	var walk func(fields []*cfield, at string)
	walk = func(fields []*cfield, at string) {
		for i, f := range fields {
			path := fmt.Sprintf("%sfields[%d]", at, i)
			if r, isRef := f.typ.(field.Referencer); isRef && r.RefKind(f.def) == field.RefRecords && !ok(f.def.Form) {
				errs = append(errs, fieldErr(path+".form", CodeRelationForeignForm, map[string]any{"field": f.def.Key, "form": f.def.Form}))
			}
			walk(f.sub, path+".")
		}
	}
	walk(v.fields, "")
	for i, f := range v.fields {
		lk, isLookup := f.typ.(field.Looker)
		if !isLookup {
			continue
		}
		relKey, _ := lk.LookedUp(f.def)
		if rel, found := v.byKey[relKey]; found && rel.def.Form != "" && !ok(rel.def.Form) {
			errs = append(errs, fieldErr(fmt.Sprintf("fields[%d].relation", i), CodeRelationForeignForm, map[string]any{"field": f.def.Key, "form": rel.def.Form}))
		}
	}
	return errs
}

// indexHint is what the type of f asks the store to index.
func indexHint(f *cfield) field.IndexHint {
	if ix, ok := f.typ.(field.Indexer); ok {
		return ix.IndexHint()
	}
	return 0
}

// maxSortIndexes bounds the composite indexes one indexed field gets, so
// writes stay cheap on wide forms.
const maxSortIndexes = 6

// declareIndexes makes the store index what the version asks for: unique
// fields (over live records), indexed, relation and serial fields. A field
// marked indexed also gets, for the default order (newest first) and for each
// field whose type is a common sort column (field.IndexSort: number, money,
// percent, rating, date, datetime; at most maxSortIndexes), a composite index, so a list filtered on it and sorted by
// such a column reads one page of index entries instead of sorting every match.
//
// When the form's permission sets filter rows by owner, records are also
// indexed by owner and creation time, so an "own rows" page reads one page
// of index entries.
func (e *Engine) declareIndexes(ctx context.Context, ws, formID string, v *Version) error {
	var idx []store.Index
	fp, err := e.FormPermissionsOf(ctx, ws, formID)
	if err != nil {
		return err
	}
	if refersToOwner(fp) {
		idx = append(idx, store.Index{Name: "o_owner", Fields: []store.SortKey{{Field: ownerKey}, {Field: store.FieldCreatedAt}}})
	}
	// A store that indexes _updated_at on demand makes the activity index
	// the first time a silence scan or an "updated" sort asks for it; a
	// declared one would cost every create an index entry (7 MB per 100k
	// records on SQLite) on forms that never use it.
	if !e.st.Capabilities().SystemIndexesOnDemand {
		idx = append(idx, activityIndex)
	}
	var sortable []*cfield
	for _, f := range v.fields {
		if indexHint(f) == field.IndexSort {
			sortable = append(sortable, f)
		}
	}
	for _, f := range v.fields {
		name := indexName(f.def.Key)
		path := dataPath(f)
		switch {
		case f.def.Unique:
			idx = append(idx, store.Index{Name: "u_" + name, Fields: []store.SortKey{{Field: path}}, Unique: true})
		case indexHint(f) == field.IndexAlways:
			idx = append(idx, store.Index{Name: "i_" + name, Fields: []store.SortKey{{Field: path}}})
		}
		if !f.def.Indexed {
			continue
		}
		idx = append(idx, store.Index{Name: "c_" + name, Fields: []store.SortKey{{Field: path}, {Field: store.FieldCreatedAt}}})
		n := 0
		for _, s := range sortable {
			if s == f || n == maxSortIndexes {
				continue
			}
			n++
			idx = append(idx, store.Index{Name: "s_" + indexName(f.def.Key+"_"+s.def.Key),
				Fields: []store.SortKey{{Field: path}, {Field: dataPath(s)}}})
		}
	}
	err = e.st.EnsureIndexes(ctx, recordColl(formID), idx)
	var de *store.DuplicateError
	if errors.As(err, &de) {
		return invalid(fieldErr("fields", CodeUniqueExistingDuplicates, map[string]any{"field": fieldKeyOf(de.Fields[0])}))
	}
	if err != nil {
		return mapStoreErr(err)
	}
	return e.declareHistoryIndex(ctx, formID)
}

// declareHistoryIndex indexes a form's history by record and version,
// the order History reads. Every entry is written with its record's new
// version in the unit that moves the record to it (compare and set), so
// the pair is unique and the index is declared so: a store appends no
// tie-break to a unique index (SQLite: the entry's 26-byte id, 2.6 MB per
// 100k entries), and a duplicate would be refused rather than shown. A
// history that holds a duplicate anyway (written by hand or restored from
// elsewhere) keeps the index without the constraint.
func (e *Engine) declareHistoryIndex(ctx context.Context, formID string) error {
	ix := store.Index{Name: "record", Unique: true, Fields: []store.SortKey{{Field: "record"}, {Field: "version"}}}
	err := e.st.EnsureIndexes(ctx, historyColl(formID), []store.Index{ix})
	var de *store.DuplicateError
	if errors.As(err, &de) {
		e.log.Warn("engine: the form's history holds two entries of one record version; its index does not enforce them", "form", formID)
		ix.Unique = false
		err = e.st.EnsureIndexes(ctx, historyColl(formID), []store.Index{ix})
	}
	return err
}

// indexName derives a valid, bounded index name from field keys; long names
// are shortened with a hash so that two keys never share a name.
func indexName(s string) string {
	if len(s) <= 56 {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprintf("%s_%08x", s[:47], h.Sum32())
}

// dataPath is the store path of a field's comparable value.
func dataPath(f *cfield) string {
	if vp, ok := f.typ.(field.ValuePather); ok {
		return recordField + "." + f.def.Key + "." + vp.ValuePath()
	}
	return recordField + "." + f.def.Key
}

func versionKey(formID string, n int) string { return formID + "#" + strconv.Itoa(n) }

// version returns a compiled published version of a form (cached).
func (e *Engine) version(ctx context.Context, ws, formID string, n int) (*Version, error) {
	if vv, ok := e.versions.Load(versionKey(formID, n)); ok {
		if vv.Workspace != ws {
			return nil, wrapNotFound("form", formID)
		}
		return vv, nil
	}
	d, err := e.getScoped(ctx, collFormVersions, ws, formID+"_v"+strconv.Itoa(n))
	if err != nil {
		return nil, err
	}
	info, err := versionInfoFrom(d)
	if err != nil {
		return nil, err
	}
	v, err := Compile(info.Definition, info.Archived)
	if err != nil {
		return nil, fmt.Errorf("engine: stored version %d of form %s does not compile: %w", n, formID, err)
	}
	v.Form, v.Workspace, v.App, v.Number = formID, ws, str(d.Data, "app"), n
	v.PublishedAt, v.PublishedBy = d.CreatedAt, d.CreatedBy
	e.versions.Store(versionKey(formID, n), v)
	return v, nil
}

// currentTTL bounds how long a process trusts its cached knowledge of a
// form's latest version: a publish in this process is seen at once, one in
// another process sharing the store within this time.
const currentTTL = 2 * time.Second

type currentEntry struct {
	ws        string
	published int
	expires   time.Time
	// app is the form's app and appLive whether it is out of the recycle
	// bin: forms of a deleted app refuse writes.
	app     string
	appLive bool
}

// CurrentVersion returns the latest published version of a form.
func (e *Engine) CurrentVersion(ctx context.Context, a Actor, formID string) (*Version, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if c, ok := e.current.Load(formID); ok {
		ce := c.(currentEntry)
		if ce.ws == a.Workspace && time.Now().Before(ce.expires) {
			return e.version(ctx, a.Workspace, formID, ce.published)
		}
	}
	fd, err := e.liveScoped(ctx, collForms, a.Workspace, formID)
	if err != nil {
		return nil, err
	}
	n, _ := fd.Data["published"].(float64)
	if n < 1 {
		return nil, fmt.Errorf("%w: %s", ErrNotPublished, formID)
	}
	app := str(fd.Data, "app")
	live, err := e.appIsLive(ctx, a.Workspace, app)
	if err != nil {
		return nil, err
	}
	e.current.Store(formID, currentEntry{ws: a.Workspace, published: int(n), expires: time.Now().Add(currentTTL), app: app, appLive: live})
	return e.version(ctx, a.Workspace, formID, int(n))
}

// appIsLive reports whether app is an app of ws out of the recycle bin.
func (e *Engine) appIsLive(ctx context.Context, ws, app string) (bool, error) {
	d, err := e.getScoped(ctx, collApps, ws, app)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return d.DeletedAt == nil, nil
}

// checkWritable refuses writes to forms of an app in the recycle bin, as
// for a deleted form (not found). It uses what CurrentVersion cached, so a
// write costs no extra read; another process sees an app move to or from
// the recycle bin within currentTTL.
func (e *Engine) checkWritable(ctx context.Context, ws string, v *Version) error {
	live := false
	if c, ok := e.current.Load(v.Form); ok && c.(currentEntry).ws == ws && time.Now().Before(c.(currentEntry).expires) {
		live = c.(currentEntry).appLive
	} else {
		var err error
		if live, err = e.appIsLive(ctx, ws, v.App); err != nil {
			return err
		}
	}
	if !live {
		return fmt.Errorf("%w: form %q: its app is in the recycle bin", ErrNotFound, v.Form)
	}
	return nil
}

// forgetApp drops what CurrentVersion cached of the forms of app, so a
// move of the app to or from the recycle bin is seen at once here.
func (e *Engine) forgetApp(app string) {
	e.current.Range(func(k, c any) bool {
		if c.(currentEntry).app == app {
			e.current.Delete(k)
		}
		return true
	})
}

// Versions lists the published versions of a form, newest first.
func (e *Engine) Versions(ctx context.Context, a Actor, formID string) ([]VersionInfo, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if _, err := e.liveScoped(ctx, collForms, a.Workspace, formID); err != nil {
		return nil, err
	}
	docs, err := e.findAll(ctx, collFormVersions, store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("form", store.OpEq, formID)),
		[]store.SortKey{{Field: "version", Desc: true}})
	if err != nil {
		return nil, err
	}
	hidden, err := e.definitionMask(ctx, a, formID)
	if err != nil {
		return nil, err
	}
	out := make([]VersionInfo, 0, len(docs))
	for _, d := range docs {
		info, err := versionInfoFrom(d)
		if err != nil {
			return nil, err
		}
		if hidden != nil {
			// A member reads the versions without the fields their
			// permission hides, nor archived ones (which may have been).
			info.Definition, info.Archived, info.Changes = maskDefinition(info.Definition, hidden), []form.Field{}, []Change{}
		}
		out = append(out, info)
	}
	return out, nil
}

func versionInfoFrom(d store.Document) (VersionInfo, error) {
	info := VersionInfo{PublishedBy: d.CreatedBy, PublishedAt: store.FormatTime(d.CreatedAt)}
	if n, ok := d.Data["version"].(float64); ok {
		info.Number = int(n)
	}
	if err := json.Unmarshal([]byte(str(d.Data, "definition")), &info.Definition); err != nil {
		return info, fmt.Errorf("engine: version %s unreadable: %w", d.ID, err)
	}
	if s := str(d.Data, "archived"); s != "" {
		if err := json.Unmarshal([]byte(s), &info.Archived); err != nil {
			return info, fmt.Errorf("engine: version %s unreadable: %w", d.ID, err)
		}
	}
	if s := str(d.Data, "changes"); s != "" {
		_ = json.Unmarshal([]byte(s), &info.Changes)
	}
	return info, nil
}

// fieldKeyOf returns the field key of a store path of record data
// ("fields.budget.amount" -> "budget").
func fieldKeyOf(path string) string {
	key, _, _ := strings.Cut(strings.TrimPrefix(path, recordField+"."), ".")
	return key
}
