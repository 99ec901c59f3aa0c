package automation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// collRequests keeps one document per "run now": who asked, when, for
// which period, and what it did (the audit of manual runs).
const collRequests = "automation_requests"

// EventRunRequested is committed with each "run now". Payload:
// RunRequestPayload.
const EventRunRequested = "automation.run_requested"

// RunNowResult is what a "run now" did. Tick is the scheduled time of the
// period the runs are keyed by (the latest tick of the schedule at or
// before now): a record (or, without a scan, the schedule) runs once per
// period, whether the timer or a "run now" came first, so Ran counts the
// new runs, AlreadyRun those the period had already made, NotMatched the
// candidates whose condition did not hold.
type RunNowResult struct {
	ID          string    `json:"id"`
	Automation  string    `json:"automation"`
	Tick        time.Time `json:"tick"`
	Ran         int       `json:"ran"`
	AlreadyRun  int       `json:"alreadyRun"`
	NotMatched  int       `json:"notMatched"`
	RequestedBy string    `json:"requestedBy"`
	RequestedAt time.Time `json:"requestedAt"`
}

// RunRequestPayload is the payload of automation.run_requested.
type RunRequestPayload struct {
	PayloadVersion int    `json:"payload_version"`
	Request        string `json:"request"`
	Automation     string `json:"automation"`
	Form           string `json:"form"`
	Tick           string `json:"tick"`
	By             string `json:"by"`
	Ran            int    `json:"ran"`
	AlreadyRun     int    `json:"already_run"`
	NotMatched     int    `json:"not_matched"`
}

// RunNow runs a scheduled automation (or alert rule) at once, as its
// period's tick: those who design its form may; it must be published,
// enabled and scheduled. Its runs are keyed like the timer's for the same
// period (cron:<tick>[:<record>]), so the regular tick does not fire them
// again and a second "run now" in the period adds only what is new (a
// record that fell silent meanwhile). The request is stored with its
// outcome and committed as an automation.run_requested event.
func (s *Service) RunNow(ctx context.Context, a engine.Actor, id string) (RunNowResult, error) {
	au, err := s.designOf(ctx, a, id)
	if err != nil {
		return RunNowResult{}, err
	}
	switch {
	case au.Published == 0:
		return RunNowResult{}, invalid(ferr("published", CodeNotEnabled, nil))
	}
	v, err := s.loadVersion(ctx, au.ID, au.Published)
	if err != nil {
		return RunNowResult{}, err
	}
	switch {
	case v.Design.Trigger.Type != TriggerSchedule:
		return RunNowResult{}, invalid(ferr("trigger.type", CodeNotSchedule, nil))
	case !au.Enabled:
		return RunNowResult{}, invalid(ferr("enabled", CodeDisabled, nil))
	}
	// Compiled from the design just read, not taken from the workspace's
	// index: that follows publishes through the outbox, so right after a
	// publish (or on another process) it may not hold this version yet.
	c, err := s.compiledOf(ctx, au)
	if err != nil || c.cron == nil {
		// Enabled and scheduled but not compiled: it no longer compiles
		// against its form (the timer skips it too).
		if err != nil {
			s.log.Warn("run now: the automation does not compile against its form", "automation", id, "err", err)
		}
		return RunNowResult{}, invalid(ferr("published", CodeNotEnabled, nil))
	}
	loc, err := s.e.Location(ctx, a.Workspace)
	if err != nil {
		return RunNowResult{}, err
	}
	now := s.now()
	tick := periodTick(c, now.In(loc)).UTC()
	out := RunNowResult{ID: store.NewID(), Automation: id, Tick: tick, RequestedBy: a.UserID, RequestedAt: now.UTC()}
	err = s.runScheduleAs(ctx, c, tick, a.UserID, func(r Run) {
		switch r.Status {
		case "":
			out.AlreadyRun++
		case RunNoMatch:
			out.NotMatched++
		default:
			out.Ran++
		}
	})
	if err != nil {
		return RunNowResult{}, err
	}
	p := RunRequestPayload{PayloadVersion: 1, Request: out.ID, Automation: id, Form: au.Form, Tick: store.FormatTime(tick), By: a.UserID,
		Ran: out.Ran, AlreadyRun: out.AlreadyRun, NotMatched: out.NotMatched}
	doc := toMap(p)
	delete(doc, "payload_version")
	doc["workspace"], doc["at"] = a.Workspace, store.FormatTime(now)
	if _, err := s.commit(ctx, store.UnitOfWork{Actor: a.UserID, At: now, Writes: []store.Write{
		{Op: store.OpInsert, Collection: collRequests, Doc: store.Document{ID: out.ID, Data: doc}}},
		Events: []store.Event{{Type: EventRunRequested, Workspace: a.Workspace, Collection: collRequests, DocID: out.ID, Payload: toMap(p)}}}); err != nil {
		return RunNowResult{}, err
	}
	s.log.Info("automation run now", "automation", id, "by", a.UserID, "tick", tick, "ran", out.Ran, "alreadyRun", out.AlreadyRun)
	return out, nil
}

// runScheduleAs is runSchedule for a member's "run now": the runs record
// who asked. visit gets each candidate's run (a zero Run when the period
// already ran it).
func (s *Service) runScheduleAs(ctx context.Context, c *compiled, tick time.Time, by string, visit func(Run)) error {
	key := fmt.Sprintf("cron:%s", store.FormatTime(tick))
	run := func(k *cause) error {
		k.requestedBy = by
		r, err := s.execute(ctx, c, k, live)
		if errors.Is(err, errDuplicateRun) {
			r, err = Run{}, nil
		}
		if err != nil {
			return err
		}
		visit(r)
		return nil
	}
	if c.ver.Design.Trigger.Scan == nil {
		return run(&cause{event: key, eventType: "schedule", form: c.auto.Form, data: map[string]any{}, old: map[string]any{}})
	}
	seen := map[string]bool{}
	err := s.scan(ctx, c, s.now(), func(r engine.Record) error {
		seen[r.ID] = true
		return run(&cause{event: key + ":" + r.ID, eventType: "schedule", form: c.auto.Form, record: r.ID, data: r.Data, old: r.Data, owner: r.Owner})
	})
	if err != nil {
		return err
	}
	if c.alert != nil && c.alert.autoResolve() {
		return s.resolveUnseen(ctx, c, seen)
	}
	return nil
}

// periodTick is the latest tick of c's schedule at or before now (the
// start of the current period), looked for over growing windows up to a
// year back; the next tick when there was none within the year.
func periodTick(c *compiled, now time.Time) time.Time {
	for _, back := range []time.Duration{time.Hour, 25 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour, 367 * 24 * time.Hour} {
		var last time.Time
		for t := c.cron.Next(now.Add(-back)); !t.IsZero() && !t.After(now); t = c.cron.Next(t) {
			last = t
		}
		if !last.IsZero() {
			return last
		}
	}
	return c.cron.Next(now)
}
