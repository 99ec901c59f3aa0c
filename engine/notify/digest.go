package notify

import (
	"context"
	"fmt"
	"sort"

	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// maxDigestItems bounds the items one digest run reads per workspace; the
// rest go out on the next run.
const maxDigestItems = 5000

// digestTask sends each recipient of the workspace one email with the
// items waiting for their digest (normally the day's; after downtime all
// of them), grouped by kind, newest first, and marks them digested. A
// failed send fails the task, which is retried; recipients already served
// have nothing waiting any more.
func (s *Service) digestTask(ctx context.Context, t jobs.Task) error {
	if t.Workspace == "" {
		return nil
	}
	_, err := s.SendDigests(ctx, t.Workspace)
	return err
}

// SendDigests sends the waiting digests of workspace ws now and returns
// how many emails went out (the digest schedule calls it; so can an admin
// tool).
func (s *Service) SendDigests(ctx context.Context, ws string) (int, error) {
	f := store.And(store.Where("mail", store.OpEq, mailDigest), store.Where("workspace", store.OpEq, ws),
		store.Where("created", store.OpLte, store.FormatTime(s.now())))
	byUser := map[string][]store.Document{}
	q := store.Query{Filter: &f, Sort: []store.SortKey{{Field: "created"}}, Limit: store.MaxPageSize}
	for n := 0; n < maxDigestItems; {
		p, err := s.st.Find(ctx, collItems, q)
		if err != nil {
			return 0, fmt.Errorf("notify: digest items: %w", err)
		}
		for _, d := range p.Docs {
			r := str(d.Data, "recipient")
			byUser[r] = append(byUser[r], d)
		}
		n += len(p.Docs)
		if p.NextCursor == "" {
			break
		}
		q.After = p.NextCursor
	}
	users := make([]string, 0, len(byUser))
	for u := range byUser {
		users = append(users, u)
	}
	sort.Strings(users)
	sent := 0
	for _, u := range users {
		docs := byUser[u]
		state := mailDigested
		r, ok, err := s.readerOf(ctx, ws, u)
		if err != nil {
			return sent, err
		}
		if !ok || s.mailer == nil {
			state = mailSkipped
		} else {
			msg, err := render(r.lang, r.loc, s.opts.BaseURL, digestItems(docs), true)
			if err != nil {
				return sent, err
			}
			msg.To = []string{r.email}
			if err := s.mailer.Send(ctx, msg); err != nil {
				return sent, err
			}
			s.digests.Add(1)
			sent++
		}
		if err := s.setMail(ctx, docs, state); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// digestItems orders a recipient's items by kind, then newest first.
func digestItems(docs []store.Document) []Item {
	items := make([]Item, len(docs))
	for i, d := range docs {
		items[i] = itemFrom(d)
	}
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].Kind != items[j].Kind {
			return items[i].Kind < items[j].Kind
		}
		return items[i].CreatedAt.After(items[j].CreatedAt)
	})
	return items
}
