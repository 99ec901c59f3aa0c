package notify

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Email choices of a channel.
const (
	EmailOff     = "off"
	EmailInstant = "instant"
	EmailDigest  = "digest"
)

// DefaultKind is the preferences entry for kinds not listed.
const DefaultKind = "*"

// KnownKinds are the kinds the product sends today, shown by the
// preferences screen; other kinds follow the DefaultKind entry.
var KnownKinds = []string{"automation", "alert", "task", "webhook"}

// maxKinds bounds the entries of one user's preferences.
const maxKinds = 64

// Channel says how one kind reaches a user.
type Channel struct {
	// InApp puts it in the inbox.
	InApp bool `json:"inApp"`
	// Email is off, instant (one email each) or digest (in the daily digest).
	Email string `json:"email"`
}

// Preferences are one user's choices in one workspace.
type Preferences struct {
	// Language of emails: "zh-CN", "en" or "" for the workspace's.
	Language string `json:"language"`
	// Kinds maps a kind (or DefaultKind) to its channel.
	Kinds map[string]Channel `json:"kinds"`
	// Version is the stored version (0 before the first save), for
	// compare-and-set updates.
	Version int64 `json:"version"`
}

// defaultChannel is in-app on, email off.
var defaultChannel = Channel{InApp: true, Email: EmailOff}

// Channel returns the channel of kind: its own entry, else the default
// entry, else in-app only.
func (p Preferences) Channel(kind string) Channel {
	if c, ok := p.Kinds[kind]; ok {
		return c
	}
	if c, ok := p.Kinds[DefaultKind]; ok {
		return c
	}
	return defaultChannel
}

func prefsID(ws, user string) string { return ws + "." + user }

// Preferences returns user's preferences in ws, filled with the defaults
// for the known kinds.
func (s *Service) Preferences(ctx context.Context, ws, user string) (Preferences, error) {
	p := Preferences{Kinds: map[string]Channel{}}
	d, err := s.st.Get(ctx, collPrefs, prefsID(ws, user))
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return p, fmt.Errorf("notify: read preferences: %w", err)
	case d.DeletedAt == nil:
		p.Version = d.Version
		p.Language = str(d.Data, "language")
		// Kinds are stored as a list: a kind may hold a '.', which a
		// nested document key may not.
		kinds, _ := d.Data["kinds"].([]any)
		for _, v := range kinds {
			m, _ := v.(map[string]any)
			in, _ := m["inApp"].(bool)
			p.Kinds[str(m, "kind")] = Channel{InApp: in, Email: str(m, "email")}
		}
	}
	for _, k := range append([]string{DefaultKind}, KnownKinds...) {
		if _, ok := p.Kinds[k]; !ok {
			p.Kinds[k] = p.Channel(k)
		}
	}
	return p, nil
}

// SetPreferences replaces user's preferences in ws. in.Version must be the
// version read (0 when none was stored); a stale one is engine.ErrConflict.
func (s *Service) SetPreferences(ctx context.Context, ws, user string, in Preferences) (Preferences, error) {
	if err := validatePreferences(in); err != nil {
		return Preferences{}, err
	}
	keys := make([]string, 0, len(in.Kinds))
	for k := range in.Kinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kinds := make([]any, 0, len(keys))
	for _, k := range keys {
		kinds = append(kinds, map[string]any{"kind": k, "inApp": in.Kinds[k].InApp, "email": in.Kinds[k].Email})
	}
	w := store.Write{Op: store.OpInsert, Collection: collPrefs, Doc: store.Document{ID: prefsID(ws, user),
		Data: map[string]any{"workspace": ws, "user": user, "language": in.Language, "kinds": kinds}}}
	if in.Version > 0 {
		w.Op, w.ExpectVersion = store.OpUpdate, in.Version
	}
	_, err := s.st.Commit(ctx, store.UnitOfWork{Actor: user, Writes: []store.Write{w}})
	switch {
	case errors.Is(err, store.ErrDuplicate), errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound):
		return Preferences{}, fmt.Errorf("%w: notification preferences changed meanwhile", engine.ErrConflict)
	case err != nil:
		return Preferences{}, fmt.Errorf("notify: save preferences: %w", err)
	}
	return s.Preferences(ctx, ws, user)
}

func validatePreferences(p Preferences) error {
	var errs []field.Error
	if p.Language != "" && p.Language != "zh-CN" && p.Language != "en" {
		errs = append(errs, field.Error{Path: "language", Code: engine.CodeLanguage, Params: map[string]any{"value": p.Language}})
	}
	if len(p.Kinds) > maxKinds {
		errs = append(errs, field.Error{Path: "kinds", Code: engine.CodeMaxItems, Params: map[string]any{"max": maxKinds}})
	}
	keys := make([]string, 0, len(p.Kinds))
	for k := range p.Kinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != DefaultKind && !kindRE.MatchString(k) {
			errs = append(errs, field.Error{Path: "kinds." + k, Code: CodeKind, Params: map[string]any{"value": k}})
			continue
		}
		switch p.Kinds[k].Email {
		case EmailOff, EmailInstant, EmailDigest:
		default:
			errs = append(errs, field.Error{Path: "kinds." + k + ".email", Code: CodeEmailChannel, Params: map[string]any{"value": p.Kinds[k].Email}})
		}
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}
