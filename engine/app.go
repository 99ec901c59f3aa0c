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

// App (应用) groups forms, and later workflows, automations and dashboards.
type App struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Icon        string `json:"icon,omitempty"`
	// FormOrder is the order of the app's forms (form ids) as its admins
	// or its template arranged them; Forms lists them in this order, forms
	// it does not name after, oldest first.
	FormOrder []string  `json:"formOrder"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// AppInput creates or changes an app.
type AppInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Icon        string `json:"icon"`
	// FormOrder, when given (not null), rearranges the app's forms: ids of
	// its live forms, each once; forms it leaves out keep their place
	// after the named ones. Null keeps the current order.
	FormOrder []string `json:"formOrder,omitempty"`
}

// MaxAppForms bounds the ids of an app's form order.
const MaxAppForms = 500

func (in *AppInput) check() error {
	in.Name = strings.TrimSpace(in.Name)
	if err := checkName("name", in.Name); err != nil {
		return err
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		return invalid(fieldErr("description", CodeMaxLength, map[string]any{"max": 2000}))
	}
	if len(in.Icon) > 64 {
		return invalid(fieldErr("icon", CodeMaxLength, map[string]any{"max": 64}))
	}
	return nil
}

func (in AppInput) data(ws string, order []string) map[string]any {
	d := map[string]any{"workspace": ws, "name": in.Name, "description": in.Description, "icon": in.Icon}
	if len(order) > 0 {
		ids := make([]any, len(order))
		for i, id := range order {
			ids[i] = id
		}
		d["form_order"] = ids
	}
	return d
}

// checkFormOrder validates a new form order of app: ids of its live forms,
// each once.
func (e *Engine) checkFormOrder(ctx context.Context, ws, app string, order []string) error {
	if len(order) > MaxAppForms {
		return invalid(fieldErr("formOrder", CodeMaxItems, map[string]any{"max": MaxAppForms}))
	}
	if len(order) == 0 {
		return nil
	}
	docs, err := e.findAll(ctx, collForms, store.And(store.Where("workspace", store.OpEq, ws), store.Where("app", store.OpEq, app)), nil)
	if err != nil {
		return err
	}
	live := map[string]bool{}
	for _, d := range docs {
		live[d.ID] = true
	}
	seen := map[string]bool{}
	var errs []field.Error
	for i, id := range order {
		switch {
		case !live[id]:
			errs = append(errs, fieldErr(fmt.Sprintf("formOrder.%d", i), CodeNotFound, map[string]any{"value": id}))
		case seen[id]:
			errs = append(errs, fieldErr(fmt.Sprintf("formOrder.%d", i), field.CodeDuplicate, map[string]any{"value": id}))
		}
		seen[id] = true
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	return nil
}

// checkAppName refuses a name another live app of the workspace (other than
// self) already has: two apps of one name cannot be told apart in the UI.
func (e *Engine) checkAppName(ctx context.Context, ws, self, name string) error {
	docs, err := e.findAll(ctx, collApps, store.And(store.Where("workspace", store.OpEq, ws), store.Where("name", store.OpEq, name)), nil)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.ID != self {
			return invalid(fieldErr("name", CodeDuplicateName, map[string]any{"name": name}))
		}
	}
	return nil
}

// CreateApp adds an app to the actor's workspace (admins only).
func (e *Engine) CreateApp(ctx context.Context, a Actor, in AppInput) (App, error) {
	if err := e.allow(ctx, a, ActAppManage, Resource{}); err != nil {
		return App{}, err
	}
	if err := in.check(); err != nil {
		return App{}, err
	}
	if err := e.checkAppName(ctx, a.Workspace, "", in.Name); err != nil {
		return App{}, err
	}
	id := store.NewID()
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{{Op: store.OpInsert, Collection: collApps, Doc: store.Document{ID: id, Data: in.data(a.Workspace, nil)}}},
		Events: []store.Event{newEvent(EventAppCreated, a.Workspace, collApps, id, AppPayload{App: id, Name: in.Name})}})
	if err != nil {
		return App{}, mapStoreErr(err)
	}
	return appFrom(res.Docs[0]), nil
}

// Apps lists the live apps of the actor's workspace by name.
func (e *Engine) Apps(ctx context.Context, a Actor) ([]App, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	docs, err := e.findAll(ctx, collApps, store.Where("workspace", store.OpEq, a.Workspace), []store.SortKey{{Field: "name"}})
	if err != nil {
		return nil, err
	}
	out := make([]App, len(docs))
	for i, d := range docs {
		out[i] = appFrom(d)
	}
	return out, nil
}

// App returns one live app of the actor's workspace.
func (e *Engine) App(ctx context.Context, a Actor, id string) (App, error) {
	if err := a.check(); err != nil {
		return App{}, err
	}
	d, err := e.liveScoped(ctx, collApps, a.Workspace, id)
	if err != nil {
		return App{}, err
	}
	return appFrom(d), nil
}

// UpdateApp changes an app (admins only); version is the one the caller read.
func (e *Engine) UpdateApp(ctx context.Context, a Actor, id string, in AppInput, version int64) (App, error) {
	if err := e.allow(ctx, a, ActAppManage, Resource{App: id}); err != nil {
		return App{}, err
	}
	cur, err := e.liveScoped(ctx, collApps, a.Workspace, id)
	if err != nil {
		return App{}, err
	}
	if err := in.check(); err != nil {
		return App{}, err
	}
	if err := e.checkAppName(ctx, a.Workspace, id, in.Name); err != nil {
		return App{}, err
	}
	order := appFrom(cur).FormOrder
	if in.FormOrder != nil {
		if err := e.checkFormOrder(ctx, a.Workspace, id, in.FormOrder); err != nil {
			return App{}, err
		}
		order = in.FormOrder
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpUpdate, Collection: collApps,
		ExpectVersion: version, Doc: store.Document{ID: id, Data: in.data(a.Workspace, order)}}},
		Events: []store.Event{newEvent(EventAppUpdated, a.Workspace, collApps, id, AppPayload{App: id, Name: in.Name})}})
	if err != nil {
		return App{}, mapStoreErr(err)
	}
	return appFrom(res.Docs[0]), nil
}

// DeleteApp moves an app to the recycle bin (admins only). Its forms and
// records stay stored and come back with RestoreApp.
func (e *Engine) DeleteApp(ctx context.Context, a Actor, id string) error {
	if err := e.allow(ctx, a, ActAppManage, Resource{App: id}); err != nil {
		return err
	}
	d, err := e.liveScoped(ctx, collApps, a.Workspace, id)
	if err != nil {
		return err
	}
	_, err = e.commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{{Op: store.OpSoftDelete, Collection: collApps, Doc: store.Document{ID: id}}},
		Events: []store.Event{newEvent(EventAppDeleted, a.Workspace, collApps, id, AppPayload{App: id, Name: str(d.Data, "name")})}})
	e.forgetApp(id)
	return mapStoreErr(err)
}

// RestoreApp takes an app out of the recycle bin (admins only).
func (e *Engine) RestoreApp(ctx context.Context, a Actor, id string) (App, error) {
	if err := e.allow(ctx, a, ActAppManage, Resource{App: id}); err != nil {
		return App{}, err
	}
	d, err := e.getScoped(ctx, collApps, a.Workspace, id)
	if err != nil {
		return App{}, err
	}
	if d.DeletedAt == nil {
		return appFrom(d), nil
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{{Op: store.OpRestore, Collection: collApps, Doc: store.Document{ID: id}}},
		Events: []store.Event{newEvent(EventAppRestored, a.Workspace, collApps, id, AppPayload{App: id, Name: str(d.Data, "name")})}})
	e.forgetApp(id)
	if err != nil {
		return App{}, mapStoreErr(err)
	}
	return appFrom(res.Docs[0]), nil
}

// liveScoped is getScoped that treats deleted items as not found.
func (e *Engine) liveScoped(ctx context.Context, coll, ws, id string) (store.Document, error) {
	d, err := e.getScoped(ctx, coll, ws, id)
	if err != nil {
		return d, err
	}
	if d.DeletedAt != nil {
		return store.Document{}, wrapNotFound(coll, id)
	}
	return d, nil
}

func appFrom(d store.Document) App {
	order := []string{}
	if ids, ok := d.Data["form_order"].([]any); ok {
		for _, id := range ids {
			if s, ok := id.(string); ok {
				order = append(order, s)
			}
		}
	}
	return App{ID: d.ID, Name: str(d.Data, "name"), Description: str(d.Data, "description"), Icon: str(d.Data, "icon"),
		FormOrder: order, Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}
