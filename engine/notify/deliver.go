package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// Codes of invalid notifications and preferences (texts in
// engine/i18n/messages_notify.go).
const (
	// CodeKind: a kind is not ^[a-z][a-z0-9_.]{0,62}$.
	CodeKind = "notify_kind"
	// CodeSeverity: a severity other than info, warning or critical.
	CodeSeverity = "notify_severity"
	// CodeEmailChannel: an email choice other than off, instant or digest.
	CodeEmailChannel = "notify_email_channel"
	// CodeDuplicateKind: a kind is listed twice in a preferences list.
	CodeDuplicateKind = "notify_duplicate_kind"
)

var kindRE = regexp.MustCompile(`^[a-z][a-z0-9_.]{0,62}$`)

// maxRecipients bounds one notification's recipients.
const maxRecipients = 1000

// Mail states of an item.
const (
	mailNone     = ""         // no email
	mailPending  = "pending"  // an email is planned or due
	mailSent     = "sent"     // the email went out
	mailDigest   = "digest"   // waits for the recipient's daily digest
	mailDigested = "digested" // went out in a digest
	mailSkipped  = "skipped"  // email turned off meanwhile
)

// Notify validates every notification, then stores one item per live
// recipient (in one unit where the store has transactions) and plans their
// emails. A notification that fails validation fails the call before
// anything is written. Recipients who are not live members are dropped,
// items whose key was delivered before are deduped, both without error.
func (s *Service) Notify(ctx context.Context, ns ...engine.Notification) error {
	for i := range ns {
		if err := validateNotification(ns[i], fmt.Sprintf("notifications[%d].", i)); err != nil {
			return err
		}
	}
	now := s.now()
	live := map[string]bool{} // workspace|user -> live member
	prefs := map[string]Preferences{}
	var writes []store.Write
	for _, n := range ns {
		seen := map[string]bool{}
		for _, r := range n.Recipients {
			if seen[r] {
				continue
			}
			seen[r] = true
			ok, err := s.liveMember(ctx, live, n.Workspace, r)
			if err != nil {
				return err
			}
			if !ok {
				s.dropped.Add(1)
				continue
			}
			p, ok := prefs[n.Workspace+"|"+r]
			if !ok {
				if p, err = s.Preferences(ctx, n.Workspace, r); err != nil {
					return err
				}
				prefs[n.Workspace+"|"+r] = p
			}
			ch := p.Channel(n.Kind)
			mail := mailNone
			if s.EmailEnabled() {
				switch ch.Email {
				case EmailInstant:
					mail = mailPending
				case EmailDigest:
					mail = mailDigest
				}
			}
			if !ch.InApp && mail == mailNone {
				s.muted.Add(1)
				continue
			}
			writes = append(writes, store.Write{Op: store.OpInsert, Collection: collItems, Doc: store.Document{ID: itemID(n, r), Data: itemData(n, r, ch.InApp, mail, now)}})
		}
	}
	inserted, err := s.insert(ctx, writes)
	if err != nil {
		return err
	}
	for _, d := range inserted {
		if str(d.Data, "mail") == mailPending {
			s.planMail(ctx, d.ID, str(d.Data, "workspace"))
		}
	}
	return nil
}

// validateNotification checks one notification; at prefixes the paths.
func validateNotification(n engine.Notification, at string) error {
	var errs []field.Error
	add := func(path, code string, params map[string]any) {
		errs = append(errs, field.Error{Path: at + path, Code: code, Params: params})
	}
	if store.ValidateID(n.Workspace) != nil {
		add("workspace", engine.CodeRequired, nil)
	}
	if !kindRE.MatchString(n.Kind) {
		add("kind", CodeKind, map[string]any{"value": n.Kind})
	}
	if strings.TrimSpace(n.Title) == "" {
		add("title", engine.CodeRequired, nil)
	} else if utf8.RuneCountInString(n.Title) > maxTitleRunes {
		add("title", engine.CodeMaxLength, map[string]any{"max": maxTitleRunes})
	}
	if utf8.RuneCountInString(n.Body) > maxBodyRunes {
		add("body", engine.CodeMaxLength, map[string]any{"max": maxBodyRunes})
	}
	switch n.Severity {
	case "", "info", "warning", "critical":
	default:
		add("severity", CodeSeverity, map[string]any{"value": n.Severity})
	}
	if len(n.Recipients) > maxRecipients {
		add("recipients", engine.CodeMaxItems, map[string]any{"max": maxRecipients})
	}
	for i, r := range n.Recipients {
		if store.ValidateID(r) != nil {
			add(fmt.Sprintf("recipients[%d]", i), engine.CodeType, nil)
		}
	}
	if (n.Form != "" && store.ValidateID(n.Form) != nil) || (n.Record != "" && store.ValidateID(n.Record) != nil) {
		add("record", engine.CodeType, nil)
	}
	if len(n.Key) > 256 {
		add("key", engine.CodeMaxLength, map[string]any{"max": 256})
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

// liveMember says whether user is an enabled member of ws with an enabled
// account; answers are cached in seen for one call.
func (s *Service) liveMember(ctx context.Context, seen map[string]bool, ws, user string) (bool, error) {
	k := ws + "|" + user
	if ok, found := seen[k]; found {
		return ok, nil
	}
	ok := false
	m, err := s.e.Membership(ctx, ws, user)
	switch {
	case errors.Is(err, engine.ErrNotFound):
	case err != nil:
		return false, err
	case !m.Disabled:
		u, err := s.e.User(ctx, user)
		switch {
		case errors.Is(err, engine.ErrNotFound):
		case err != nil:
			return false, err
		default:
			ok = !u.Disabled
		}
	}
	seen[k] = ok
	return ok, nil
}

// itemID is the item's document id: derived from the key when there is
// one, so that a second delivery of the key is a duplicate insert.
func itemID(n engine.Notification, recipient string) string {
	if n.Key == "" {
		return store.NewID()
	}
	h := sha256.Sum256([]byte(n.Workspace + "\x00" + recipient + "\x00" + n.Kind + "\x00" + n.Key))
	return "ntf" + hex.EncodeToString(h[:20])
}

func itemData(n engine.Notification, recipient string, inbox bool, mail string, now time.Time) map[string]any {
	sev := n.Severity
	if sev == "" {
		sev = "info"
	}
	return map[string]any{
		"workspace": n.Workspace, "recipient": recipient, "kind": n.Kind, "title": n.Title, "body": n.Body,
		"form": n.Form, "record": n.Record, "severity": sev, "key": n.Key,
		// An item kept only as an email's source is never unread.
		"inbox": inbox, "read": !inbox, "mail": mail, "created": now,
	}
}

// insert commits the writes and returns the documents stored; duplicates
// (a key delivered before) are counted and skipped. With transactions the
// writes go in one unit, falling back to one by one when one of them is a
// duplicate.
func (s *Service) insert(ctx context.Context, writes []store.Write) ([]store.Document, error) {
	if len(writes) == 0 {
		return nil, nil
	}
	if len(writes) > 1 && s.st.Capabilities().Transactions {
		res, err := s.st.Commit(ctx, store.UnitOfWork{Actor: actorName, Writes: writes})
		if err == nil {
			s.delivered.Add(int64(len(res.Docs)))
			return res.Docs, nil
		}
		if !errors.Is(err, store.ErrDuplicate) {
			return nil, fmt.Errorf("notify: store notifications: %w", err)
		}
	}
	var out []store.Document
	for _, w := range writes {
		res, err := s.st.Commit(ctx, store.UnitOfWork{Actor: actorName, Writes: []store.Write{w}})
		if errors.Is(err, store.ErrDuplicate) {
			s.deduped.Add(1)
			continue
		}
		if err != nil {
			return out, fmt.Errorf("notify: store notification: %w", err)
		}
		s.delivered.Add(1)
		out = append(out, res.Docs[0])
	}
	return out, nil
}

// planMail plans the email of one item. A failure is logged, not returned:
// the item is stored, and the mail sweep plans it again.
func (s *Service) planMail(ctx context.Context, id, ws string) {
	if s.jobs == nil {
		return
	}
	if _, err := s.jobs.Plan(ctx, jobs.Timer{Job: jobMail, Workspace: ws, Key: "notify_mail." + id, Payload: map[string]any{"id": id}}); err != nil {
		s.log.Warn("notify: could not plan an email; the sweep will", "item", id, "error", err)
	}
}

func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}
