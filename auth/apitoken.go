package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// TokenInfo describes an API token; the secret itself is shown only once,
// when the token is created.
type TokenInfo struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Workspace string     `json:"workspace"`
	Scopes    []string   `json:"scopes"`
	CreatedAt time.Time  `json:"createdAt"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// TokenInput creates an API token.
type TokenInput struct {
	Name string `json:"name"`
	// Scopes: "read", "write", "admin" (see ScopeRead); empty means read
	// and write.
	Scopes []string `json:"scopes"`
	// ExpiresAt is optional; a token without one works until revoked.
	ExpiresAt *time.Time `json:"expiresAt"`
}

func invalid(path, code string, params map[string]any) error {
	return &engine.ValidationError{Fields: []field.Error{{Path: path, Code: code, Params: params}}}
}

// CreateToken makes an API token for the actor, bound to the actor's
// workspace. It returns the token's description and the credential to show
// once; only the credential's hash is stored.
func (s *Service) CreateToken(ctx context.Context, a engine.Actor, in TokenInput) (TokenInfo, string, error) {
	if a.UserID == "" || a.Workspace == "" {
		return TokenInfo{}, "", fmt.Errorf("%w: no workspace", engine.ErrForbidden)
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return TokenInfo{}, "", invalid("name", "required", nil)
	}
	if utf8.RuneCountInString(in.Name) > 100 {
		return TokenInfo{}, "", invalid("name", "max_length", map[string]any{"max": 100})
	}
	if len(in.Scopes) == 0 {
		in.Scopes = []string{ScopeRead, ScopeWrite}
	}
	for i, sc := range in.Scopes {
		if sc != ScopeRead && sc != ScopeWrite && sc != ScopeAdmin {
			return TokenInfo{}, "", invalid(fmt.Sprintf("scopes[%d]", i), "option", map[string]any{"value": sc})
		}
	}
	slices.Sort(in.Scopes)
	in.Scopes = slices.Compact(in.Scopes)
	data := map[string]any{"user": a.UserID, "workspace": a.Workspace, "name": in.Name, "scopes": in.Scopes}
	if in.ExpiresAt != nil {
		if !in.ExpiresAt.After(s.now()) {
			return TokenInfo{}, "", invalid("expiresAt", "min", map[string]any{"min": store.FormatTime(s.now())})
		}
		data["expires_at"] = store.FormatTime(*in.ExpiresAt)
	}
	secret := newSecret()
	data["secret_hash"] = hashSecret(secret)
	id := store.NewID()
	res, err := s.st.Commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpInsert, Collection: collTokens,
		Doc: store.Document{ID: id, Data: data}}}})
	if err != nil {
		return TokenInfo{}, "", fmt.Errorf("auth: create token: %w", err)
	}
	s.log.Info("api token created", "user", a.UserID, "token", id, "workspace", a.Workspace)
	return tokenFrom(res.Docs[0]), formatCredential(prefixToken, id, secret), nil
}

// Tokens lists the API tokens of the actor's user, in every workspace.
func (s *Service) Tokens(ctx context.Context, a engine.Actor) ([]TokenInfo, error) {
	f := store.Where("user", store.OpEq, a.UserID)
	q := store.Query{Filter: &f, Sort: []store.SortKey{{Field: store.FieldCreatedAt}}, Limit: store.MaxPageSize}
	out := []TokenInfo{}
	for {
		p, err := s.st.Find(ctx, collTokens, q)
		if err != nil {
			return nil, fmt.Errorf("auth: list tokens: %w", err)
		}
		for _, d := range p.Docs {
			out = append(out, tokenFrom(d))
		}
		if p.NextCursor == "" {
			return out, nil
		}
		q.After = p.NextCursor
	}
}

// RevokeToken deletes one of the actor's API tokens; it stops working at
// once in this process (see Options.CacheTTL for others).
func (s *Service) RevokeToken(ctx context.Context, a engine.Actor, id string) error {
	if store.ValidateID(id) != nil {
		return fmt.Errorf("%w: token %q", engine.ErrNotFound, id)
	}
	d, err := s.st.Get(ctx, collTokens, id)
	if err != nil || str(d.Data, "user") != a.UserID {
		return fmt.Errorf("%w: token %q", engine.ErrNotFound, id)
	}
	s.forget(id)
	_, err = s.st.Commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpHardDelete, Collection: collTokens,
		Doc: store.Document{ID: id}}}})
	if err != nil {
		return fmt.Errorf("auth: revoke token: %w", err)
	}
	s.forget(id)
	s.log.Info("api token revoked", "user", a.UserID, "token", id)
	return nil
}

func tokenFrom(d store.Document) TokenInfo {
	t := TokenInfo{ID: d.ID, Name: str(d.Data, "name"), Workspace: str(d.Data, "workspace"), Scopes: toStrings(d.Data["scopes"]), CreatedAt: d.CreatedAt}
	if exp := str(d.Data, "expires_at"); exp != "" {
		if e, err := store.ParseTime(exp); err == nil {
			t.ExpiresAt = &e
		}
	}
	return t
}
