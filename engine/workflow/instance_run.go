package workflow

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// maxSteps bounds the nodes one change may pass through (designs have no
// cycles, so only a bug could reach it).
const maxSteps = 1000

// run is one change of an instance being computed in memory: the
// instance, its tasks, and what the change writes, commits and does after
// commit. A run that fails to commit on a version conflict is thrown away
// and computed again from a fresh read.
type flowRun struct {
	s   *Approvals
	ctx context.Context
	in  *Instance
	lv  *loadedVersion
	now time.Time
	// actor is who makes the change ("system" for due times).
	actor string

	isNew   bool
	tasks   []*Task
	changed map[string]bool
	created map[string]bool
	events  []store.Event
	plans   []duePlan
	cancels []string
	notes   []engine.Notification
	steps   int

	orgc *orgFacts
	rec  *engine.Record
}

type duePlan struct {
	id      string
	at      time.Time
	payload map[string]any
}

func (r *flowRun) design() *FlowDesign { return &r.lv.c.design }

func (r *flowRun) timeline(e TimelineEntry) {
	e.At = r.now
	if e.Node != "" && e.NodeName == "" {
		if n := r.design().node(e.Node); n != nil {
			e.NodeName = n.Name
		}
	}
	r.in.Timeline = append(r.in.Timeline, e)
	if len(r.in.Timeline) > maxTimeline {
		r.in.Timeline = append(r.in.Timeline[:1], r.in.Timeline[len(r.in.Timeline)-maxTimeline+1:]...)
	}
}

// record reads the instance's record as it is now (trusted read).
func (r *flowRun) record() (*engine.Record, error) {
	if r.rec != nil {
		return r.rec, nil
	}
	rec, err := r.s.e.Record(r.ctx, systemActor(r.in.Workspace), r.in.Form, r.in.Record)
	if err != nil {
		return nil, err
	}
	r.rec = &rec
	return r.rec, nil
}

func (r *flowRun) touch(t *Task) { r.changed[t.ID] = true }

// newTask adds a task for user at node n's current entry.
func (r *flowRun) newTask(n *Node, kind, user string) *Task {
	t := &Task{ID: store.NewID(), Workspace: r.in.Workspace, Instance: r.in.ID, Flow: r.in.Flow, FlowName: r.in.FlowName,
		Form: r.in.Form, Record: r.in.Record, Node: n.ID, NodeName: n.Name, Kind: kind, Assignee: user,
		Initiator: r.in.Initiator, Status: TaskPending, CreatedAt: r.now, Entry: r.in.Entries[n.ID]}
	if kind == TaskCC {
		t.Status = TaskCCd
	}
	r.tasks = append(r.tasks, t)
	r.created[t.ID] = true
	title := r.in.FlowName + " · " + n.Name
	r.notes = append(r.notes, engine.Notification{Workspace: r.in.Workspace, Recipients: []string{user}, Kind: "task",
		Title: title, Form: r.in.Form, Record: r.in.Record, Key: "task." + t.ID})
	return t
}

// entryTasks returns the tasks of node's current entry.
func (r *flowRun) entryTasks(node string) []*Task {
	entry := r.in.Entries[node]
	var out []*Task
	for _, t := range r.tasks {
		if t.Node == node && t.Entry == entry && t.Kind != TaskCC {
			out = append(out, t)
		}
	}
	return out
}

func (r *flowRun) task(id string) *Task {
	for _, t := range r.tasks {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// closeTask ends an open task with status.
func (r *flowRun) closeTask(t *Task, status string) {
	t.Status = status
	now := r.now
	t.DecidedAt = &now
	r.touch(t)
}

func (r *flowRun) activate(node string) {
	if !slices.Contains(r.in.Active, node) {
		r.in.Active = append(r.in.Active, node)
	}
}

func (r *flowRun) deactivate(node string) {
	r.in.Active = slices.DeleteFunc(r.in.Active, func(s string) bool { return s == node })
	if id, ok := r.in.Entries[node]; ok {
		r.cancels = append(r.cancels, dueTimerID(r.in.ID, id))
	}
}

// enter moves the instance into node id.
func (r *flowRun) enter(id string) error {
	if r.steps++; r.steps > maxSteps {
		return fmt.Errorf("workflow: instance %s passed %d nodes in one change", r.in.ID, maxSteps)
	}
	if r.in.Status != StatusRunning {
		return nil
	}
	n := r.design().node(id)
	if n == nil {
		return fmt.Errorf("workflow: node %q is not in flow %s version %d", id, r.in.Flow, r.in.FlowVersion)
	}
	r.in.Entries[id] = store.NewID()
	r.in.Entered = append(r.in.Entered, id)
	if len(r.in.Entered) > maxTimeline {
		r.in.Entered = r.in.Entered[len(r.in.Entered)-maxTimeline:]
	}
	r.timeline(TimelineEntry{Kind: TLNodeEntered, Node: id})
	r.events = append(r.events, instanceEvent(EventNodeEntered, r.in, map[string]any{"node": id, "node_kind": n.Kind, "node_name": n.Name}))
	switch n.Kind {
	case KindStart:
		if len(r.in.Entered) == 1 {
			return r.leave(n)
		}
		// Returned to the start: the initiator resubmits.
		r.activate(id)
		r.newTask(n, TaskResubmit, r.in.Initiator)
		return nil
	case KindEnd:
		r.finish(StatusApproved)
		return nil
	case KindApprover, KindHandler:
		return r.enterTaskNode(n)
	case KindCC:
		users, err := r.resolve(n, n.Assignees)
		if err != nil {
			return err
		}
		for _, u := range users {
			r.newTask(n, TaskCC, u)
		}
		if len(users) > 0 {
			r.timeline(TimelineEntry{Kind: TLCC, Node: id, To: users, User: r.actor})
		}
		return r.leave(n)
	case KindCondition:
		return r.branch(n)
	case KindParallel:
		out := r.design().out(id)
		r.in.Joins[n.Join] = len(out)
		for _, e := range out {
			if err := r.enter(e.To); err != nil {
				return err
			}
		}
		return nil
	case KindJoin:
		left, ok := r.in.Joins[id]
		if !ok {
			left = 1
		}
		left--
		if left > 0 {
			r.in.Joins[id] = left
			return nil
		}
		delete(r.in.Joins, id)
		return r.leave(n)
	}
	return fmt.Errorf("workflow: node kind %q", n.Kind)
}

// leave follows the single edge out of n.
func (r *flowRun) leave(n *Node) error {
	r.deactivate(n.ID)
	out := r.design().out(n.ID)
	if len(out) == 0 {
		return fmt.Errorf("workflow: node %q has no way out", n.ID)
	}
	return r.enter(out[0].To)
}

// branch takes the first edge of a condition node whose condition holds,
// else the default. A condition that fails to run counts as false.
func (r *flowRun) branch(n *Node) error {
	rec, err := r.record()
	if err != nil {
		return err
	}
	loc, err := r.s.e.Location(r.ctx, r.in.Workspace)
	if err != nil {
		return err
	}
	v, err := r.s.e.VersionOf(r.ctx, r.in.Workspace, r.in.Form)
	if err != nil {
		return err
	}
	// Branch conditions see the record as the form's own rules do, with the
	// initiator as user, under the same work budget.
	in := v.ExprInput(engine.Actor{UserID: r.in.Initiator, Workspace: r.in.Workspace, Departments: r.in.InitiatorDepartments}, rec.Data, nil, r.now, loc)
	var def *Edge
	for _, e := range r.design().out(n.ID) {
		if e.Default {
			e := e
			def = &e
			continue
		}
		prog := r.lv.c.conds[e.ID]
		if prog == nil {
			continue
		}
		ok, err := prog.Bool(in)
		if err != nil {
			r.s.log.Warn("approval condition failed to run; taken as false", "flow", r.in.Flow, "edge", e.ID, "err", err)
			continue
		}
		if ok {
			return r.enter(e.To)
		}
	}
	if def == nil {
		return fmt.Errorf("workflow: condition node %q has no default", n.ID)
	}
	return r.enter(def.To)
}

// enterTaskNode creates the tasks of an approver or handler node, or
// applies the flow's fallback when nobody resolves.
func (r *flowRun) enterTaskNode(n *Node) error {
	users, err := r.resolve(n, n.Assignees)
	if err != nil {
		return err
	}
	if len(users) == 0 && r.lv.Fallback != FallbackAutoApprove {
		if users, err = r.admins(); err != nil {
			return err
		}
	}
	if len(users) == 0 {
		r.timeline(TimelineEntry{Kind: TLAuto, Node: n.ID, Action: "fallback"})
		return r.leave(n)
	}
	kind := TaskApprove
	if n.Kind == KindHandler {
		kind = TaskHandle
	}
	r.activate(n.ID)
	due, err := r.dueAt(n)
	if err != nil {
		return err
	}
	if n.Mode == ModeSequence {
		// One at a time: the others wait in the queue, in resolve order.
		if r.in.Queued == nil {
			r.in.Queued = map[string][]string{}
		}
		r.in.Queued[n.ID] = users[1:]
		users = users[:1]
	}
	for _, u := range users {
		t := r.newTask(n, kind, u)
		t.DueAt = due
	}
	if due != nil {
		r.plans = append(r.plans, duePlan{id: dueTimerID(r.in.ID, r.in.Entries[n.ID]), at: *due,
			payload: map[string]any{"instance": r.in.ID, "workspace": r.in.Workspace, "node": n.ID, "entry": r.in.Entries[n.ID]}})
	}
	return nil
}

// finish ends the instance with status, closing every open task.
func (r *flowRun) finish(status string) {
	for _, t := range r.tasks {
		if t.open() {
			r.closeTask(t, TaskCancelled)
		}
	}
	for _, node := range r.in.Active {
		if id, ok := r.in.Entries[node]; ok {
			r.cancels = append(r.cancels, dueTimerID(r.in.ID, id))
		}
	}
	if status != StatusApproved {
		r.in.Paused = slices.Clone(r.in.Active)
	} else {
		r.in.Paused = nil
	}
	r.in.Active = []string{}
	r.in.Joins = map[string]int{}
	r.in.Status = status
	now := r.now
	r.in.EndedAt = &now
	r.timeline(TimelineEntry{Kind: TLCompleted, Action: status})
	r.events = append(r.events, instanceEvent(EventEnded, r.in, map[string]any{"by": r.actor}))
}

// settle checks whether the node of a decided task passes or fails, and
// moves on.
func (r *flowRun) settle(node string) error {
	n := r.design().node(node)
	if n == nil || !slices.Contains(r.in.Active, node) || r.in.Status != StatusRunning {
		return nil
	}
	ts := r.entryTasks(node)
	var regular, approved, rejected, openAdded int
	for _, t := range ts {
		if t.Added != "" {
			if t.open() {
				openAdded++
			}
			continue
		}
		switch t.Status {
		case TaskTransferred, TaskEscalated, TaskCancelled:
			continue
		case TaskApproved:
			approved++
		case TaskRejected:
			rejected++
		}
		regular++
	}
	if n.Kind == KindStart { // a resubmit
		if approved > 0 {
			return r.pass(n)
		}
		return nil
	}
	mode := n.Mode
	if mode == "" {
		mode = ModeAny
	}
	var passed, failed bool
	switch mode {
	case ModeAny:
		passed, failed = approved > 0, rejected > 0
	case ModeAll:
		passed, failed = approved == regular, rejected > 0
	case ModeSequence:
		if rejected == 0 && approved == regular && openAdded == 0 && len(r.in.Queued[node]) > 0 {
			next := r.in.Queued[node][0]
			r.in.Queued[node] = r.in.Queued[node][1:]
			kind := TaskApprove
			if n.Kind == KindHandler {
				kind = TaskHandle
			}
			var due *time.Time
			for _, t := range ts {
				if t.DueAt != nil {
					due = t.DueAt
				}
			}
			r.newTask(n, kind, next).DueAt = due
			return nil
		}
		passed, failed = approved == regular && len(r.in.Queued[node]) == 0, rejected > 0
	case ModeVote:
		need := int(math.Ceil(n.Threshold*float64(regular) - 1e-9))
		if need < 1 {
			need = 1
		}
		passed, failed = approved >= need, regular-rejected < need
	}
	switch {
	case failed:
		r.finish(StatusRejected)
	case passed && openAdded == 0:
		return r.pass(n)
	}
	return nil
}

// pass closes the node's remaining tasks and leaves it.
func (r *flowRun) pass(n *Node) error {
	delete(r.in.Queued, n.ID)
	for _, t := range r.entryTasks(n.ID) {
		if t.open() {
			r.closeTask(t, TaskCancelled)
		}
	}
	return r.leave(n)
}

// errRetry marks a commit that lost a version race.
var errRetry = errors.New("workflow: retry")

// commit writes the run: the instance (a compare-and-set on its version),
// its changed and new tasks, and its events, in one unit of work; then
// plans and cancels timers and sends notifications. A version conflict is
// errRetry.
func (r *flowRun) commit() error {
	u := store.UnitOfWork{Actor: r.actor, Events: r.events}
	doc := instanceDoc(r.in)
	if r.isNew {
		u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: collInstances, Doc: doc})
	} else {
		u.Writes = append(u.Writes, store.Write{Op: store.OpUpdate, Collection: collInstances, Doc: doc, ExpectVersion: r.in.Version})
	}
	for _, t := range r.tasks {
		switch {
		case r.created[t.ID]:
			u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: collTasks, Doc: taskDoc(t)})
		case r.changed[t.ID]:
			u.Writes = append(u.Writes, store.Write{Op: store.OpUpdate, Collection: collTasks, Doc: taskDoc(t), ExpectVersion: t.Version})
		}
	}
	if len(u.Events) == 0 {
		u.Events = append(u.Events, instanceEvent(EventNodeEntered, r.in, nil))
	}
	res, err := r.s.st.Commit(r.ctx, u)
	if errors.Is(err, store.ErrConflict) || (r.isNew && errors.Is(err, store.ErrDuplicate)) {
		return errRetry
	}
	if err != nil {
		return storeErr(err)
	}
	if len(res.Docs) > 0 {
		r.in.Version = res.Docs[0].Version
	}
	r.after()
	return nil
}

// after does what follows a commit: timers and notifications. Failures
// are logged: the change is committed, and a due time missed here is the
// one thing lost (a re-plan on the next change of the node repairs it).
func (r *flowRun) after() {
	if r.s.timers != nil {
		for _, id := range r.cancels {
			if err := r.s.timers.Cancel(r.ctx, id); err != nil {
				r.s.log.Warn("cancel approval due time", "timer", id, "err", err)
			}
		}
		for _, p := range r.plans {
			if err := r.s.timers.Plan(r.ctx, p.id, p.at, r.in.Workspace, p.payload); err != nil {
				r.s.log.Error("plan approval due time", "timer", p.id, "err", err)
			}
		}
	}
	if len(r.notes) > 0 {
		if err := r.s.e.Notify(r.ctx, r.notes...); err != nil && !errors.Is(err, engine.ErrNoNotifier) {
			r.s.log.Warn("approval notifications", "instance", r.in.ID, "err", err)
		}
	}
}

// change loads an instance, applies f and commits, again from a fresh
// read when another change won the race (up to 8 times).
func (s *Approvals) change(ctx context.Context, ws, id, actor string, f func(r *flowRun) error) (*flowRun, error) {
	for attempt := 0; attempt < 8; attempt++ {
		in, err := s.loadInstance(ctx, ws, id)
		if err != nil {
			return nil, err
		}
		lv, err := s.loadVersion(ctx, ws, in.Flow, in.FlowVersion)
		if err != nil {
			return nil, err
		}
		tasks, err := s.instanceTasks(ctx, id)
		if err != nil {
			return nil, err
		}
		r := &flowRun{s: s, ctx: ctx, in: in, lv: lv, now: s.e.Now().UTC(), actor: actor, tasks: tasks,
			changed: map[string]bool{}, created: map[string]bool{}}
		if err := f(r); err != nil {
			return nil, err
		}
		switch err := r.commit(); {
		case errors.Is(err, errRetry):
			continue
		case err != nil:
			return nil, err
		}
		return r, nil
	}
	return nil, fmt.Errorf("%w: instance %s changes too often to decide", engine.ErrConflict, id)
}

func dueTimerID(instance, entry string) string { return "approval_due." + instance + "." + entry }
