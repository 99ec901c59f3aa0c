package automation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// MaxScanRecords bounds the records one scheduled scan visits.
const MaxScanRecords = 100_000

func cronTimer(id string) string         { return "auto_cron." + id }
func dateTimer(id, record string) string { return "auto_date." + id + "." + record }

// planTriggers plans the timers a published, enabled automation needs:
// the next tick of a schedule; for a date-relative trigger, the timers of
// the records whose date is still ahead.
func (s *Service) planTriggers(ctx context.Context, c *compiled) error {
	if s.rt == nil || !c.auto.Enabled {
		return nil
	}
	switch c.ver.Design.Trigger.Type {
	case TriggerSchedule:
		return s.planCron(ctx, c, s.now())
	case TriggerDate:
		return s.planExistingDates(ctx, c)
	}
	return nil
}

// cancelTriggers cancels the schedule timer; date timers of a disabled
// automation are dropped when they fire (the automation is not enabled).
func (s *Service) cancelTriggers(ctx context.Context, c *compiled) error {
	if s.rt == nil || c.ver.Design.Trigger.Type != TriggerSchedule {
		return nil
	}
	return s.rt.Cancel(ctx, cronTimer(c.auto.ID))
}

// planCron plans the next tick after `after`, in the workspace's zone.
func (s *Service) planCron(ctx context.Context, c *compiled, after time.Time) error {
	loc, err := s.e.Location(ctx, c.auto.Workspace)
	if err != nil {
		return err
	}
	next := c.cron.Next(after.In(loc))
	if next.IsZero() {
		return nil
	}
	_, err = s.rt.Plan(ctx, jobs.Timer{ID: cronTimer(c.auto.ID), Job: jobCron, Workspace: c.auto.Workspace, DueAt: next, Key: cronTimer(c.auto.ID),
		Payload: map[string]any{"automation": c.auto.ID, "version": float64(c.ver.Number)}})
	return err
}

// handleCron runs one tick of a schedule and plans the next.
func (s *Service) handleCron(ctx context.Context, t jobs.Task) error {
	id, _ := t.Payload["automation"].(string)
	idx, err := s.index(ctx, t.Workspace)
	if err != nil {
		return err
	}
	c := idx.byID[id]
	if c == nil || c.ver.Design.Trigger.Type != TriggerSchedule {
		return nil // disabled, deleted or no longer a schedule
	}
	tick := t.DueAt.UTC()
	if err := s.runSchedule(ctx, c, tick, live, nil); err != nil {
		return err
	}
	return s.planCron(ctx, c, tick)
}

// runSchedule runs a schedule's tick: once, or once per record of its
// scan. Each record's run is keyed by the tick, so a retried tick does not
// run a record twice. visit, when set, receives each run (dry runs).
func (s *Service) runSchedule(ctx context.Context, c *compiled, tick time.Time, m mode, visit func(Run)) error {
	key := fmt.Sprintf("cron:%s", store.FormatTime(tick))
	sc := c.ver.Design.Trigger.Scan
	if sc == nil {
		r, err := s.execute(ctx, c, &cause{event: key, eventType: "schedule", form: c.auto.Form, data: map[string]any{}, old: map[string]any{}}, m)
		if err != nil && !errors.Is(err, errDuplicateRun) {
			return err
		}
		if visit != nil {
			visit(r)
		}
		return nil
	}
	seen := map[string]bool{}
	err := s.scan(ctx, c, tick, func(r engine.Record) error {
		seen[r.ID] = true
		k := &cause{event: key + ":" + r.ID, eventType: "schedule", form: c.auto.Form, record: r.ID, data: r.Data, old: r.Data, owner: r.Owner}
		run, err := s.execute(ctx, c, k, m)
		if err != nil && !errors.Is(err, errDuplicateRun) {
			return err
		}
		if visit != nil {
			visit(run)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if c.alert != nil && c.alert.autoResolve() && m == live {
		return s.resolveUnseen(ctx, c, seen)
	}
	return nil
}

// scan visits, page by page, the records a scheduled scan selects: a
// store query on the index of its date field (or updatedAt), never every
// record of the form.
func (s *Service) scan(ctx context.Context, c *compiled, at time.Time, visit func(engine.Record) error) error {
	sc := c.ver.Design.Trigger.Scan
	actor, err := s.actorFor(ctx, c.auto.Workspace, c.ver.Design.Actor)
	if err != nil {
		return nil // the run cannot act; nothing to visit
	}
	loc, err := s.e.Location(ctx, c.auto.Workspace)
	if err != nil {
		return err
	}
	cut := at.Add(-time.Duration(sc.OlderThanDays) * 24 * time.Hour)
	var bound any = store.FormatTime(cut)
	if f, ok := c.form.Field(sc.Field); ok && f.Type == "date" {
		bound = cut.In(loc).Format("2006-01-02")
	}
	conds := []store.Filter{store.Where(sc.Field, store.OpLt, bound)}
	if sc.Filter != nil {
		conds = append(conds, *sc.Filter)
	}
	f := store.And(conds...)
	q := engine.RecordQuery{Filter: &f, Limit: store.MaxPageSize, Sort: []store.SortKey{{Field: sc.Field}}}
	n := 0
	for {
		p, err := s.e.QueryRecords(ctx, actor, c.auto.Form, q)
		if err != nil {
			return err
		}
		for _, r := range p.Items {
			if n++; n > MaxScanRecords {
				s.log.Warn("scan stopped at its limit", "automation", c.auto.ID, "limit", MaxScanRecords)
				return nil
			}
			if err := visit(r); err != nil {
				return err
			}
		}
		if p.NextCursor == "" {
			return nil
		}
		q.Cursor = p.NextCursor
	}
}

// resolveUnseen resolves the rule's open alerts whose record the scan did
// not select any more (activity resumed).
func (s *Service) resolveUnseen(ctx context.Context, c *compiled, seen map[string]bool) error {
	f := store.And(store.Where("rule", store.OpEq, c.auto.ID), store.Where("open_key", store.OpExists, true))
	q := store.Query{Filter: &f, Limit: store.MaxPageSize, Sort: []store.SortKey{{Field: "raised_at"}}}
	for {
		p, err := s.st.Find(ctx, collAlerts, q)
		if err != nil {
			return err
		}
		for _, d := range p.Docs {
			a, err := alertFrom(d)
			if err != nil {
				return err
			}
			if a.Record != "" && !seen[a.Record] {
				if _, err := s.transition(ctx, a, AlertResolved, "", "auto"); err != nil && !errors.Is(err, engine.ErrConflict) {
					return err
				}
			}
		}
		if p.NextCursor == "" {
			return nil
		}
		q.After = p.NextCursor
	}
}

// dateDue is when a date-relative trigger fires for value (a date or
// datetime field's stored value); zero for an empty or unreadable value.
func (s *Service) dateDue(ctx context.Context, c *compiled, value any) (time.Time, string) {
	str, _ := value.(string)
	if str == "" {
		return time.Time{}, ""
	}
	dt := c.ver.Design.Trigger.Date
	loc, err := s.e.Location(ctx, c.auto.Workspace)
	if err != nil {
		return time.Time{}, ""
	}
	if f, _ := c.form.Field(dt.Field); f != nil && f.Type == "date" {
		day, err := time.ParseInLocation("2006-01-02", str[:min(len(str), 10)], loc)
		if err != nil {
			return time.Time{}, ""
		}
		hm := dt.Time
		if hm == "" {
			hm = "09:00"
		}
		clock, _ := time.Parse("15:04", hm)
		return time.Date(day.Year(), day.Month(), day.Day()+dt.OffsetDays, clock.Hour(), clock.Minute(), 0, 0, loc), str
	}
	t, err := time.Parse(time.RFC3339Nano, str)
	if err != nil {
		return time.Time{}, ""
	}
	return t.AddDate(0, 0, dt.OffsetDays), str
}

// planDate re-plans a record's date timer after its event: a new value
// plans it (once per record and value: the run is keyed by the value), an
// emptied date or a delete cancels it.
func (s *Service) planDate(ctx context.Context, c *compiled, k *cause) error {
	if s.rt == nil {
		return nil
	}
	field := c.ver.Design.Trigger.Date.Field
	id := dateTimer(c.auto.ID, k.record)
	switch k.eventType {
	case string(engine.EventRecordDeleted):
		return s.rt.Cancel(ctx, id)
	case string(engine.EventRecordUpdated):
		if !watches(map[string]bool{field: true}, k.changed) {
			return nil
		}
	}
	due, value := s.dateDue(ctx, c, k.data[field])
	if due.IsZero() || due.Before(s.now().Add(-24*time.Hour)) {
		return s.rt.Cancel(ctx, id)
	}
	_, err := s.rt.Plan(ctx, jobs.Timer{ID: id, Job: jobDate, Workspace: c.auto.Workspace, DueAt: due,
		Payload: map[string]any{"automation": c.auto.ID, "record": k.record, "value": value}})
	return err
}

// planExistingDates plans the timers of records that already hold a date
// still ahead when a date-relative automation is published or enabled.
func (s *Service) planExistingDates(ctx context.Context, c *compiled) error {
	actor, err := s.actorFor(ctx, c.auto.Workspace, c.ver.Design.Actor)
	if err != nil {
		return err
	}
	dt := c.ver.Design.Trigger.Date
	loc, err := s.e.Location(ctx, c.auto.Workspace)
	if err != nil {
		return err
	}
	from := s.now().AddDate(0, 0, -dt.OffsetDays-1)
	var bound any = store.FormatTime(from)
	if f, _ := c.form.Field(dt.Field); f != nil && f.Type == "date" {
		bound = from.In(loc).Format("2006-01-02")
	}
	f := store.Where(dt.Field, store.OpGte, bound)
	q := engine.RecordQuery{Filter: &f, Limit: store.MaxPageSize, Sort: []store.SortKey{{Field: dt.Field}}}
	for n := 0; n < MaxScanRecords; {
		p, err := s.e.QueryRecords(ctx, actor, c.auto.Form, q)
		if err != nil {
			return err
		}
		for _, r := range p.Items {
			n++
			k := &cause{eventType: string(engine.EventRecordCreated), record: r.ID, data: r.Data}
			if err := s.planDate(ctx, c, k); err != nil {
				return err
			}
		}
		if p.NextCursor == "" {
			return nil
		}
		q.Cursor = p.NextCursor
	}
	return nil
}

// handleDate runs a date timer: the record must still hold the value it
// was planned for.
func (s *Service) handleDate(ctx context.Context, t jobs.Task) error {
	id, _ := t.Payload["automation"].(string)
	rec, _ := t.Payload["record"].(string)
	value, _ := t.Payload["value"].(string)
	idx, err := s.index(ctx, t.Workspace)
	if err != nil {
		return err
	}
	c := idx.byID[id]
	if c == nil || c.ver.Design.Trigger.Type != TriggerDate {
		return nil
	}
	actor, err := s.actorFor(ctx, t.Workspace, c.ver.Design.Actor)
	if err != nil {
		return nil
	}
	r, err := s.e.Record(ctx, actor, c.auto.Form, rec)
	if errors.Is(err, engine.ErrNotFound) || errors.Is(err, engine.ErrForbidden) {
		return nil
	}
	if err != nil {
		return err
	}
	if r.DeletedAt != nil || fmt.Sprint(r.Data[c.ver.Design.Trigger.Date.Field]) != value {
		return nil // stale: the date changed and was re-planned
	}
	k := &cause{event: "date:" + rec + ":" + value, eventType: "date", form: c.auto.Form, record: rec, data: r.Data, old: r.Data, owner: r.Owner}
	return s.runOne(ctx, c, k)
}

// handleCleanup deletes the runs older than the retention, page by page.
func (s *Service) handleCleanup(ctx context.Context, _ jobs.Task) error {
	if _, err := s.Cleanup(ctx); err != nil {
		return err
	}
	_, err := s.cleanupStats(ctx)
	return err
}

// Cleanup deletes runs older than the retention and returns how many.
func (s *Service) Cleanup(ctx context.Context) (int, error) {
	cut := store.FormatTime(s.now().Add(-s.opts.Retention))
	f := store.Where("started_at", store.OpLt, cut)
	total := 0
	for {
		p, err := s.st.Find(ctx, collRuns, store.Query{Filter: &f, Limit: 500, Sort: []store.SortKey{{Field: "started_at"}}})
		if err != nil {
			return total, err
		}
		if len(p.Docs) == 0 {
			return total, nil
		}
		for _, d := range p.Docs {
			if _, err := s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Writes: []store.Write{{Op: store.OpHardDelete, Collection: collRuns, Doc: store.Document{ID: d.ID}}}}); err != nil && !errors.Is(err, store.ErrNotFound) {
				return total, err
			}
			total++
		}
	}
}
