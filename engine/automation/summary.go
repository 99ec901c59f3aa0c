package automation

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/i18n"
	"github.com/formloom/formloom/engine/store"
)

// collStats holds the run counts per automation and hour (one document
// each), read by Summary.
const collStats = "automation_stats"

// statsFlushEvery is how often a process writes the counts it buffered;
// a Summary read flushes the reading process's counts first.
const statsFlushEvery = time.Minute

// Outcome counts the runs of an automation by how they ended. A run whose
// condition held is Matched and then Succeeded or Failed; NotMatched
// includes ConditionErrors (a condition that failed to evaluate);
// Skipped are events of its own writes (no retrigger), Stopped runs loop
// protection stopped. Dry runs are not counted; replays are.
type Outcome struct {
	Matched         int64 `json:"matched"`
	NotMatched      int64 `json:"notMatched"`
	ConditionErrors int64 `json:"conditionErrors"`
	Succeeded       int64 `json:"succeeded"`
	Failed          int64 `json:"failed"`
	Stopped         int64 `json:"stopped"`
	Skipped         int64 `json:"skipped"`
}

func (o *Outcome) add(x Outcome) {
	o.Matched += x.Matched
	o.NotMatched += x.NotMatched
	o.ConditionErrors += x.ConditionErrors
	o.Succeeded += x.Succeeded
	o.Failed += x.Failed
	o.Stopped += x.Stopped
	o.Skipped += x.Skipped
}

// LastError is the newest error of an automation's runs: a failed action,
// a stopped chain or a condition that failed to evaluate.
type LastError struct {
	At      time.Time         `json:"at"`
	Run     string            `json:"run,omitempty"`
	Event   string            `json:"event,omitempty"`
	Code    string            `json:"code"`
	Message map[string]string `json:"message"`
}

// RunSummary is an automation's run counts over the last 24 hours and 7
// days (by hour: the current hour and the 23, or 167, before it) and its
// last error of those 7 days.
type RunSummary struct {
	Automation string     `json:"automation"`
	Last24h    Outcome    `json:"last24h"`
	Last7d     Outcome    `json:"last7d"`
	LastError  *LastError `json:"lastError,omitempty"`
}

// tallyKey is one automation's hour.
type tallyKey struct {
	ws, auto string
	hour     int64 // hours since the Unix epoch
}

type tallyEntry struct {
	counts Outcome
	last   *LastError
}

// tally buffers run counts in memory, so the hot path (a candidate whose
// condition does not hold) writes nothing to the store.
type tally struct {
	mu        sync.Mutex
	m         map[tallyKey]*tallyEntry
	lastFlush time.Time // wall clock
	flushing  sync.Mutex
}

func hourOf(t time.Time) string { return t.UTC().Format("2006010215") }

// count adds one run's outcome (at the engine's time at) to the buffer and
// flushes it when statsFlushEvery has passed.
func (s *Service) count(ctx context.Context, c *compiled, at time.Time, o Outcome, last *LastError) {
	k := tallyKey{ws: c.auto.Workspace, auto: c.auto.ID, hour: at.Unix() / 3600}
	t := &s.tally
	t.mu.Lock()
	if t.m == nil {
		t.m = map[tallyKey]*tallyEntry{}
		t.lastFlush = time.Now()
	}
	e := t.m[k]
	if e == nil {
		e = &tallyEntry{}
		t.m[k] = e
	}
	e.counts.add(o)
	if last != nil && (e.last == nil || !last.At.Before(e.last.At)) {
		e.last = last
	}
	due := time.Since(t.lastFlush) >= statsFlushEvery
	t.mu.Unlock()
	if due {
		if err := s.FlushStats(ctx); err != nil {
			s.log.Warn("flush automation run counts", "err", err)
		}
	}
}

// FlushStats writes the run counts this process buffered to the store
// (the summary of another process reads them from there). Counts a write
// could not store stay buffered for the next flush.
func (s *Service) FlushStats(ctx context.Context) error {
	t := &s.tally
	t.flushing.Lock()
	defer t.flushing.Unlock()
	t.mu.Lock()
	pending := t.m
	t.m = map[tallyKey]*tallyEntry{}
	t.lastFlush = time.Now()
	t.mu.Unlock()
	var first error
	for k, e := range pending {
		if err := s.flushOne(ctx, k, e); err != nil {
			if first == nil {
				first = err
			}
			t.mu.Lock()
			if cur := t.m[k]; cur != nil {
				cur.counts.add(e.counts)
				if cur.last == nil {
					cur.last = e.last
				}
			} else {
				t.m[k] = e
			}
			t.mu.Unlock()
		}
	}
	return first
}

// flushOne adds e to the stored document of k: a compare-and-set on its
// version (insert when missing), retried when another process wrote it
// in between.
func (s *Service) flushOne(ctx context.Context, k tallyKey, e *tallyEntry) error {
	hour := hourOf(time.Unix(k.hour*3600, 0))
	id := fmt.Sprintf("%s.%s", k.auto, hour)
	for attempt := 0; attempt < 20; attempt++ {
		d, err := s.st.Get(ctx, collStats, id)
		var w store.Write
		switch {
		case errors.Is(err, store.ErrNotFound):
			doc := statsDoc{Workspace: k.ws, Automation: k.auto, Hour: hour, Counts: e.counts, LastError: e.last}
			w = store.Write{Op: store.OpInsert, Collection: collStats, Doc: store.Document{ID: id, Data: doc.data()}}
		case err != nil:
			return err
		default:
			var doc statsDoc
			if err := fromDoc(d.Data, &doc); err != nil {
				return err
			}
			doc.Counts.add(e.counts)
			if e.last != nil && (doc.LastError == nil || !e.last.At.Before(doc.LastError.At)) {
				doc.LastError = e.last
			}
			w = store.Write{Op: store.OpUpdate, Collection: collStats, ExpectVersion: d.Version, Doc: store.Document{ID: id, Data: doc.data()}}
		}
		_, err = s.st.Commit(ctx, store.UnitOfWork{Actor: k.auto, At: s.now(), Writes: []store.Write{w}})
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrDuplicate) {
			continue
		}
		return err
	}
	return fmt.Errorf("automation: run counts of %s: too many concurrent writers", id)
}

// statsDoc is one stored hour of one automation.
type statsDoc struct {
	Workspace  string     `json:"workspace"`
	Automation string     `json:"automation"`
	Hour       string     `json:"hour"`
	Counts     Outcome    `json:"counts"`
	LastError  *LastError `json:"lastError,omitempty"`
}

func (d statsDoc) data() map[string]any { return docOf(d) }

// Summary returns an automation's run counts and last error (its
// designers). Counts another process buffered appear once it flushes them
// (at most statsFlushEvery after its next run).
func (s *Service) Summary(ctx context.Context, a engine.Actor, id string) (RunSummary, error) {
	au, err := s.designOf(ctx, a, id)
	if err != nil {
		return RunSummary{}, err
	}
	return s.summary(ctx, au)
}

func (s *Service) summary(ctx context.Context, au Automation) (RunSummary, error) {
	if err := s.FlushStats(ctx); err != nil {
		s.log.Warn("flush automation run counts", "err", err)
	}
	now := s.now()
	day, week := hourOf(now.Add(-23*time.Hour)), hourOf(now.Add(-167*time.Hour))
	f := store.And(store.Where("automation", store.OpEq, au.ID), store.Where("hour", store.OpGte, week))
	out := RunSummary{Automation: au.ID}
	q := store.Query{Filter: &f, Sort: []store.SortKey{{Field: "automation"}, {Field: "hour"}}, Limit: 200}
	for {
		p, err := s.st.Find(ctx, collStats, q)
		if err != nil {
			return RunSummary{}, err
		}
		for _, d := range p.Docs {
			var doc statsDoc
			if err := fromDoc(d.Data, &doc); err != nil {
				return RunSummary{}, err
			}
			if doc.Workspace != au.Workspace {
				continue
			}
			out.Last7d.add(doc.Counts)
			if doc.Hour >= day {
				out.Last24h.add(doc.Counts)
			}
			if l := doc.LastError; l != nil && (out.LastError == nil || !l.At.Before(out.LastError.At)) {
				out.LastError = l
			}
		}
		if p.NextCursor == "" {
			return out, nil
		}
		q.After = p.NextCursor
	}
}

// lastErrorOf is the LastError of a run, nil when it has none.
func lastErrorOf(r Run) *LastError {
	switch {
	case r.Error != nil:
		return &LastError{At: r.StartedAt, Run: r.ID, Event: r.Event, Code: r.Error.Code, Message: r.Error.Message}
	case r.ConditionError != "":
		p := map[string]any{"reason": r.ConditionError}
		return &LastError{At: r.StartedAt, Run: r.ID, Event: r.Event, Code: codeCondition,
			Message: map[string]string{"zh-CN": i18n.T(i18n.ZhCN, codeCondition, p), "en": i18n.T(i18n.En, codeCondition, p)}}
	}
	return nil
}

// cleanupStats deletes the hours older than the retention.
func (s *Service) cleanupStats(ctx context.Context) (int, error) {
	f := store.Where("hour", store.OpLt, hourOf(s.now().Add(-s.opts.Retention)))
	total := 0
	for {
		p, err := s.st.Find(ctx, collStats, store.Query{Filter: &f, Limit: 500, Sort: []store.SortKey{{Field: "hour"}}})
		if err != nil || len(p.Docs) == 0 {
			return total, err
		}
		for _, d := range p.Docs {
			if _, err := s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Writes: []store.Write{{Op: store.OpHardDelete, Collection: collStats, Doc: store.Document{ID: d.ID}}}}); err != nil && !errors.Is(err, store.ErrNotFound) {
				return total, err
			}
			total++
		}
	}
}
