package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// User is an account. A user belongs to workspaces through memberships.
// PasswordHash is opaque to the engine (the server hashes with argon2id).
type User struct {
	ID           string `json:"id"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	PasswordHash string `json:"-"`
	Disabled     bool   `json:"disabled"`
	// Home is the workspace whose admins manage the account ("" for none).
	Home      string    `json:"-"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
}

// UserInput creates a user.
type UserInput struct {
	Email        string
	Name         string
	PasswordHash string
	// Home is the workspace that creates the account, whose admins may
	// manage it; "" for an account no workspace manages.
	Home string
}

// NormalizeEmail checks an account email with the email field's rule
// (field.CanonicalEmail) and returns it lower-cased.
func NormalizeEmail(s string) (string, error) {
	addr, ok := field.CanonicalEmail(strings.TrimSpace(s))
	if !ok {
		return "", invalid(fieldErr("email", CodeEmail, nil))
	}
	return addr, nil
}

// CreateUser adds an account; an email already in use is a validation error.
func (e *Engine) CreateUser(ctx context.Context, in UserInput) (User, error) {
	w, err := userWrite(in)
	if err != nil {
		return User{}, err
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: "system", Writes: []store.Write{w},
		Events: []store.Event{userEvent(EventUserCreated, "", w.Doc.ID)}})
	if errors.Is(err, store.ErrDuplicate) {
		return User{}, invalid(fieldErr("email", CodeTaken, nil))
	}
	if err != nil {
		return User{}, mapStoreErr(err)
	}
	return userFrom(res.Docs[0]), nil
}

// User returns one account.
func (e *Engine) User(ctx context.Context, id string) (User, error) {
	if store.ValidateID(id) != nil {
		return User{}, fmt.Errorf("%w: user %q", ErrNotFound, id)
	}
	d, err := e.st.Get(ctx, collUsers, id)
	if err != nil {
		return User{}, mapStoreErr(err)
	}
	if d.DeletedAt != nil {
		return User{}, fmt.Errorf("%w: user %q", ErrNotFound, id)
	}
	return userFrom(d), nil
}

// UserByEmail finds an account by email (case-insensitive).
func (e *Engine) UserByEmail(ctx context.Context, email string) (User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return User{}, fmt.Errorf("%w: user", ErrNotFound)
	}
	f := store.Where("email", store.OpEq, email)
	p, err := e.st.Find(ctx, collUsers, store.Query{Filter: &f, Limit: 1})
	if err != nil {
		return User{}, mapStoreErr(err)
	}
	if len(p.Docs) == 0 {
		return User{}, fmt.Errorf("%w: user", ErrNotFound)
	}
	return userFrom(p.Docs[0]), nil
}

// CountUsers counts live accounts (the server uses it for first-run setup).
func (e *Engine) CountUsers(ctx context.Context) (int64, error) {
	n, err := e.st.Count(ctx, collUsers, store.Query{})
	return n, mapStoreErr(err)
}

// SetPasswordHash replaces a user's password hash.
func (e *Engine) SetPasswordHash(ctx context.Context, id, hash string) error {
	u, err := e.User(ctx, id)
	if err != nil {
		return err
	}
	_, err = e.commit(ctx, store.UnitOfWork{Actor: id, Writes: []store.Write{{Op: store.OpUpdate, Collection: collUsers, ExpectVersion: u.Version,
		Doc: store.Document{ID: id, Data: userData(u.Email, u.Name, hash, u.Disabled, u.Home)}}},
		Events: []store.Event{userEvent(EventUserPasswordChanged, "", id)}})
	return mapStoreErr(err)
}

func userFrom(d store.Document) User {
	dis, _ := d.Data["disabled"].(bool)
	return User{ID: d.ID, Email: str(d.Data, "email"), Name: str(d.Data, "name"), PasswordHash: str(d.Data, "password_hash"),
		Disabled: dis, Home: str(d.Data, "home"), Version: d.Version, CreatedAt: d.CreatedAt}
}
