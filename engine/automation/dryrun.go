package automation

import (
	"context"
	"reflect"
	"sort"

	"github.com/formloom/formloom/engine"
)

// DryRunInput chooses what a dry run runs against: a stored record (its
// values as both old and new unless Old is given), or an edited pair of
// old and new values. Design, when set, is run instead of the stored draft
// (the editor's unsaved state).
type DryRunInput struct {
	Record string         `json:"record,omitempty"`
	Old    map[string]any `json:"old,omitempty"`
	New    map[string]any `json:"new,omitempty"`
	Design *Design        `json:"design,omitempty"`
	// Event holds values of the event variable's fields (event.to of a
	// stage change, for example), coerced to their types.
	Event map[string]any `json:"event,omitempty"`
}

// DryRun runs an automation's draft without writing anything: the result
// is a Run with status preview, the condition's result and, per action,
// what it would do (records with their values, notifications with their
// rendered text).
func (s *Service) DryRun(ctx context.Context, a engine.Actor, id string, in DryRunInput) (Run, error) {
	au, err := s.designOf(ctx, a, id)
	if err != nil {
		return Run{}, err
	}
	d := au.Draft
	if in.Design != nil {
		d = *in.Design
		if d.Actor == "" {
			d.Actor = au.Draft.Actor
		}
	}
	fv, err := s.e.VersionOf(ctx, a.Workspace, au.Form)
	if err != nil {
		return Run{}, err
	}
	if err := s.checkActor(ctx, a, d.Actor); err != nil && d.Actor != au.Draft.Actor {
		return Run{}, err
	}
	c, err := s.compileDesign(ctx, a, au, d, fv)
	if err != nil {
		return Run{}, err
	}
	c.ver = Version{Automation: au.ID, Number: au.Published + 1, Design: d}
	k := &cause{event: "dry-run", eventType: string(d.Trigger.Type), form: au.Form, by: a.UserID}
	if d.Trigger.Type == TriggerEvent {
		k.eventType = d.Trigger.Event
	}
	if in.Event != nil {
		t := s.eventVarType(d.Trigger)
		if t.Fields == nil {
			k.ev = plain(in.Event).(map[string]any)
		} else {
			k.ev = coerceFields(t.Fields, in.Event)
		}
	}
	switch {
	case in.Record != "":
		r, err := s.e.Record(ctx, a, au.Form, in.Record)
		if err != nil {
			return Run{}, err
		}
		k.record, k.owner, k.data = r.ID, r.Owner, r.Data
		k.old = r.Data
		if in.New != nil {
			k.data = merge(r.Data, in.New)
		}
		if in.Old != nil {
			k.old = merge(r.Data, in.Old)
		}
	default:
		k.data = in.New
		if k.data == nil {
			k.data = map[string]any{}
		}
		k.old = in.Old
		k.owner = a.UserID
	}
	if k.old != nil {
		k.changed = changedKeys(k.old, k.data)
	} else {
		k.changed = changedKeys(map[string]any{}, k.data)
	}
	if recordTrigger(d.Trigger.Type) {
		// A record event's variable: what the pair changed, written from
		// the designer's screen (given values win).
		ch := make([]any, len(k.changed))
		for i, f := range k.changed {
			ch[i] = f
		}
		ev := map[string]any{"changed": ch, "source": string(engine.SourceUI)}
		for f, v := range k.ev {
			ev[f] = v
		}
		k.ev = ev
	}
	return s.execute(ctx, c, k, dry)
}

func merge(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

func changedKeys(old, new map[string]any) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]any{old, new} {
		for k := range m {
			if !seen[k] && !reflect.DeepEqual(old[k], new[k]) {
				out = append(out, k)
			}
			seen[k] = true
		}
	}
	sort.Strings(out)
	return out
}
