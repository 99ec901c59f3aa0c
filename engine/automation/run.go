package automation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/i18n"
	"github.com/formloom/formloom/engine/store"
)

// cause is what a run is about: the triggering event (or timer) and the
// record it concerns, with its values before and after.
type cause struct {
	// event is the outbox event id, or a timer's key ("date:…", "cron:…").
	event, eventType string
	form, record     string
	// data and old are stored field values after and before (old nil for
	// a create; equal to data when nothing changed, as in a scan).
	data, old map[string]any
	changed   []string
	owner     string
	// by is who made the change (the automation's actor when none).
	by string
	// requestedBy is the member who ran a schedule now (RunNow).
	requestedBy string
	chain       *engine.Chain
	// ev are the event variable's fields from the payload (event_var.go);
	// evVal the variable, built once.
	ev, evVal, vars map[string]any

	// The expression input of the event, built once and shared by every
	// automation of the same form version the event starts (read-only;
	// each run gets its own work budget): 100 candidates cost one record
	// conversion, not 100.
	inForm *engine.Version
	inBy   string
	inBase expr.Input
	loc    *time.Location
	// now and start are the event's instant and when its handling began.
	now, start time.Time
}

// mode says whether a run writes.
type mode int

const (
	live mode = iota
	replay
	dry
)

// runCtx is the state of one run, handed to each action.
type runCtx struct {
	s     *Service
	c     *compiled
	cause *cause
	actor engine.Actor
	in    expr.Input
	chain *engine.Chain
	id    string
	// step is the index of the action being performed.
	step int
	loc  *time.Location
	now  time.Time
}

// runID names the run of version n of automation id for event: the same
// (version, event) is run once, by the consumer or a replay.
func runID(id string, n int, event string) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s|%d|%s", id, n, event)))
	return "run_" + hex.EncodeToString(h[:20])
}

// errDuplicateRun: the (version, event) already ran.
var errDuplicateRun = errors.New("automation: this version already ran for this event")

// execute runs c for cause: loop protection, the condition, then the
// actions in order. A live or replay run is logged when its condition
// matched (or failed to evaluate, or the chain was stopped); a run that
// did not match is only counted. It returns errDuplicateRun when the
// (version, event) already ran.
func (s *Service) execute(ctx context.Context, c *compiled, k *cause, m mode) (Run, error) {
	start := k.start
	if k.now.IsZero() {
		// One event's candidates share its instant (and a run's duration
		// is measured from the event's handling start on the hot path).
		k.now, k.start = s.now(), time.Now()
		start = k.start
	}
	now := k.now
	// The run's id (a hash) is set once the run is logged: most candidates
	// of an event do not match and are only counted.
	r := Run{Workspace: c.auto.Workspace, Automation: c.auto.ID, Name: c.ver.Design.Name,
		Version: c.ver.Number, Form: c.auto.Form, Record: k.record, Event: k.event, EventType: k.eventType,
		Trigger: c.ver.Design.Trigger.Type, Replay: m == replay, DryRun: m == dry, RequestedBy: k.requestedBy, StartedAt: now.UTC(), Actions: []ActionResult{}}
	if ch := k.chain; ch != nil && slices.Contains(ch.Origins, Origin(c.auto.ID)) {
		self := Origin(c.auto.ID)
		if ch.Origins[len(ch.Origins)-1] == self && !c.ver.Design.Retrigger {
			s.stats.Skipped.Add(1)
			if m != dry {
				s.count(ctx, c, now, Outcome{Skipped: 1}, nil)
			}
			return Run{}, nil // its own write: not a new cause
		}
		if ch.Origins[len(ch.Origins)-1] != self {
			r.ID = runID(c.auto.ID, c.ver.Number, k.event)
			r.Status, r.Error = RunStopped, runError(codeLoopCycle, nil2(codeLoopCycle, map[string]any{"origin": self}))
			return s.finishStopped(ctx, c, r, m, start)
		}
	}
	if k.chain != nil && k.chain.Depth >= MaxDepth {
		r.ID = runID(c.auto.ID, c.ver.Number, k.event)
		r.Status, r.Error = RunStopped, runError(codeLoopDepth, nil2(codeLoopDepth, map[string]any{"max": MaxDepth}))
		return s.finishStopped(ctx, c, r, m, start)
	}
	in, err := s.eventInput(ctx, c, k, now)
	if err != nil {
		return Run{}, err
	}
	s.stats.Runs.Add(1)
	matched := true
	if c.cond != nil {
		ok, err := c.cond.Bool(in)
		if err != nil {
			s.stats.ConditionErrors.Add(1)
			s.log.Info("automation condition failed to evaluate: did not match", "automation", c.auto.ID, "event", k.event, "err", err)
			r.ConditionError = err.Error()
		}
		matched = ok && err == nil
	}
	r.Matched = matched
	if !matched && r.ConditionError == "" && m != dry && c.alert == nil {
		// The hot path: most candidates of an event do not match, and
		// cost one condition over the shared input and a count in memory.
		r.Status = RunNoMatch
		s.count(ctx, c, now, Outcome{NotMatched: 1}, nil)
		return r, nil
	}
	r.ID = runID(c.auto.ID, c.ver.Number, k.event)
	start = time.Now()
	rc, err := s.newRunCtx(ctx, c, k, now)
	if err != nil {
		return Run{}, err
	}
	rc.in = in
	rc.id = r.ID
	r.Chain = rc.chain
	if !matched {
		r.Status = RunNoMatch
		if m == dry {
			r.Status = RunPreview
		}
		if m != dry && r.ConditionError != "" {
			r.DurationMS = ms(time.Since(start))
			if err := s.claim(ctx, r); err != nil {
				return Run{}, err
			}
		}
		if m != dry {
			o := Outcome{NotMatched: 1}
			if r.ConditionError != "" {
				o.ConditionErrors = 1
			}
			s.count(ctx, c, now, o, lastErrorOf(r))
		}
		if c.alert != nil && m != dry {
			// An alert rule whose condition no longer holds resolves its
			// open alert (checked on the next event).
			if err := s.autoResolve(ctx, rc); err != nil {
				s.log.Warn("auto-resolve alert", "automation", c.auto.ID, "err", err)
			}
		}
		r.DurationMS = ms(time.Since(start))
		return r, nil
	}
	s.stats.Matched.Add(1)
	if k.owner == "" && k.record != "" && rc.actor.UserID != "" {
		if rec, err := s.e.Record(ctx, rc.actor, c.auto.Form, k.record); err == nil {
			k.owner = rec.Owner
		}
	}
	if m != dry {
		r.Status = RunRunning
		if err := s.claim(ctx, r); err != nil {
			return Run{}, err
		}
	}
	if rc.actor.UserID == "" {
		r.Status = RunFailed
		r.Error = runError(codeActorGone, nil2(codeActorGone, nil))
	} else {
		r.Status = RunSucceeded
		if m == dry {
			r.Status = RunPreview
		}
		failed := false
		for _, st := range c.steps {
			ar := ActionResult{Index: st.index, Kind: st.action.Kind, Name: st.action.Name}
			if failed {
				ar.Status = ActionSkipped
				r.Actions = append(r.Actions, ar)
				continue
			}
			t0 := time.Now()
			rc.step = st.index
			out, err := st.impl.perform(ctx, rc, m == dry)
			ar.DurationMS = ms(time.Since(t0))
			ar.Summary, ar.Detail = out.Summary, out.Detail
			switch {
			case err != nil:
				failed = true
				ar.Status = ActionFailed
				ar.Error = runError(codeActionError, err)
				r.Status = RunFailed
				r.Error = ar.Error
			case m == dry:
				ar.Status = ActionWould
			default:
				ar.Status = ActionOK
			}
			r.Actions = append(r.Actions, ar)
		}
	}
	r.DurationMS = ms(time.Since(start))
	if m == dry {
		return r, nil
	}
	o := Outcome{Matched: 1, Succeeded: 1}
	if r.Status == RunFailed {
		s.stats.Failed.Add(1)
		o.Succeeded, o.Failed = 0, 1
	}
	if err := s.finish(ctx, r); err != nil {
		return r, err
	}
	s.count(ctx, c, now, o, lastErrorOf(r))
	return r, nil
}

// nil2 is an error whose message is the i18n text of code.
func nil2(code string, params map[string]any) error {
	return &textError{zh: i18n.T(i18n.ZhCN, code, params), en: i18n.T(i18n.En, code, params)}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// finishStopped logs a run loop protection stopped.
func (s *Service) finishStopped(ctx context.Context, c *compiled, r Run, m mode, start time.Time) (Run, error) {
	r.DurationMS = ms(time.Since(start))
	if m == dry {
		return r, nil
	}
	s.stats.Stopped.Add(1)
	s.log.Warn("automation chain stopped", "automation", r.Automation, "event", r.Event, "code", r.Error.Code)
	if err := s.claim(ctx, r); err != nil {
		return Run{}, err
	}
	if err := s.finish(ctx, r); err != nil {
		return r, err
	}
	s.count(ctx, c, r.StartedAt, Outcome{Stopped: 1}, lastErrorOf(r))
	return r, nil
}

// newRunCtx prepares the actor, the chain and the expression input of a
// run that goes on past its condition.
func (s *Service) newRunCtx(ctx context.Context, c *compiled, k *cause, now time.Time) (*runCtx, error) {
	in, err := s.eventInput(ctx, c, k, now)
	if err != nil {
		return nil, err
	}
	rc := &runCtx{s: s, c: c, cause: k, loc: k.loc, now: now, in: in}
	if a, err := s.actorFor(ctx, c.auto.Workspace, c.ver.Design.Actor); err == nil {
		rc.actor = a
	}
	self := Origin(c.auto.ID)
	if k.chain != nil {
		rc.chain = &engine.Chain{ID: k.chain.ID, Depth: k.chain.Depth + 1, Origins: append(slices.Clone(k.chain.Origins), self)}
	} else {
		rc.chain = &engine.Chain{ID: k.event, Depth: 1, Origins: []string{self}}
	}
	return rc, nil
}

// eventInput returns the expression input c's condition and mappings run
// with for k: built once per event and form version (k caches it), with a
// work budget of its own per call.
func (s *Service) eventInput(ctx context.Context, c *compiled, k *cause, now time.Time) (expr.Input, error) {
	if k.loc == nil {
		loc, err := s.e.Location(ctx, c.auto.Workspace)
		if err != nil {
			return expr.Input{}, err
		}
		k.loc = loc
	}
	byID := k.by
	if byID == "" {
		byID = c.ver.Design.Actor
	}
	if k.inForm != c.form || k.inBy != byID {
		by, err := s.actorFor(ctx, c.auto.Workspace, byID)
		if err != nil {
			by = engine.Actor{UserID: byID}
		}
		// ExprInput reads the record exactly as the form's own rules do
		// (dates as time.Time, empty fields as nil); user is the one who
		// caused the event (the automation's actor for timers), with all
		// their roles.
		k.inBase = c.form.ExprInput(by, k.data, k.old, now, k.loc)
		k.inBase.User = userValue(by)
		if k.record != "" {
			k.inBase.New[RecordIDName] = k.record
		} else {
			k.inBase.New[RecordIDName] = nil
		}
		k.inForm, k.inBy = c.form, byID
	}
	in := k.inBase
	if k.vars == nil {
		k.vars = map[string]any{eventVar: k.eventValue()}
	}
	in.Vars = k.vars
	in.Budget = expr.NewBudget(0)
	return in, nil
}

// claim inserts the run's log entry; an entry of the same id means the
// (version, event) already ran (errDuplicateRun).
func (s *Service) claim(ctx context.Context, r Run) error {
	_, err := s.st.Commit(ctx, store.UnitOfWork{Actor: r.Automation, At: s.now(), Writes: []store.Write{
		{Op: store.OpInsert, Collection: collRuns, Doc: store.Document{ID: r.ID, Data: runDoc(r)}}}})
	if errors.Is(err, store.ErrDuplicate) {
		return errDuplicateRun
	}
	return err
}

// finish stores the run's outcome; a failed or stopped run also commits
// automation.run_failed.
func (s *Service) finish(ctx context.Context, r Run) error {
	u := store.UnitOfWork{Actor: r.Automation, At: s.now(), Writes: []store.Write{
		{Op: store.OpUpdate, Collection: collRuns, Doc: store.Document{ID: r.ID, Data: runDoc(r)}}}}
	if r.Status == RunFailed || r.Status == RunStopped {
		u.Events = append(u.Events, runFailedEvent(r))
	}
	_, err := s.commit(ctx, u)
	return err
}

// runDoc is the stored form of a run: times in the store's sortable
// layout, under the snake_case keys the store's field paths allow.
func runDoc(r Run) map[string]any {
	m := docOf(r)
	delete(m, "id")
	m["started_at"] = store.FormatTime(r.StartedAt)
	return m
}

func runFrom(d store.Document) (Run, error) {
	var r Run
	err := fromDoc(d.Data, &r)
	r.ID = d.ID
	if s, _ := d.Data["started_at"].(string); s != "" {
		r.StartedAt, _ = store.ParseTime(s)
	}
	return r, err
}

// stepKey is the idempotency key of the action being performed.
func (rc *runCtx) stepKey() string { return fmt.Sprintf("%s.%d", rc.id, rc.step) }
