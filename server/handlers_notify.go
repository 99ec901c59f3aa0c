package server

import (
	"net/url"
	"sort"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/notify"
)

// Notification is one inbox item with the record's address in the UI.
type Notification struct {
	notify.Item
	Link string `json:"link,omitempty"`
}

// NotificationChannel is how one kind reaches the user.
type NotificationChannel struct {
	Kind  string `json:"kind"`
	InApp bool   `json:"inApp"`
	Email string `json:"email"`
}

// NotificationPreferencesInput replaces the user's preferences.
type NotificationPreferencesInput struct {
	Language string                `json:"language"`
	Kinds    []NotificationChannel `json:"kinds"`
	Version  int64                 `json:"version"`
}

// NotificationPreferences are the user's preferences and what the
// instance offers.
type NotificationPreferences struct {
	Language     string                `json:"language"`
	Kinds        []NotificationChannel `json:"kinds"`
	Version      int64                 `json:"version"`
	EmailEnabled bool                  `json:"emailEnabled"`
	DigestHour   int                   `json:"digestHour"`
	KnownKinds   []string              `json:"knownKinds"`
}

// inbox returns the service and the caller's workspace and user; a caller
// without a current workspace has no inbox.
func (s *Server) inbox(c *fiber.Ctx) (*notify.Service, string, string, error) {
	a := actor(c)
	if a.Workspace == "" {
		return nil, "", "", engine.ErrForbidden
	}
	if s.cfg.Notify == nil {
		return nil, a.Workspace, a.UserID, engine.ErrNotFound
	}
	return s.cfg.Notify, a.Workspace, a.UserID, nil
}

func toNotification(it notify.Item) Notification {
	n := Notification{Item: it}
	if it.Form != "" && it.Record != "" {
		n.Link = "/forms/" + url.PathEscape(it.Form) + "/data?record=" + url.QueryEscape(it.Record)
	}
	return n
}

func (s *Server) listNotifications(c *fiber.Ctx) error {
	svc, ws, user, err := s.inbox(c)
	if err != nil {
		return err
	}
	o := notify.ListOptions{After: c.Query("cursor")}
	switch c.Query("unread") {
	case "", "false", "0":
	case "true", "1":
		o.Unread = true
	default:
		return &engine.ValidationError{Fields: []field.Error{{Path: "unread", Code: engine.CodeType}}}
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return &engine.ValidationError{Fields: []field.Error{{Path: "limit", Code: engine.CodeRange, Params: map[string]any{"min": 1, "max": 100}}}}
		}
		o.Limit = n
	}
	p, err := svc.List(c.UserContext(), ws, user, o)
	if err != nil {
		return err
	}
	items := make([]Notification, len(p.Items))
	for i, it := range p.Items {
		items[i] = toNotification(it)
	}
	return c.JSON(fiber.Map{"items": items, "nextCursor": p.NextCursor})
}

func (s *Server) unreadNotificationCount(c *fiber.Ctx) error {
	svc, ws, user, err := s.inbox(c)
	if err != nil {
		return err
	}
	n, err := svc.UnreadCount(c.UserContext(), ws, user)
	if err != nil {
		return err
	}
	// Polled every half minute by every open tab: let no cache keep it.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"count": n})
}

func (s *Server) markNotificationRead(c *fiber.Ctx) error {
	svc, ws, user, err := s.inbox(c)
	if err != nil {
		return err
	}
	it, err := svc.MarkRead(c.UserContext(), ws, user, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toNotification(it))
}

func (s *Server) markAllNotificationsRead(c *fiber.Ctx) error {
	svc, ws, user, err := s.inbox(c)
	if err != nil {
		return err
	}
	n, err := svc.MarkAllRead(c.UserContext(), ws, user)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"marked": n})
}

func (s *Server) preferencesOut(p notify.Preferences, svc *notify.Service) NotificationPreferences {
	out := NotificationPreferences{Language: p.Language, Version: p.Version, EmailEnabled: svc.EmailEnabled(), DigestHour: svc.DigestHour(),
		KnownKinds: notify.KnownKinds, Kinds: make([]NotificationChannel, 0, len(p.Kinds))}
	order := map[string]int{notify.DefaultKind: -1}
	for i, k := range notify.KnownKinds {
		order[k] = i
	}
	for k, ch := range p.Kinds {
		out.Kinds = append(out.Kinds, NotificationChannel{Kind: k, InApp: ch.InApp, Email: ch.Email})
	}
	// The default first, then the known kinds in their order, then the rest by name.
	sort.Slice(out.Kinds, func(i, j int) bool {
		oi, iok := order[out.Kinds[i].Kind]
		oj, jok := order[out.Kinds[j].Kind]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return out.Kinds[i].Kind < out.Kinds[j].Kind
	})
	return out
}

func (s *Server) getNotificationPreferences(c *fiber.Ctx) error {
	svc, ws, user, err := s.inbox(c)
	if err != nil {
		return err
	}
	p, err := svc.Preferences(c.UserContext(), ws, user)
	if err != nil {
		return err
	}
	return c.JSON(s.preferencesOut(p, svc))
}

func (s *Server) putNotificationPreferences(c *fiber.Ctx) error {
	svc, ws, user, err := s.inbox(c)
	if err != nil {
		return err
	}
	var in NotificationPreferencesInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p := notify.Preferences{Language: in.Language, Version: in.Version, Kinds: map[string]notify.Channel{}}
	for i, k := range in.Kinds {
		if _, dup := p.Kinds[k.Kind]; dup {
			return &engine.ValidationError{Fields: []field.Error{{Path: "kinds[" + strconv.Itoa(i) + "].kind", Code: notify.CodeDuplicateKind, Params: map[string]any{"value": k.Kind}}}}
		}
		p.Kinds[k.Kind] = notify.Channel{InApp: k.InApp, Email: k.Email}
	}
	saved, err := svc.SetPreferences(c.UserContext(), ws, user, p)
	if err != nil {
		return err
	}
	return c.JSON(s.preferencesOut(saved, svc))
}
