package template

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// collInstallations keeps one document per app installed from a
// template, keyed by the app id.
const collInstallations = "app_templates"

// Installation is what the installer remembers of an app installed from
// a template: which template and version, when, the package as installed
// (the base of the next upgrade's three-way merge) and the ids its keys
// got, per kind.
type Installation struct {
	App     string `json:"app"`
	Key     string `json:"key"`
	Version string `json:"version"`
	// Locale is the language the template was installed in; upgrades
	// apply the same overlay.
	Locale      string                       `json:"locale,omitempty"`
	InstalledAt time.Time                    `json:"installedAt"`
	UpgradedAt  *time.Time                   `json:"upgradedAt,omitempty"`
	Refs        map[string]map[string]string `json:"refs"`
	Base        *Package                     `json:"-"`
	// DocVersion is the stored document's version (optimistic concurrency).
	DocVersion int64 `json:"-"`
}

// Installed returns the installation record of appID, ErrNotFound when the
// app was not installed from a template.
func (s *Service) Installed(ctx context.Context, a engine.Actor, appID string) (*Installation, error) {
	if _, err := s.e.App(ctx, a, appID); err != nil {
		return nil, err
	}
	d, err := s.e.Store().Get(ctx, collInstallations, appID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.Data["workspace"] != a.Workspace) {
		return nil, fmt.Errorf("%w: app %s was not installed from a template", engine.ErrNotFound, appID)
	}
	if err != nil {
		return nil, err
	}
	in := &Installation{App: appID, DocVersion: d.Version, InstalledAt: d.CreatedAt}
	in.Key, _ = d.Data["key"].(string)
	in.Version, _ = d.Data["version"].(string)
	in.Locale, _ = d.Data["locale"].(string)
	if d.Version > 1 {
		t := d.UpdatedAt
		in.UpgradedAt = &t
	}
	if raw, ok := d.Data["refs"].(string); ok {
		_ = json.Unmarshal([]byte(raw), &in.Refs)
	}
	if raw, ok := d.Data["base"].(string); ok {
		var p Package
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return nil, fmt.Errorf("template: installation of app %s has an unreadable base: %w", appID, err)
		}
		in.Base = &p
	}
	return in, nil
}

// refsOf returns the TemplateRefs of an installation.
func refsOf(ws, app string, m map[string]map[string]string) *engine.TemplateRefs {
	refs := engine.NewTemplateRefs(ws, app)
	for kind, ids := range m {
		for k, id := range ids {
			refs.Set(kind, k, id)
		}
	}
	return refs
}

// refsMap is refs as stored, for the kinds named.
func refsMap(refs *engine.TemplateRefs, kinds []string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, k := range kinds {
		if m := refs.Keys(k); len(m) > 0 {
			out[k] = m
		}
	}
	return out
}

// saveInstallation writes the installation record of app (version: the
// stored document's version, 0 to create it).
func (s *Service) saveInstallation(ctx context.Context, a engine.Actor, app, locale string, base *Package, refs map[string]map[string]string, version int64) error {
	b, err := json.Marshal(base)
	if err != nil {
		return err
	}
	r, err := json.Marshal(refs)
	if err != nil {
		return err
	}
	w := store.Write{Op: store.OpInsert, Collection: collInstallations, Doc: store.Document{ID: app, Data: map[string]any{
		"workspace": a.Workspace, "app": app, "key": base.Template.Key, "version": base.Template.Version,
		"locale": locale, "base": string(b), "refs": string(r)}}}
	if version > 0 {
		w.Op, w.ExpectVersion = store.OpUpdate, version
	}
	_, err = s.e.Store().Commit(ctx, store.UnitOfWork{Actor: a.UserID, At: s.e.Now(), Writes: []store.Write{w}})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%w: the installation of app %s changed meanwhile", engine.ErrConflict, app)
	}
	return err
}

func (s *Service) deleteInstallation(ctx context.Context, a engine.Actor, app string) error {
	_, err := s.e.Store().Commit(ctx, store.UnitOfWork{Actor: a.UserID, At: s.e.Now(),
		Writes: []store.Write{{Op: store.OpHardDelete, Collection: collInstallations, Doc: store.Document{ID: app}}}})
	if isNotFound(err) {
		return nil
	}
	return err
}
