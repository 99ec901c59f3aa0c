package webhook

import (
	"context"
	"errors"
	"fmt"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// configKind is a collection of workspace configuration that only the
// workspace admins manage: outbound endpoints and inbound hooks. Both are
// read, listed, replaced and deleted the same way, and both act as a
// chosen member (the actor).
type configKind struct {
	coll string
	noun string
}

var (
	kindEndpoint = configKind{coll: collEndpoints, noun: "endpoint"}
	kindInbound  = configKind{coll: collInbound, noun: "inbound hook"}
)

// configDoc reads an item of workspace ws; "" reads it in any workspace
// (the public receiver finds a hook by its id and token). Another
// workspace's item is not found, like a missing one.
func (s *Service) configDoc(ctx context.Context, k configKind, ws, id string) (store.Document, error) {
	notFound := fmt.Errorf("%w: %s %q", engine.ErrNotFound, k.noun, id)
	if store.ValidateID(id) != nil {
		return store.Document{}, notFound
	}
	d, err := s.st.Get(ctx, k.coll, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && (ws != "" && str(d.Data, "workspace") != ws || d.DeletedAt != nil) {
		return store.Document{}, notFound
	}
	return d, err
}

// ownConfigDoc is configDoc of the actor's workspace, for its admins only.
func (s *Service) ownConfigDoc(ctx context.Context, a engine.Actor, k configKind, id string) (store.Document, error) {
	if err := s.admin(ctx, a); err != nil {
		return store.Document{}, err
	}
	return s.configDoc(ctx, k, a.Workspace, id)
}

// listConfig returns the actor's workspace's items, oldest first (admins).
func listConfig[T any](ctx context.Context, s *Service, a engine.Actor, k configKind, from func(store.Document) T) ([]T, error) {
	if err := s.admin(ctx, a); err != nil {
		return nil, err
	}
	docs, err := s.findAll(ctx, k.coll, store.Where("workspace", store.OpEq, a.Workspace), []store.SortKey{{Field: store.FieldCreatedAt}})
	if err != nil {
		return nil, err
	}
	out := make([]T, len(docs))
	for i, d := range docs {
		out[i] = from(d)
	}
	return out, nil
}

// replaceConfig stores new data for an item; version > 0 makes it a
// compare-and-set, whose loss is engine.ErrConflict.
func (s *Service) replaceConfig(ctx context.Context, a engine.Actor, k configKind, id string, data map[string]any, version int64) (store.Document, error) {
	res, err := s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: a.UserID, Writes: []store.Write{{
		Op: store.OpUpdate, Collection: k.coll, ExpectVersion: version, Doc: store.Document{ID: id, Data: data}}}})
	if errors.Is(err, store.ErrConflict) {
		return store.Document{}, fmt.Errorf("%w: %s %s was changed meanwhile", engine.ErrConflict, k.noun, id)
	}
	if err != nil {
		return store.Document{}, err
	}
	return res.Docs[0], nil
}

// deleteConfig removes an item of the actor's workspace for good (admins).
func (s *Service) deleteConfig(ctx context.Context, a engine.Actor, k configKind, id string) error {
	if _, err := s.ownConfigDoc(ctx, a, k, id); err != nil {
		return err
	}
	_, err := s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: a.UserID, Writes: []store.Write{{
		Op: store.OpHardDelete, Collection: k.coll, Doc: store.Document{ID: id}}}})
	return err
}

// carry copies the keys of old that an input does not set (secrets, the
// actor, state the service keeps) into the replacing data.
func carry(data, old map[string]any, keys ...string) {
	for _, k := range keys {
		if v, ok := old[k]; ok {
			data[k] = v
		}
	}
}

// chooseActor decides who an endpoint or hook acts as: chosen, or when
// it is empty the current actor (for a new item, the admin creating it).
// The actor must be a live member of the workspace (not disabled there or
// as a user) allowed acts on form (view for an endpoint's payloads, create
// for an inbound hook's writes); an endpoint of every form needs only a
// live member, the record events of forms it may not see are then not
// delivered.
func (s *Service) chooseActor(ctx context.Context, ws, chosen, current, form string, acts ...engine.Action) (string, []field.Error) {
	id := chosen
	if id == "" {
		id = current
	}
	actor, err := s.actorOf(ctx, ws, id, engine.SourceSystem)
	if err != nil {
		return "", []field.Error{fieldErr("actor", CodeActor, map[string]any{"actor": id})}
	}
	for _, act := range acts {
		if form == "" {
			break
		}
		if _, err := s.e.Authorize(ctx, actor, act, engine.Resource{Form: form}); err != nil {
			return "", []field.Error{fieldErr("actor", CodeActorForm, map[string]any{"actor": id, "form": form, "action": string(act)})}
		}
	}
	return id, nil
}
