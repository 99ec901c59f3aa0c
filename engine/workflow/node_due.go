package workflow

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// DueJob is the name of the job cmd registers to run due times: its
// handler calls HandleDue with the timer's payload.
const DueJob = "approval_due"

// dueAt computes when node n's entry falls due (nil: no due time).
func (r *flowRun) dueAt(n *Node) (*time.Time, error) {
	if n.Due == nil {
		return nil, nil
	}
	if n.Due.After != "" {
		d, err := time.ParseDuration(n.Due.After)
		if err != nil || d <= 0 {
			return nil, nil
		}
		at := r.now.Add(d)
		return &at, nil
	}
	rec, err := r.record()
	if err != nil {
		return nil, err
	}
	s, _ := rec.Data[n.Due.Field].(string)
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return &t, nil
	}
	if t, err := store.ParseTime(s); err == nil {
		return &t, nil
	}
	day, err := time.Parse("2006-01-02", s)
	if err != nil {
		return nil, nil
	}
	loc, err := r.s.e.Location(r.ctx, r.in.Workspace)
	if err != nil {
		return nil, err
	}
	// A date falls due at the end of that day in the workspace's zone.
	at := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1).UTC()
	return &at, nil
}

// HandleDue runs a node's due action; payload is what the timer was
// planned with. A timer of a node entry that is over (decided, returned,
// ended) does nothing, so a late or repeated run is harmless.
func (s *Approvals) HandleDue(ctx context.Context, payload map[string]any) error {
	ws, id, node, entry := docStr(payload, "workspace"), docStr(payload, "instance"), docStr(payload, "node"), docStr(payload, "entry")
	if ws == "" || id == "" {
		return fmt.Errorf("workflow: due payload without instance: %v", payload)
	}
	stale := false
	_, err := s.change(ctx, ws, id, "system", func(r *flowRun) error {
		stale = r.in.Status != StatusRunning || r.in.Entries[node] != entry || !hasString(r.in.Active, node)
		if stale {
			return errStale
		}
		n := r.design().node(node)
		if n == nil || n.Due == nil {
			return errStale
		}
		open := []*Task{}
		for _, t := range r.entryTasks(node) {
			if t.open() {
				open = append(open, t)
			}
		}
		switch n.Due.Action {
		case DueRemind:
			var to []string
			for _, t := range open {
				to = append(to, t.Assignee)
				r.notes = append(r.notes, remindNote(r, t))
			}
			r.timeline(TimelineEntry{Kind: TLReminded, Node: node, To: to})
			r.events = append(r.events, instanceEvent(EventNodeEntered, r.in, map[string]any{"node": node, "reminded": to}))
			r.cancels = nil
			if every, err := time.ParseDuration(n.Due.Every); err == nil && every > 0 {
				r.plans = append(r.plans, duePlan{id: dueTimerID(r.in.ID, entry), at: r.now.Add(every), payload: payload})
			}
			return nil
		case DueAutoApprove:
			for _, t := range open {
				r.closeTask(t, TaskApproved)
				t.DecidedBy = "system"
				r.decidedEvent(t, ActionApprove, "system")
			}
			r.timeline(TimelineEntry{Kind: TLAuto, Node: node, Action: DueAutoApprove})
			return r.pass(n)
		case DueAutoReturn:
			target := r.previous(node)
			r.timeline(TimelineEntry{Kind: TLAuto, Node: node, Action: DueAutoReturn, Target: target})
			return r.returnTo(target, nil, TaskCancelled)
		case DueEscalate:
			users, err := r.resolve(n, n.Due.EscalateTo)
			if err != nil {
				return err
			}
			if len(users) == 0 {
				users, err = r.admins()
				if err != nil {
					return err
				}
			}
			for _, t := range open {
				r.closeTask(t, TaskEscalated)
				t.DecidedBy = "system"
			}
			kind := TaskApprove
			if n.Kind == KindHandler {
				kind = TaskHandle
			}
			for _, u := range users {
				r.newTask(n, kind, u)
			}
			r.timeline(TimelineEntry{Kind: TLEscalated, Node: node, To: users})
			r.events = append(r.events, instanceEvent(EventNodeEntered, r.in, map[string]any{"node": node, "escalated_to": users}))
			return nil
		}
		return errStale
	})
	if err == errStale {
		return nil
	}
	return err
}

var errStale = fmt.Errorf("workflow: due time of a node entry that is over")

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func remindNote(r *flowRun, t *Task) (n notification) {
	return notification{Workspace: r.in.Workspace, Recipients: []string{t.Assignee}, Kind: "task", Severity: "warning",
		Title: r.in.FlowName + " · " + t.NodeName, Form: r.in.Form, Record: r.in.Record, Key: "remind." + t.ID + "." + strconv.FormatInt(r.now.Unix(), 10)}
}

// previous returns the returnable node entered before node's last entry
// (the start when there is none).
func (r *flowRun) previous(node string) string {
	last := -1
	for i, id := range r.in.Entered {
		if id == node {
			last = i
		}
	}
	for i := last - 1; i >= 0; i-- {
		if n := r.design().node(r.in.Entered[i]); n != nil && returnableNode(n) && n.ID != node {
			return n.ID
		}
	}
	for _, n := range r.design().Nodes {
		if n.Kind == KindStart {
			return n.ID
		}
	}
	return ""
}

func returnableNode(n *Node) bool {
	return n.Kind == KindStart || n.Kind == KindApprover || n.Kind == KindHandler
}
