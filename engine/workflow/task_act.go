package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// ErrTaskClosed is returned for an action on a task that is no longer
// open (decided, or closed by another decision meanwhile).
var ErrTaskClosed = fmt.Errorf("%w: the task is no longer open", engine.ErrConflict)

// ActInput is the body of a task action (docs/workflows.md).
type ActInput struct {
	Comment      string         `json:"comment"`
	Signature    *Signature     `json:"signature,omitempty"`
	Fields       map[string]any `json:"fields,omitempty"`
	Node         string         `json:"node,omitempty"`
	To           string         `json:"to,omitempty"`
	Users        []string       `json:"users,omitempty"`
	NodePosition string         `json:"position,omitempty"`
}

const maxComment = 2000

// Act performs action on a task as its assignee: approve, reject, return,
// transfer, add, cc, or read (a CC task). Anyone else is ErrForbidden.
func (s *Approvals) Act(ctx context.Context, a engine.Actor, taskID, action string, in ActInput) (Task, error) {
	d, err := s.scoped(ctx, collTasks, a.Workspace, taskID)
	if err != nil {
		return Task{}, err
	}
	t, err := taskFrom(d)
	if err != nil {
		return Task{}, err
	}
	if t.Assignee != a.UserID || a.UserID == "" {
		return Task{}, fmt.Errorf("%w: only the task's assignee may act on it", engine.ErrForbidden)
	}
	if action == "read" {
		return s.markRead(ctx, t, d.Version)
	}
	if t.Kind == TaskCC {
		return Task{}, fmt.Errorf("%w: a CC task is only read", engine.ErrForbidden)
	}
	if !t.open() {
		return Task{}, ErrTaskClosed
	}
	in0, err := s.loadInstance(ctx, a.Workspace, t.Instance)
	if err != nil {
		return Task{}, err
	}
	lv, err := s.loadVersion(ctx, a.Workspace, in0.Flow, in0.FlowVersion)
	if err != nil {
		return Task{}, err
	}
	n := lv.c.design.node(t.Node)
	if n == nil {
		return Task{}, fmt.Errorf("workflow: task %s names node %q missing from its version", t.ID, t.Node)
	}
	if t.Kind != TaskResubmit && !n.offers(action) {
		return Task{}, fmt.Errorf("%w: node %q does not offer %s", engine.ErrForbidden, n.ID, action)
	}
	if t.Kind == TaskResubmit && action != ActionApprove && action != ActionTransfer {
		return Task{}, fmt.Errorf("%w: a resubmit is approved (sent again) only", engine.ErrForbidden)
	}
	if t.Status == TaskWaiting && action != ActionCC {
		return Task{}, fmt.Errorf("%w: an approver added before this one decides first", engine.ErrConflict)
	}
	if err := checkAct(action, in); err != nil {
		return Task{}, err
	}
	if len(in.Fields) > 0 {
		if action != ActionApprove {
			return Task{}, invalidFlow(flowErr("fields", "flow_fields_on_approve", nil))
		}
		if err := s.editRecord(ctx, a, in0, n, t, in.Fields); err != nil {
			return Task{}, err
		}
	}
	if action == ActionApprove && len(n.Required) > 0 {
		if err := s.checkRequired(ctx, in0, n); err != nil {
			return Task{}, err
		}
	}
	var out Task
	_, err = s.change(ctx, a.Workspace, t.Instance, a.UserID, func(r *flowRun) error {
		rt := r.task(taskID)
		if rt == nil || !rt.open() || r.in.Status != StatusRunning {
			return ErrTaskClosed
		}
		if err := r.act(rt, n, action, in); err != nil {
			return err
		}
		out = *rt
		return nil
	})
	if err != nil {
		return Task{}, err
	}
	return out, nil
}

func checkAct(action string, in ActInput) error {
	var errs []field.Error
	if len([]rune(in.Comment)) > maxComment {
		errs = append(errs, flowErr("comment", "max_length", map[string]any{"max": maxComment}))
	}
	if sg := in.Signature; sg != nil {
		if store.ValidateID(sg.ID) != nil || !strings.HasPrefix(sg.ContentType, "image/") {
			errs = append(errs, flowErr("signature", "flow_signature", nil))
		}
	}
	switch action {
	case ActionApprove:
	case ActionReject:
		if strings.TrimSpace(in.Comment) == "" {
			errs = append(errs, flowErr("comment", engine.CodeRequired, nil))
		}
	case ActionReturn:
		if in.Node == "" {
			errs = append(errs, flowErr("node", engine.CodeRequired, nil))
		}
	case ActionTransfer:
		if in.To == "" {
			errs = append(errs, flowErr("to", engine.CodeRequired, nil))
		}
	case ActionAdd:
		if in.NodePosition != "before" && in.NodePosition != "after" {
			errs = append(errs, flowErr("position", "flow_position", map[string]any{"value": in.NodePosition}))
		}
		fallthrough
	case ActionCC:
		if len(in.Users) == 0 {
			errs = append(errs, flowErr("users", engine.CodeRequired, nil))
		} else if len(in.Users) > 50 {
			errs = append(errs, flowErr("users", "max_items", map[string]any{"max": 50}))
		}
	default:
		return fmt.Errorf("%w: unknown task action %q", engine.ErrNotFound, action)
	}
	if len(errs) > 0 {
		return invalidFlow(errs...)
	}
	return nil
}

// act applies one action of task t at node n.
func (r *flowRun) act(t *Task, n *Node, action string, in ActInput) error {
	entry := TimelineEntry{Node: t.Node, User: r.actor, Comment: strings.TrimSpace(in.Comment), Signature: in.Signature, Task: t.ID}
	t.Comment, t.Signature = entry.Comment, in.Signature
	switch action {
	case ActionApprove, ActionReject:
		status := TaskApproved
		if action == ActionReject {
			status = TaskRejected
		}
		r.closeTask(t, status)
		entry.Kind, entry.Action = TLDecided, action
		r.timeline(entry)
		r.decidedEvent(t, action, r.actor)
		r.unblock(t)
		if t.Added == "before" && action == ActionReject {
			// An approver added before decides for the one who added them.
			if b := r.task(t.Blocks); b != nil && b.open() {
				r.closeTask(b, TaskCancelled)
			}
			if n.Mode == ModeAny || n.Mode == ModeAll || n.Mode == "" {
				r.finish(StatusRejected)
				return nil
			}
		}
		return r.settle(n.ID)
	case ActionReturn:
		target := r.design().node(in.Node)
		if target == nil || !returnableNode(target) || !hasString(r.in.Entered, in.Node) || in.Node == n.ID {
			return invalidFlow(flowErr("node", "flow_return_target", map[string]any{"value": in.Node}))
		}
		entry.Kind, entry.Target = TLReturned, in.Node
		r.timeline(entry)
		r.decidedEvent(t, ActionReturn, r.actor)
		return r.returnTo(in.Node, t, TaskCancelled)
	case ActionTransfer:
		if !r.isMember(in.To) {
			return invalidFlow(flowErr("to", engine.CodeNotFound, map[string]any{"value": in.To}))
		}
		if in.To == t.Assignee || r.hasOpen(n.ID, in.To) {
			return invalidFlow(flowErr("to", "flow_already_assignee", nil))
		}
		r.closeTask(t, TaskTransferred)
		nt := r.newTask(n, t.Kind, in.To)
		nt.Added, nt.Blocks, nt.DueAt = t.Added, t.Blocks, t.DueAt
		r.retarget(t.ID, nt.ID)
		entry.Kind, entry.To = TLTransferred, []string{in.To}
		r.timeline(entry)
		r.decidedEvent(t, ActionTransfer, r.actor)
		return nil
	case ActionAdd:
		users, err := r.members(in.Users)
		if err != nil {
			return err
		}
		for _, u := range users {
			if u == t.Assignee || r.hasOpen(n.ID, u) {
				return invalidFlow(flowErr("users", "flow_already_assignee", map[string]any{"value": u}))
			}
		}
		entry.Kind, entry.To, entry.Action = TLAdded, users, in.NodePosition
		if in.NodePosition == "before" {
			t.Status = TaskWaiting
			r.touch(t)
			for _, u := range users {
				nt := r.newTask(n, t.Kind, u)
				nt.Added, nt.Blocks, nt.DueAt = "before", t.ID, t.DueAt
			}
			r.timeline(entry)
			return nil
		}
		// After: this one approves now, the added ones must approve too.
		r.closeTask(t, TaskApproved)
		for _, u := range users {
			nt := r.newTask(n, t.Kind, u)
			nt.Added, nt.DueAt = "after", t.DueAt
		}
		r.timeline(entry)
		r.timeline(TimelineEntry{Kind: TLDecided, Action: ActionApprove, Node: t.Node, User: r.actor, Comment: entry.Comment, Signature: in.Signature, Task: t.ID})
		r.decidedEvent(t, ActionApprove, r.actor)
		return r.settle(n.ID)
	case ActionCC:
		users, err := r.members(in.Users)
		if err != nil {
			return err
		}
		for _, u := range users {
			r.newTask(n, TaskCC, u)
		}
		entry.Kind, entry.To = TLCC, users
		r.timeline(entry)
		return nil
	}
	return fmt.Errorf("%w: unknown task action %q", engine.ErrNotFound, action)
}

// members checks users are live members and returns them without duplicates.
func (r *flowRun) members(users []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for i, u := range users {
		if !r.isMember(u) {
			return nil, invalidFlow(flowErr(fmt.Sprintf("users.%d", i), engine.CodeNotFound, map[string]any{"value": u}))
		}
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out, nil
}

func (r *flowRun) hasOpen(node, user string) bool {
	for _, t := range r.entryTasks(node) {
		if t.Assignee == user && t.open() {
			return true
		}
	}
	return false
}

// unblock puts a waiting task back to pending once every approver added
// before it has decided.
func (r *flowRun) unblock(t *Task) {
	if t.Added != "before" || t.Blocks == "" {
		return
	}
	b := r.task(t.Blocks)
	if b == nil || b.Status != TaskWaiting {
		return
	}
	for _, o := range r.tasks {
		if o.Blocks == b.ID && o.Added == "before" && o.open() {
			return
		}
	}
	b.Status = TaskPending
	r.touch(b)
}

// retarget makes tasks added before old wait for repl instead.
func (r *flowRun) retarget(old, repl string) {
	for _, o := range r.tasks {
		if o.Blocks == old && o.open() {
			o.Blocks = repl
			r.touch(o)
		}
	}
}

// returnTo closes every open task (by with TaskReturned, the others with
// status) and enters target again.
func (r *flowRun) returnTo(target string, by *Task, status string) error {
	for _, t := range r.tasks {
		if !t.open() {
			continue
		}
		if by != nil && t.ID == by.ID {
			r.closeTask(t, TaskReturned)
		} else {
			r.closeTask(t, status)
		}
	}
	for _, node := range r.in.Active {
		if id, ok := r.in.Entries[node]; ok {
			r.cancels = append(r.cancels, dueTimerID(r.in.ID, id))
		}
	}
	r.in.Active = []string{}
	r.in.Joins = map[string]int{}
	if target == "" {
		return errors.New("workflow: no node to return to")
	}
	return r.enter(target)
}

func (r *flowRun) decidedEvent(t *Task, action, by string) {
	r.events = append(r.events, instanceEvent(EventTaskDecided, r.in, map[string]any{"task": t.ID, "node": t.Node,
		"action": action, "assignee": t.Assignee, "by": by, "comment": t.Comment}))
}

// markRead marks a CC task read.
func (s *Approvals) markRead(ctx context.Context, t *Task, version int64) (Task, error) {
	if t.Kind != TaskCC {
		return Task{}, fmt.Errorf("%w: only CC tasks are read", engine.ErrForbidden)
	}
	if t.Read {
		return *t, nil
	}
	t.Read = true
	res, err := s.st.Commit(ctx, store.UnitOfWork{Actor: t.Assignee,
		Writes: []store.Write{{Op: store.OpUpdate, Collection: collTasks, Doc: taskDoc(t), ExpectVersion: version}},
		Events: []store.Event{{Type: EventTaskDecided, Workspace: t.Workspace, Collection: collInstances, DocID: t.Instance,
			Payload: map[string]any{"payload_version": ApprovalPayloadVersion, "instance": t.Instance, "task": t.ID, "node": t.Node,
				"action": "read", "assignee": t.Assignee, "by": t.Assignee, "flow": t.Flow, "form": t.Form, "record": t.Record}}}})
	if err != nil {
		return Task{}, storeErr(err)
	}
	t.Version = res.Docs[0].Version
	return *t, nil
}

// BatchResult is the outcome of one task of a batch approval.
type BatchResult struct {
	Task string `json:"task"`
	OK   bool   `json:"ok"`
	Err  error  `json:"-"`
}

// maxBatch bounds a batch approval.
const maxBatch = 100

// BatchApprove approves each task as its assignee, one by one; a task
// that fails does not stop the others.
func (s *Approvals) BatchApprove(ctx context.Context, a engine.Actor, ids []string, comment string) ([]BatchResult, error) {
	if len(ids) == 0 {
		return nil, invalidFlow(flowErr("tasks", engine.CodeRequired, nil))
	}
	if len(ids) > maxBatch {
		return nil, invalidFlow(flowErr("tasks", "max_items", map[string]any{"max": maxBatch}))
	}
	out := make([]BatchResult, len(ids))
	for i, id := range ids {
		_, err := s.Act(ctx, a, id, ActionApprove, ActInput{Comment: comment})
		out[i] = BatchResult{Task: id, OK: err == nil, Err: err}
	}
	return out, nil
}
