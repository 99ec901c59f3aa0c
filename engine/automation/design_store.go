package automation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// EventAutomationChanged is committed with every change of an automation
// (created, draft saved, published, enabled, disabled, deleted), so the
// consumer of any process re-reads the workspace's automations in outbox
// order. Payload: AutomationPayload.
const EventAutomationChanged = "automation.changed"

// AutomationPayloadVersion is the version of AutomationPayload.
const AutomationPayloadVersion = 1

// AutomationPayload is the payload of automation.changed.
type AutomationPayload struct {
	PayloadVersion int    `json:"payload_version"`
	Automation     string `json:"automation"`
	Form           string `json:"form"`
	// Published is the current version number (0: none); Change one of
	// created, draft_saved, published, enabled, disabled, deleted.
	Published int    `json:"published"`
	Enabled   bool   `json:"enabled"`
	Change    string `json:"change"`
}

// toMap converts a value to the store's JSON value model.
func toMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func fromMap(m map[string]any, into any) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

// docOf is v as a stored document: the store wants top-level keys in
// snake_case, so the JSON names (camelCase, what the API shows) are
// converted at the top level; nested values keep their JSON names.
func docOf(v any) map[string]any {
	m := toMap(v)
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[snakeKey(k)] = e
	}
	return out
}

// fromDoc decodes a document docOf wrote.
func fromDoc(m map[string]any, into any) error {
	in := make(map[string]any, len(m))
	for k, e := range m {
		in[camelKey(k)] = e
	}
	return fromMap(in, into)
}

func snakeKey(k string) string {
	var b strings.Builder
	for i, r := range k {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r + ('a' - 'A'))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func camelKey(k string) string {
	parts := strings.Split(k, "_")
	for i := 1; i < len(parts); i++ {
		if p := parts[i]; p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}

// automationFrom reads an automation document.
func automationFrom(d store.Document) (Automation, error) {
	var a Automation
	if err := fromDoc(d.Data, &a); err != nil {
		return a, fmt.Errorf("automation: decode %s: %w", d.ID, err)
	}
	a.ID, a.Version, a.CreatedAt, a.CreatedBy, a.UpdatedAt = d.ID, d.Version, d.CreatedAt, d.CreatedBy, d.UpdatedAt
	return a, nil
}

// automationDoc is the stored form of a (its id, version and times are
// the document's).
func automationDoc(a Automation) map[string]any {
	m := docOf(a)
	for _, k := range []string{"id", "version", "created_at", "created_by", "updated_at"} {
		delete(m, k)
	}
	m["trigger_type"] = string(a.Draft.Trigger.Type)
	return m
}

// changedEvent is the outbox event of a change of a.
func changedEvent(a Automation, change string) store.Event {
	p := AutomationPayload{PayloadVersion: AutomationPayloadVersion, Automation: a.ID, Form: a.Form, Published: a.Published, Enabled: a.Enabled, Change: change}
	return store.Event{Type: EventAutomationChanged, Workspace: a.Workspace, Collection: collAutomations, DocID: a.ID, Payload: toMap(p)}
}

// load reads an automation of workspace ws.
func (s *Service) load(ctx context.Context, ws, id string) (Automation, error) {
	if store.ValidateID(id) != nil {
		return Automation{}, fmt.Errorf("%w: automation %q", engine.ErrNotFound, id)
	}
	d, err := s.st.Get(ctx, collAutomations, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && (d.DeletedAt != nil || d.Data["workspace"] != ws) {
		return Automation{}, fmt.Errorf("%w: automation %q", engine.ErrNotFound, id)
	}
	if err != nil {
		return Automation{}, err
	}
	return automationFrom(d)
}

// loadVersion reads one published version of an automation.
func (s *Service) loadVersion(ctx context.Context, id string, n int) (Version, error) {
	d, err := s.st.Get(ctx, collVersions, versionID(id, n))
	if errors.Is(err, store.ErrNotFound) {
		return Version{}, fmt.Errorf("%w: automation %s version %d", engine.ErrNotFound, id, n)
	}
	if err != nil {
		return Version{}, err
	}
	var v Version
	if err := fromDoc(d.Data, &v); err != nil {
		return Version{}, err
	}
	return v, nil
}

func versionID(id string, n int) string { return fmt.Sprintf("%s.v%d", id, n) }

// write commits the automation document (insert when a.Version is 0,
// else a compare-and-set update), its event and extra writes.
func (s *Service) write(ctx context.Context, actor string, a Automation, change string, extra ...store.Write) (Automation, error) {
	w := store.Write{Op: store.OpUpdate, Collection: collAutomations, ExpectVersion: a.Version, Doc: store.Document{ID: a.ID, Data: automationDoc(a)}}
	switch {
	case a.Version == 0:
		w.Op = store.OpInsert
	case change == "deleted":
		w = store.Write{Op: store.OpSoftDelete, Collection: collAutomations, ExpectVersion: a.Version, Doc: store.Document{ID: a.ID}}
	}
	u := store.UnitOfWork{Actor: actor, At: s.now(), Writes: append([]store.Write{w}, extra...), Events: []store.Event{changedEvent(a, change)}}
	res, err := s.commit(ctx, u)
	if errors.Is(err, store.ErrConflict) {
		return Automation{}, fmt.Errorf("%w: automation %s changed since version %d", engine.ErrConflict, a.ID, a.Version)
	}
	if err != nil {
		return Automation{}, err
	}
	s.invalidate(a.Workspace)
	if change == "deleted" {
		return a, nil
	}
	out, err := automationFrom(res.Docs[0])
	if err != nil {
		return Automation{}, err
	}
	return out, nil
}

// commit commits u; on a store without transactions a unit of several
// items is split into single commits, the main write first (the store
// would refuse it as a whole).
func (s *Service) commit(ctx context.Context, u store.UnitOfWork) (store.CommitResult, error) {
	if s.st.Capabilities().Transactions || len(u.Writes)+len(u.Events)+len(u.Enqueue) <= 1 {
		return s.st.Commit(ctx, u)
	}
	first := store.UnitOfWork{Actor: u.Actor, At: u.At, Writes: u.Writes[:1]}
	res, err := s.st.Commit(ctx, first)
	if err != nil {
		return res, err
	}
	for _, w := range u.Writes[1:] {
		if _, err := s.st.Commit(ctx, store.UnitOfWork{Actor: u.Actor, At: u.At, Writes: []store.Write{w}}); err != nil {
			return res, err
		}
	}
	for _, ev := range u.Events {
		r, err := s.st.Commit(ctx, store.UnitOfWork{Actor: u.Actor, At: u.At, Events: []store.Event{ev}})
		if err != nil {
			return res, err
		}
		res.Events = append(res.Events, r.Events...)
	}
	return res, nil
}

// listAutomations returns the automations of a form (form "" : of the
// workspace), oldest first.
func (s *Service) listAutomations(ctx context.Context, ws, form string) ([]Automation, error) {
	f := store.Where("workspace", store.OpEq, ws)
	if form != "" {
		f = store.And(f, store.Where("form", store.OpEq, form))
	}
	var out []Automation
	q := store.Query{Filter: &f, Sort: []store.SortKey{{Field: store.FieldCreatedAt}}, Limit: store.MaxPageSize}
	for {
		p, err := s.st.Find(ctx, collAutomations, q)
		if err != nil {
			return nil, err
		}
		for _, d := range p.Docs {
			a, err := automationFrom(d)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		if p.NextCursor == "" {
			return out, nil
		}
		q.After = p.NextCursor
	}
}

func timePtr(t time.Time) *time.Time { return &t }

// commitPublish stores version v of au and moves au to it, so that two
// processes publishing the same automation at once never make two versions
// of one number and never lose one: the version document's id is
// "<automation>.v<n>" (unique), and the automation moves by compare-and-set
// on the version its publisher read. One of two racing publishes commits,
// the other is a conflict (409) and publishes nothing.
//
// With transactions both writes commit in one unit. Without them (FerretDB)
// the version is inserted first, as forms do, so a process that stops in
// between leaves at most a version document no automation points at, never
// an automation pointing at a missing version. Such an orphan is replaced by
// the next publish from the same automation version: its design is the
// same draft (the draft is part of the automation document that version
// names), so replacing it loses nothing.
func (s *Service) commitPublish(ctx context.Context, actor string, au Automation, v Version) (Automation, error) {
	vw := store.Write{Op: store.OpInsert, Collection: collVersions, Doc: store.Document{ID: versionID(au.ID, v.Number), Data: docOf(v)}}
	tx := s.st.Capabilities().Transactions
	for {
		var out Automation
		var err error
		if tx {
			out, err = s.write(ctx, actor, au, "published", vw)
		} else if _, err = s.st.Commit(ctx, store.UnitOfWork{Actor: actor, At: s.now(), Writes: []store.Write{vw}}); err == nil {
			out, err = s.write(ctx, actor, au, "published")
		}
		if !errors.Is(err, store.ErrDuplicate) || vw.Op == store.OpUpdate {
			return out, err
		}
		// Version n exists: either another publish from a newer read won
		// (the automation moved: a conflict), or it is an orphan of a
		// publish that never moved the automation, or one racing this one
		// from the same read (the compare-and-set lets one through).
		cur, err := s.load(ctx, au.Workspace, au.ID)
		if err != nil {
			return Automation{}, err
		}
		if cur.Version != au.Version {
			return Automation{}, fmt.Errorf("%w: automation %s was published meanwhile", engine.ErrConflict, au.ID)
		}
		vw.Op = store.OpUpdate
	}
}
