package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// sweepWindow is the age of pending emails the sweep plans again: old
// enough that their own plan should have run, young enough that a dead
// letter is not sent again and again (the sweep runs every 10 minutes).
const sweepFrom, sweepTo = 5 * time.Minute, 20 * time.Minute

// reader is who an email goes to: the address and how they read.
type reader struct {
	email, lang string
	loc         *time.Location
}

// readerOf returns the recipient's address, language (their preference,
// else the workspace's) and the workspace's time zone; ok false when the
// recipient is no longer a live member (the email is dropped).
func (s *Service) readerOf(ctx context.Context, ws, user string) (reader, bool, error) {
	live, err := s.liveMember(ctx, map[string]bool{}, ws, user)
	if err != nil || !live {
		return reader{}, false, err
	}
	u, err := s.e.User(ctx, user)
	if err != nil {
		return reader{}, false, err
	}
	p, err := s.Preferences(ctx, ws, user)
	if err != nil {
		return reader{}, false, err
	}
	r := reader{email: u.Email, lang: p.Language, loc: time.UTC}
	w, err := s.e.Workspace(ctx, ws)
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return reader{}, false, err
	}
	if r.lang == "" {
		r.lang = w.Language
	}
	if r.lang == "" {
		r.lang = engine.DefaultLanguage
	}
	if loc, err := s.e.Location(ctx, ws); err == nil {
		r.loc = loc
	}
	return r, true, nil
}

// sendMailTask sends the email of one item: at least once (a crash after
// the send and before the item is marked sends it again).
func (s *Service) sendMailTask(ctx context.Context, t jobs.Task) error {
	id, _ := t.Payload["id"].(string)
	d, err := s.st.Get(ctx, collItems, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted by retention meanwhile
	}
	if err != nil {
		return err
	}
	if str(d.Data, "mail") != mailPending {
		return nil // sent by an earlier run
	}
	state := mailSent
	if s.mailer == nil {
		state = mailSkipped
	} else {
		r, ok, err := s.readerOf(ctx, str(d.Data, "workspace"), str(d.Data, "recipient"))
		if err != nil {
			return err
		}
		if !ok {
			state = mailSkipped
		} else {
			msg, err := render(r.lang, r.loc, s.opts.BaseURL, []Item{itemFrom(d)}, false)
			if err != nil {
				return err
			}
			msg.To = []string{r.email}
			if err := s.mailer.Send(ctx, msg); err != nil {
				return err
			}
			s.emailed.Add(1)
		}
	}
	return s.setMail(ctx, []store.Document{d}, state)
}

// setMail moves items to a mail state; an item changed meanwhile (read) is
// read again, so the state is never lost to a race.
func (s *Service) setMail(ctx context.Context, docs []store.Document, state string) error {
	for _, d := range docs {
		for range 5 {
			data := make(map[string]any, len(d.Data))
			for k, v := range d.Data {
				data[k] = v
			}
			data["mail"] = state
			_, err := s.st.Commit(ctx, store.UnitOfWork{Actor: actorName, Writes: []store.Write{{Op: store.OpUpdate, Collection: collItems,
				Doc: store.Document{ID: d.ID, Data: data}, ExpectVersion: d.Version}}})
			if errors.Is(err, store.ErrNotFound) {
				break
			}
			if !errors.Is(err, store.ErrConflict) {
				if err != nil {
					return fmt.Errorf("notify: mark mail %s: %w", state, err)
				}
				break
			}
			if d, err = s.st.Get(ctx, collItems, d.ID); err != nil {
				break
			}
		}
	}
	return nil
}

// sweepMail plans the emails whose plan was lost.
func (s *Service) sweepMail(ctx context.Context, _ jobs.Task) error {
	now := s.now()
	f := store.And(store.Where("mail", store.OpEq, mailPending),
		store.Where("created", store.OpGte, store.FormatTime(now.Add(-sweepTo))),
		store.Where("created", store.OpLt, store.FormatTime(now.Add(-sweepFrom))))
	p, err := s.st.Find(ctx, collItems, store.Query{Filter: &f, Limit: store.MaxPageSize})
	if err != nil {
		return err
	}
	for _, d := range p.Docs {
		s.planMail(ctx, d.ID, str(d.Data, "workspace"))
	}
	return nil
}
