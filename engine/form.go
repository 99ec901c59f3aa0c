package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// Form (表单) is a form of an app: its editable draft and the number of its
// latest published version. Records are written with a published version.
type Form struct {
	ID          string          `json:"id"`
	App         string          `json:"app"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Draft       form.Definition `json:"draft"`
	// Published is the latest published version number; 0 before the first publish.
	Published int       `json:"published"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// FormInput creates a form or replaces its draft.
type FormInput struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Definition  form.Definition `json:"definition"`
}

// MaxDefinitionBytes bounds the JSON size of one form design.
const MaxDefinitionBytes = 1 << 20

func (in *FormInput) data(ws, app string, published int) (map[string]any, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := checkName("name", in.Name); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		return nil, invalid(fieldErr("description", CodeMaxLength, map[string]any{"max": 2000}))
	}
	if in.Definition.Fields == nil {
		in.Definition.Fields = []form.Field{}
	}
	draft, err := json.Marshal(in.Definition)
	if err != nil {
		return nil, invalid(fieldErr("definition", CodeType, nil))
	}
	if len(draft) > MaxDefinitionBytes {
		return nil, invalid(fieldErr("definition", CodeTooLarge, map[string]any{"max": MaxDefinitionBytes}))
	}
	return map[string]any{"workspace": ws, "app": app, "name": in.Name, "description": in.Description,
		"draft": string(draft), "published": published}, nil
}

// CreateForm adds a form with a draft to an app (admins only).
func (e *Engine) CreateForm(ctx context.Context, a Actor, appID string, in FormInput) (Form, error) {
	if err := e.allow(ctx, a, ActFormDesign, Resource{App: appID}); err != nil {
		return Form{}, err
	}
	if _, err := e.liveScoped(ctx, collApps, a.Workspace, appID); err != nil {
		return Form{}, err
	}
	data, err := in.data(a.Workspace, appID, 0)
	if err != nil {
		return Form{}, err
	}
	id := store.NewID()
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{{Op: store.OpInsert, Collection: collForms, Doc: store.Document{ID: id, Data: data}}},
		Events: []store.Event{newEvent(EventFormCreated, a.Workspace, collForms, id, FormPayload{Form: id, App: appID, Name: in.Name})}})
	if err != nil {
		return Form{}, mapStoreErr(err)
	}
	return formFrom(res.Docs[0])
}

// Forms lists the live forms of an app.
func (e *Engine) Forms(ctx context.Context, a Actor, appID string) ([]Form, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	app, err := e.liveScoped(ctx, collApps, a.Workspace, appID)
	if err != nil {
		return nil, err
	}
	docs, err := e.findAll(ctx, collForms, store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("app", store.OpEq, appID)), []store.SortKey{{Field: store.FieldCreatedAt}})
	if err != nil {
		return nil, err
	}
	out := make([]Form, 0, len(docs))
	for _, d := range docs {
		f, err := formFrom(d)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	// The app's order first, then the forms it does not name, oldest
	// first (ids break ties of the same instant).
	pos := map[string]int{}
	for i, id := range appFrom(app).FormOrder {
		pos[id] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		pi, oi := pos[out[i].ID]
		pj, oj := pos[out[j].ID]
		switch {
		case oi && oj:
			return pi < pj
		case oi != oj:
			return oi
		case !out[i].CreatedAt.Equal(out[j].CreatedAt):
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Form returns one live form of the actor's workspace with its draft.
func (e *Engine) Form(ctx context.Context, a Actor, id string) (Form, error) {
	if err := a.check(); err != nil {
		return Form{}, err
	}
	d, err := e.liveScoped(ctx, collForms, a.Workspace, id)
	if err != nil {
		return Form{}, err
	}
	f, err := formFrom(d)
	if err != nil || f.Published == 0 {
		return f, err
	}
	hidden, err := e.definitionMask(ctx, a, id)
	if err != nil {
		return Form{}, err
	}
	f.Draft = maskDefinition(f.Draft, hidden)
	return f, nil
}

// SaveDraft replaces a form's name, description and draft (admins only).
// Drafts may be incomplete; the builder checks them at publish.
func (e *Engine) SaveDraft(ctx context.Context, a Actor, id string, in FormInput, version int64) (Form, error) {
	if err := e.allow(ctx, a, ActFormDesign, Resource{Form: id}); err != nil {
		return Form{}, err
	}
	d, err := e.liveScoped(ctx, collForms, a.Workspace, id)
	if err != nil {
		return Form{}, err
	}
	pub, _ := d.Data["published"].(float64)
	data, err := in.data(a.Workspace, str(d.Data, "app"), int(pub))
	if err != nil {
		return Form{}, err
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpUpdate, Collection: collForms,
		ExpectVersion: version, Doc: store.Document{ID: id, Data: data}}},
		Events: []store.Event{newEvent(EventFormDraftSaved, a.Workspace, collForms, id, FormPayload{Form: id, App: str(d.Data, "app"), Name: in.Name})}})
	if err != nil {
		return Form{}, mapStoreErr(err)
	}
	return formFrom(res.Docs[0])
}

// DeleteForm moves a form to the recycle bin with its records kept (admins only).
func (e *Engine) DeleteForm(ctx context.Context, a Actor, id string) error {
	if err := e.allow(ctx, a, ActFormDesign, Resource{Form: id}); err != nil {
		return err
	}
	d, err := e.liveScoped(ctx, collForms, a.Workspace, id)
	if err != nil {
		return err
	}
	_, err = e.commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{{Op: store.OpSoftDelete, Collection: collForms, Doc: store.Document{ID: id}}},
		Events: []store.Event{newEvent(EventFormDeleted, a.Workspace, collForms, id, FormPayload{Form: id, App: str(d.Data, "app"), Name: str(d.Data, "name")})}})
	e.current.Delete(id)
	return mapStoreErr(err)
}

func formFrom(d store.Document) (Form, error) {
	f := Form{ID: d.ID, App: str(d.Data, "app"), Name: str(d.Data, "name"), Description: str(d.Data, "description"),
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if p, ok := d.Data["published"].(float64); ok {
		f.Published = int(p)
	}
	if err := json.Unmarshal([]byte(str(d.Data, "draft")), &f.Draft); err != nil {
		return Form{}, fmt.Errorf("engine: form %s has an unreadable draft: %w", d.ID, err)
	}
	return f, nil
}

// RecordCollectionPrefix begins the store collection name of every form's
// records, so outbox readers can tell record events from the others.
const RecordCollectionPrefix = "r_"

// RecordCollection is the store collection of a form's records (the
// Collection of their outbox events).
func RecordCollection(formID string) string { return recordColl(formID) }

// recordColl and historyColl name the collections of a form's records and history.
func recordColl(formID string) string  { return RecordCollectionPrefix + strings.ToLower(formID) }
func historyColl(formID string) string { return "h_" + strings.ToLower(formID) }

// RestoreForm takes a form out of the recycle bin (admins only), with its
// records and versions as they were.
func (e *Engine) RestoreForm(ctx context.Context, a Actor, id string) (Form, error) {
	if err := e.allow(ctx, a, ActFormDesign, Resource{Form: id}); err != nil {
		return Form{}, err
	}
	d, err := e.getScoped(ctx, collForms, a.Workspace, id)
	if err != nil {
		return Form{}, err
	}
	if d.DeletedAt == nil {
		return formFrom(d)
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{{Op: store.OpRestore, Collection: collForms, Doc: store.Document{ID: id}}},
		Events: []store.Event{newEvent(EventFormRestored, a.Workspace, collForms, id, FormPayload{Form: id, App: str(d.Data, "app"), Name: str(d.Data, "name")})}})
	e.current.Delete(id)
	if err != nil {
		return Form{}, mapStoreErr(err)
	}
	return formFrom(res.Docs[0])
}
