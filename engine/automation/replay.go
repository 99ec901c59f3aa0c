package automation

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Limits of a replay.
const (
	// MaxReplayScan bounds the outbox events one replay reads.
	MaxReplayScan = 200_000
	// MaxReplayRuns bounds the runs one replay makes (or previews).
	MaxReplayRuns = 1000
	// replayShown is how many runs a replay's answer lists.
	replayShown = 50
)

// ReplayInput is the time range whose past events a replay re-runs.
type ReplayInput struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// ReplayResult is a replay's preview or outcome.
type ReplayResult struct {
	// Events counts the events of the range that start the automation.
	Events int `json:"events"`
	// Matched counts those whose condition held; AlreadyRun those this
	// version already ran (skipped: replays are idempotent by version
	// and event); Ran the runs made, Failed those that failed.
	Matched    int  `json:"matched"`
	AlreadyRun int  `json:"alreadyRun"`
	Ran        int  `json:"ran"`
	Failed     int  `json:"failed"`
	Truncated  bool `json:"truncated"`
	// Runs are the first runs (previews in a preview).
	Runs []Run `json:"runs"`
}

// ReplayPreview dry-runs the published version over the past events of
// the range: nothing is written.
func (s *Service) ReplayPreview(ctx context.Context, a engine.Actor, id string, in ReplayInput) (ReplayResult, error) {
	return s.replay(ctx, a, id, in, dry)
}

// Replay runs the published version over the past events of the range;
// an event this version already ran is skipped.
func (s *Service) Replay(ctx context.Context, a engine.Actor, id string, in ReplayInput) (ReplayResult, error) {
	return s.replay(ctx, a, id, in, replay)
}

func (s *Service) replay(ctx context.Context, a engine.Actor, id string, in ReplayInput, m mode) (ReplayResult, error) {
	au, err := s.designOf(ctx, a, id)
	if err != nil {
		return ReplayResult{}, err
	}
	if au.Published == 0 {
		return ReplayResult{}, invalid(ferr("", CodeNotEnabled, nil))
	}
	if in.From.IsZero() || in.To.IsZero() || !in.From.Before(in.To) {
		return ReplayResult{}, invalid(ferr("to", CodeRange, map[string]any{"min": "from", "max": "now"}))
	}
	c, err := s.compiledOf(ctx, au)
	if err != nil {
		return ReplayResult{}, err
	}
	types := eventTypesOf(c.ver.Design.Trigger)
	if len(types) == 0 {
		return ReplayResult{}, invalid(ferr("trigger.type", CodeTrigger, map[string]any{"value": string(c.ver.Design.Trigger.Type)}))
	}
	coll := recordColl(au.Form)
	res := ReplayResult{Runs: []Run{}}
	// Start at the range, not at the outbox's beginning: a long outbox
	// would spend the scan limit before reaching a recent range.
	after, err := s.seqBefore(ctx, in.From)
	if err != nil {
		return res, err
	}
	for scanned := 0; scanned < MaxReplayScan; {
		evs, err := s.st.ReadEvents(ctx, after, store.MaxReadEvents)
		if err != nil {
			return res, err
		}
		if len(evs) == 0 {
			return res, nil
		}
		for _, ev := range evs {
			after, scanned = ev.Seq, scanned+1
			if ev.At.After(in.To) {
				return res, nil
			}
			if ev.At.Before(in.From) || ev.Workspace != au.Workspace || !slices.Contains(types, ev.Type) {
				continue
			}
			var k *cause
			if recordTrigger(c.ver.Design.Trigger.Type) {
				if ev.Collection != coll {
					continue
				}
				k = recordCause(ev.ID, ev.Type, ev.Payload)
				if c.watch != nil && !watches(c.watch, k.changed) {
					continue
				}
				if off, _ := ev.Payload["automations_off"].(bool); off {
					continue
				}
			} else {
				var ok bool
				if k, ok, err = s.eventCause(ctx, c, ev.ID, ev.Type, ev.Payload); err != nil {
					return res, err
				} else if !ok {
					continue
				}
			}
			// Events counts what was run or previewed (or found already
			// run): it bounds both a replay and its preview.
			if res.Events >= MaxReplayRuns {
				res.Truncated = true
				return res, nil
			}
			res.Events++
			if done, err := s.ran(ctx, c, ev.ID); err != nil {
				return res, err
			} else if done {
				res.AlreadyRun++
				continue
			}
			r, err := s.execute(ctx, c, k, m)
			if errors.Is(err, errDuplicateRun) {
				res.AlreadyRun++
				continue
			}
			if err != nil {
				return res, err
			}
			if r.Matched {
				res.Matched++
				if m == replay {
					res.Ran++
				}
			}
			if r.Status == RunFailed || r.Status == RunStopped {
				res.Failed++
			}
			if r.ID != "" && len(res.Runs) < replayShown && (r.Matched || r.ConditionError != "") {
				res.Runs = append(res.Runs, r)
			}
		}
	}
	res.Truncated = true
	return res, nil
}

// ran reports whether c's version already ran for event.
func (s *Service) ran(ctx context.Context, c *compiled, event string) (bool, error) {
	_, err := s.st.Get(ctx, collRuns, runID(c.auto.ID, c.ver.Number, event))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// seqBefore returns the sequence number to read the outbox after so that
// the first event read is the first one at or after from: a binary search
// over sequence numbers (events are committed in time order), each probe
// one indexed read of one event.
func (s *Service) seqBefore(ctx context.Context, from time.Time) (int64, error) {
	reached := func(after int64) (bool, error) {
		evs, err := s.st.ReadEvents(ctx, after, 1)
		if err != nil {
			return false, err
		}
		return len(evs) == 0 || !evs[0].At.Before(from), nil
	}
	if ok, err := reached(0); err != nil || ok {
		return 0, err
	}
	// The event after lo is before from; the event after hi (if any) is not.
	lo, hi := int64(0), int64(1024)
	for {
		ok, err := reached(hi)
		if err != nil {
			return 0, err
		}
		if ok {
			break
		}
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := reached(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}
