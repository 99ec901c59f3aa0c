package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Item is one notification in a user's inbox.
type Item struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Form     string `json:"form,omitempty"`
	Record   string `json:"record,omitempty"`
	Severity string `json:"severity"`
	Read     bool   `json:"read"`
	// ReadAt is set once the item is read.
	ReadAt    *time.Time `json:"readAt,omitempty"`
	CreatedAt time.Time  `json:"createdAt"`
}

// ListOptions select a page of the inbox.
type ListOptions struct {
	// Unread lists only unread items.
	Unread bool
	// After is the previous page's NextCursor.
	After string
	// Limit is the page size: 0 means 20, at most 100.
	Limit int
}

// Page is one page of the inbox, newest first.
type Page struct {
	Items      []Item `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

// maxMarkAll bounds how many items one MarkAllRead call updates.
const maxMarkAll = 10000

var inboxSort = []store.SortKey{{Field: "created", Desc: true}}

func mine(ws, user string) []store.Filter {
	return []store.Filter{store.Where("workspace", store.OpEq, ws), store.Where("recipient", store.OpEq, user)}
}

// List returns a page of user's inbox in ws, newest first.
func (s *Service) List(ctx context.Context, ws, user string, o ListOptions) (Page, error) {
	if o.Limit == 0 {
		o.Limit = 20
	}
	if o.Limit < 1 || o.Limit > 100 {
		return Page{}, &engine.ValidationError{Fields: []field.Error{{Path: "limit", Code: engine.CodeRange, Params: map[string]any{"min": 1, "max": 100}}}}
	}
	fs := append(mine(ws, user), store.Where("inbox", store.OpEq, true))
	if o.Unread {
		fs = append(fs, store.Where("read", store.OpEq, false))
	}
	f := store.And(fs...)
	p, err := s.st.Find(ctx, collItems, store.Query{Filter: &f, Sort: inboxSort, Limit: o.Limit, After: o.After})
	if errors.Is(err, store.ErrInvalidFilter) || errors.Is(err, store.ErrInvalidInput) {
		return Page{}, &engine.ValidationError{Fields: []field.Error{{Path: "cursor", Code: engine.CodeFilter, Params: map[string]any{"reason": "invalid cursor"}}}}
	}
	if err != nil {
		return Page{}, fmt.Errorf("notify: list: %w", err)
	}
	out := Page{Items: make([]Item, 0, len(p.Docs)), NextCursor: p.NextCursor}
	for _, d := range p.Docs {
		out.Items = append(out.Items, itemFrom(d))
	}
	return out, nil
}

// UnreadCount counts user's unread items in ws.
func (s *Service) UnreadCount(ctx context.Context, ws, user string) (int64, error) {
	f := store.And(append(mine(ws, user), store.Where("read", store.OpEq, false))...)
	n, err := s.st.Count(ctx, collItems, store.Query{Filter: &f})
	if err != nil {
		return 0, fmt.Errorf("notify: unread count: %w", err)
	}
	return n, nil
}

// Get returns one of user's items in ws; anyone else's is engine.ErrNotFound.
func (s *Service) Get(ctx context.Context, ws, user, id string) (Item, error) {
	d, err := s.own(ctx, ws, user, id)
	if err != nil {
		return Item{}, err
	}
	return itemFrom(d), nil
}

// own reads an item of user's inbox in ws.
func (s *Service) own(ctx context.Context, ws, user, id string) (store.Document, error) {
	notFound := fmt.Errorf("%w: notification %q", engine.ErrNotFound, id)
	if store.ValidateID(id) != nil {
		return store.Document{}, notFound
	}
	d, err := s.st.Get(ctx, collItems, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Document{}, notFound
	}
	if err != nil {
		return store.Document{}, fmt.Errorf("notify: read notification: %w", err)
	}
	if d.DeletedAt != nil || str(d.Data, "workspace") != ws || str(d.Data, "recipient") != user || d.Data["inbox"] != true {
		return store.Document{}, notFound
	}
	return d, nil
}

// MarkRead marks one of user's items read and returns it.
func (s *Service) MarkRead(ctx context.Context, ws, user, id string) (Item, error) {
	for range 5 {
		d, err := s.own(ctx, ws, user, id)
		if err != nil || d.Data["read"] == true {
			return itemFrom(d), err
		}
		res, err := s.st.Commit(ctx, store.UnitOfWork{Actor: user, Writes: []store.Write{readWrite(d, s.now())}})
		if errors.Is(err, store.ErrConflict) {
			continue // its mail state moved meanwhile: read it again
		}
		if err != nil {
			return Item{}, fmt.Errorf("notify: mark read: %w", err)
		}
		return itemFrom(res.Docs[0]), nil
	}
	return Item{}, fmt.Errorf("%w: notification %q changes concurrently", engine.ErrConflict, id)
}

func readWrite(d store.Document, now time.Time) store.Write {
	data := make(map[string]any, len(d.Data)+1)
	for k, v := range d.Data {
		data[k] = v
	}
	data["read"], data["read_at"] = true, now
	return store.Write{Op: store.OpUpdate, Collection: collItems, Doc: store.Document{ID: d.ID, Data: data}, ExpectVersion: d.Version}
}

// MarkAllRead marks every unread item of user in ws read and returns how
// many it marked.
func (s *Service) MarkAllRead(ctx context.Context, ws, user string) (int, error) {
	f := store.And(append(mine(ws, user), store.Where("read", store.OpEq, false))...)
	marked := 0
	for marked < maxMarkAll {
		p, err := s.st.Find(ctx, collItems, store.Query{Filter: &f, Limit: 200})
		if err != nil {
			return marked, fmt.Errorf("notify: mark all read: %w", err)
		}
		if len(p.Docs) == 0 {
			return marked, nil
		}
		now := s.now()
		writes := make([]store.Write, len(p.Docs))
		for i, d := range p.Docs {
			writes[i] = readWrite(d, now)
		}
		n, err := s.commitEach(ctx, user, writes)
		marked += n
		if err != nil {
			return marked, fmt.Errorf("notify: mark all read: %w", err)
		}
	}
	return marked, nil
}

// commitEach commits writes in one unit where the store has transactions,
// else one by one; a write that lost a race (conflict, gone) is skipped.
// It returns how many were applied.
func (s *Service) commitEach(ctx context.Context, actor string, writes []store.Write) (int, error) {
	if s.st.Capabilities().Transactions {
		_, err := s.st.Commit(ctx, store.UnitOfWork{Actor: actor, Writes: writes})
		if err == nil {
			return len(writes), nil
		}
		if !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
			return 0, err
		}
	}
	n := 0
	for _, w := range writes {
		_, err := s.st.Commit(ctx, store.UnitOfWork{Actor: actor, Writes: []store.Write{w}})
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func itemFrom(d store.Document) Item {
	it := Item{ID: d.ID, Kind: str(d.Data, "kind"), Title: str(d.Data, "title"), Body: str(d.Data, "body"),
		Form: str(d.Data, "form"), Record: str(d.Data, "record"), Severity: str(d.Data, "severity"), CreatedAt: d.CreatedAt}
	it.Read, _ = d.Data["read"].(bool)
	if t, err := store.ParseTime(str(d.Data, "created")); err == nil {
		it.CreatedAt = t
	}
	if t, err := store.ParseTime(str(d.Data, "read_at")); err == nil {
		it.ReadAt = &t
	}
	return it
}
