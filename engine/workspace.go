package engine

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Workspace (企业/团队) holds members, departments and apps. Its time zone
// decides TODAY(), date fields and date buckets; its language is the default
// for messages.
type Workspace struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	TimeZone  string    `json:"timeZone"`
	Language  string    `json:"language"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
}

// WorkspaceInput creates or changes a workspace.
type WorkspaceInput struct {
	Name     string `json:"name"`
	TimeZone string `json:"timeZone"`
	Language string `json:"language"`
}

// Defaults of a new workspace.
const (
	DefaultTimeZone = "Asia/Shanghai"
	DefaultLanguage = "zh-CN"
)

func (in *WorkspaceInput) check() error {
	if p := in.problems(); len(p) > 0 {
		return invalid(p...)
	}
	return nil
}

// problems fills defaults and lists every problem of the input.
func (in *WorkspaceInput) problems() []field.Error {
	in.Name = strings.TrimSpace(in.Name)
	var errs []field.Error
	if err := checkName("name", in.Name); err != nil {
		errs = append(errs, validationFields(err)...)
	}
	if in.TimeZone == "" {
		in.TimeZone = DefaultTimeZone
	}
	if _, err := time.LoadLocation(in.TimeZone); err != nil || len(in.TimeZone) > 64 {
		errs = append(errs, fieldErr("timeZone", CodeTimeZone, map[string]any{"value": in.TimeZone}))
	}
	if in.Language == "" {
		in.Language = DefaultLanguage
	}
	if in.Language != "zh-CN" && in.Language != "en" {
		errs = append(errs, fieldErr("language", CodeLanguage, map[string]any{"value": in.Language}))
	}
	return errs
}

func checkName(path, s string) error {
	if s == "" {
		return invalid(fieldErr(path, CodeRequired, nil))
	}
	if n := utf8.RuneCountInString(s); n > 100 {
		return invalid(fieldErr(path, CodeMaxLength, map[string]any{"max": 100}))
	}
	return nil
}

// CreateWorkspace creates a workspace with userID as its first admin.
func (e *Engine) CreateWorkspace(ctx context.Context, userID string, in WorkspaceInput) (Workspace, error) {
	if err := in.check(); err != nil {
		return Workspace{}, err
	}
	if _, err := e.User(ctx, userID); err != nil {
		return Workspace{}, err
	}
	wsID := store.NewID()
	u := store.UnitOfWork{
		Actor: userID,
		Writes: []store.Write{
			{Op: store.OpInsert, Collection: collWorkspaces, Doc: store.Document{ID: wsID, Data: map[string]any{
				"name": in.Name, "time_zone": in.TimeZone, "language": in.Language}}},
			memberWrite(wsID, userID, RoleAdmin, nil),
		},
	}
	u.Events = []store.Event{
		newEvent(EventWorkspaceCreated, wsID, collWorkspaces, wsID, WorkspacePayload{Workspace: wsID, Name: in.Name, TimeZone: in.TimeZone, Language: in.Language}),
		memberAddedEvent(wsID, u.Writes[1]),
	}
	res, err := e.commit(ctx, u)
	if err != nil {
		return Workspace{}, mapStoreErr(err)
	}
	return workspaceFrom(res.Docs[0]), nil
}

// Workspace returns one workspace.
func (e *Engine) Workspace(ctx context.Context, id string) (Workspace, error) {
	if store.ValidateID(id) != nil {
		return Workspace{}, fmt.Errorf("%w: workspace %q", ErrNotFound, id)
	}
	d, err := e.st.Get(ctx, collWorkspaces, id)
	if err != nil {
		return Workspace{}, mapStoreErr(err)
	}
	return workspaceFrom(d), nil
}

// UpdateWorkspace changes name, time zone or language (admins only).
func (e *Engine) UpdateWorkspace(ctx context.Context, a Actor, in WorkspaceInput, version int64) (Workspace, error) {
	if err := e.allow(ctx, a, ActWorkspaceManage, Resource{}); err != nil {
		return Workspace{}, err
	}
	if err := in.check(); err != nil {
		return Workspace{}, err
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{
		Op: store.OpUpdate, Collection: collWorkspaces, ExpectVersion: version,
		Doc: store.Document{ID: a.Workspace, Data: map[string]any{"name": in.Name, "time_zone": in.TimeZone, "language": in.Language}}}},
		Events: []store.Event{newEvent(EventWorkspaceUpdated, a.Workspace, collWorkspaces, a.Workspace,
			WorkspacePayload{Workspace: a.Workspace, Name: in.Name, TimeZone: in.TimeZone, Language: in.Language})}})
	e.zones.Delete(a.Workspace)
	if err != nil {
		return Workspace{}, mapStoreErr(err)
	}
	return workspaceFrom(res.Docs[0]), nil
}

// ZoneTTL bounds how long a process trusts its cached time zone of a
// workspace. A change made through this engine is seen at once (the entry
// is dropped on the write); one made by another process sharing the store
// is seen by this one within ZoneTTL, by the engine's clock.
const ZoneTTL = 5 * time.Second

type zoneEntry struct {
	loc     *time.Location
	expires time.Time
}

// Location returns the time zone of a workspace, cached for at most ZoneTTL.
func (e *Engine) Location(ctx context.Context, ws string) (*time.Location, error) {
	now := e.now()
	if z, ok := e.zones.Load(ws); ok {
		if ze := z.(zoneEntry); now.Before(ze.expires) {
			return ze.loc, nil
		}
	}
	w, err := e.Workspace(ctx, ws)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	e.zones.Store(ws, zoneEntry{loc: loc, expires: now.Add(ZoneTTL)})
	return loc, nil
}

func workspaceFrom(d store.Document) Workspace {
	return Workspace{ID: d.ID, Name: str(d.Data, "name"), TimeZone: str(d.Data, "time_zone"),
		Language: str(d.Data, "language"), Version: d.Version, CreatedAt: d.CreatedAt}
}
