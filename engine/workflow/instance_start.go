package workflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// CodeFlowRunning: the record already runs this flow.
const CodeFlowRunning = "flow_running"

// StartInput starts a flow on a record.
type StartInput struct {
	Record string `json:"record"`
	// Choices are the initiator's assignees by node id, for nodes with an
	// initiator_choice assignee.
	Choices map[string][]string `json:"choices,omitempty"`
}

// Start starts a published, enabled flow on a record the actor may see;
// the actor is the initiator.
func (s *Approvals) Start(ctx context.Context, a engine.Actor, flowID string, in StartInput) (Instance, error) {
	if a.Workspace == "" || a.UserID == "" {
		return Instance{}, engine.ErrForbidden
	}
	d, err := s.scoped(ctx, collFlows, a.Workspace, flowID)
	if err != nil {
		return Instance{}, err
	}
	f := flowFrom(d)
	if in.Record == "" {
		return Instance{}, invalidFlow(flowErr("record", engine.CodeRequired, nil))
	}
	if _, err := s.e.Record(ctx, a, f.Form, in.Record); err != nil {
		return Instance{}, err
	}
	return s.start(ctx, a.Workspace, f, a.UserID, a.Departments, in, store.NewID(), false)
}

func (s *Approvals) start(ctx context.Context, ws string, f Flow, initiator string, depts []string, in StartInput, id string, derived bool) (Instance, error) {
	if f.Published == 0 {
		return Instance{}, fmt.Errorf("%w: flow %s has no published version", engine.ErrNotPublished, f.ID)
	}
	if !f.Enabled {
		return Instance{}, invalidFlow(flowErr("flow", "flow_disabled", nil))
	}
	lv, err := s.loadVersion(ctx, ws, f.ID, f.Published)
	if err != nil {
		return Instance{}, err
	}
	if derived { // a start retried with the same event or run key finds its instance
		if got, err := s.loadInstance(ctx, ws, id); err == nil {
			return *got, nil
		}
	}
	running, err := s.st.Count(ctx, collInstances, store.Query{Filter: ptrTo(store.And(
		store.Where("form", store.OpEq, f.Form), store.Where("record", store.OpEq, in.Record),
		store.Where("flow", store.OpEq, f.ID), store.Where("status", store.OpEq, StatusRunning)))})
	if err != nil {
		return Instance{}, storeErr(err)
	}
	if running > 0 {
		return Instance{}, invalidFlow(flowErr("record", CodeFlowRunning, nil))
	}
	now := s.e.Now().UTC()
	inst := &Instance{ID: id, Workspace: ws, Flow: f.ID, FlowVersion: f.Published, FlowName: lv.Name, Form: f.Form, App: f.App,
		Record: in.Record, Status: StatusRunning, Initiator: initiator, InitiatorDepartments: depts, Active: []string{},
		StartedAt: now, Choices: map[string][]string{}, Joins: map[string]int{}, Entries: map[string]string{}}
	r := &flowRun{s: s, ctx: ctx, in: inst, lv: lv, now: now, actor: initiator, isNew: true,
		changed: map[string]bool{}, created: map[string]bool{}}
	if err := r.checkChoices(in.Choices); err != nil {
		return Instance{}, err
	}
	r.timeline(TimelineEntry{Kind: TLStarted, User: initiator})
	r.events = append(r.events, instanceEvent(EventStarted, inst, nil))
	var start string
	for _, n := range lv.FlowDesign.Nodes {
		if n.Kind == KindStart {
			start = n.ID
		}
	}
	if err := r.enter(start); err != nil {
		return Instance{}, err
	}
	switch err := r.commit(); {
	case err == errRetry:
		// The id exists: a start from the same event ran before.
		got, gerr := s.loadInstance(ctx, ws, id)
		if gerr != nil {
			return Instance{}, fmt.Errorf("%w: instance %s", engine.ErrConflict, id)
		}
		return *got, nil
	case err != nil:
		return Instance{}, err
	}
	out := *inst
	for _, t := range r.tasks {
		out.Tasks = append(out.Tasks, *t)
	}
	return out, nil
}

// maxChoices bounds the users an initiator chooses for one node.
const maxChoices = 50

func ptrTo[T any](v T) *T { return &v }

// checkChoices checks the initiator's choices: every node with an
// initiator_choice assignee needs live members, and only such nodes.
func (r *flowRun) checkChoices(choices map[string][]string) error {
	var errs []field.Error
	for _, n := range r.design().Nodes {
		wants := false
		for _, a := range n.Assignees {
			wants = wants || a.Kind == AssignInitiatorChoice
		}
		list := choices[n.ID]
		if !wants {
			if len(list) > 0 {
				errs = append(errs, flowErr("choices."+n.ID, "flow_no_choice", nil))
			}
			continue
		}
		if len(list) == 0 {
			errs = append(errs, flowErr("choices."+n.ID, engine.CodeRequired, nil))
			continue
		}
		if len(list) > maxChoices {
			errs = append(errs, flowErr("choices."+n.ID, "max_items", map[string]any{"max": maxChoices}))
			continue
		}
		for _, u := range list {
			if !r.isMember(u) {
				errs = append(errs, flowErr("choices."+n.ID, engine.CodeNotFound, map[string]any{"value": u}))
			}
		}
		r.in.Choices[n.ID] = list
	}
	for id := range choices {
		if r.design().node(id) == nil {
			errs = append(errs, flowErr("choices."+id, engine.CodeNotFound, map[string]any{"value": id}))
		}
	}
	if len(errs) > 0 {
		return invalidFlow(errs...)
	}
	return nil
}

// OnRecordCreated starts the form's start-on-create flows for a created
// record; eventID is the record.created event's id and makes the start
// idempotent (a redelivered event finds its instance). The record's
// creator is the initiator. at is the event's commit time: a record
// created before the flow's version was published does not start it (a
// consumer catching up on old events starts nothing new).
func (s *Approvals) OnRecordCreated(ctx context.Context, ws, eventID string, at time.Time, payload map[string]any) error {
	form, record, actor := docStr(payload, "form"), docStr(payload, "record"), docStr(payload, "actor")
	if form == "" || record == "" || docStr(payload, "source") == string(engine.SourceWorkflow) {
		return nil
	}
	flows, err := s.findAll(ctx, collFlows, store.And(store.Where("workspace", store.OpEq, ws), store.Where("form", store.OpEq, form)), nil)
	if err != nil {
		return err
	}
	for _, d := range flows {
		f := flowFrom(d)
		if !f.StartOnCreate || !f.Enabled || f.Published == 0 {
			continue
		}
		lv, err := s.loadVersion(ctx, ws, f.ID, f.Published)
		if err != nil {
			return err
		}
		if !lv.StartOnCreate || (!at.IsZero() && at.Before(lv.PublishedAt)) {
			continue
		}
		m, err := s.e.Membership(ctx, ws, actor)
		if err != nil {
			s.log.Warn("approval start on create: the creator is not a member", "flow", f.ID, "record", record, "err", err)
			continue
		}
		_, err = s.start(ctx, ws, f, actor, m.Departments, StartInput{Record: record}, createdInstanceID(eventID, f.ID), true)
		if err != nil && !isUserError(err) {
			return err
		}
		if err != nil {
			s.log.Info("approval start on create refused", "flow", f.ID, "record", record, "err", err)
		}
	}
	return nil
}

func createdInstanceID(eventID, flowID string) string { return "c" + eventID + "." + flowID }

// isUserError: a refusal a retry would not change.
func isUserError(err error) bool {
	var ve *engine.ValidationError
	return asError(err, &ve) || isAnyOf(err, engine.ErrNotPublished, engine.ErrNotFound, engine.ErrForbidden)
}

// Withdraw ends a running instance at its initiator's request.
func (s *Approvals) Withdraw(ctx context.Context, a engine.Actor, id, comment string) (Instance, error) {
	return s.stop(ctx, a, id, comment, StatusWithdrawn, func(in *Instance) error {
		if in.Initiator != a.UserID {
			return fmt.Errorf("%w: only the initiator withdraws", engine.ErrForbidden)
		}
		return nil
	})
}

// End ends a running instance (admins of the flow's app).
func (s *Approvals) End(ctx context.Context, a engine.Actor, id, comment string) (Instance, error) {
	return s.stop(ctx, a, id, comment, StatusEnded, func(in *Instance) error {
		if !s.isAdmin(ctx, a, in.App) {
			return fmt.Errorf("%w: only admins end an approval", engine.ErrForbidden)
		}
		return nil
	})
}

func (s *Approvals) stop(ctx context.Context, a engine.Actor, id, comment, status string, allowed func(*Instance) error) (Instance, error) {
	comment = strings.TrimSpace(comment)
	if len([]rune(comment)) > maxComment {
		return Instance{}, invalidFlow(flowErr("comment", "max_length", map[string]any{"max": maxComment}))
	}
	r, err := s.change(ctx, a.Workspace, id, a.UserID, func(r *flowRun) error {
		if err := allowed(r.in); err != nil {
			return err
		}
		if r.in.Status != StatusRunning {
			return invalidFlow(flowErr("status", "flow_not_running", map[string]any{"value": r.in.Status}))
		}
		kind := TLWithdrawn
		if status == StatusEnded {
			kind = TLEnded
		}
		r.timeline(TimelineEntry{Kind: kind, User: a.UserID, Comment: comment})
		r.finish(status)
		return nil
	})
	if err != nil {
		return Instance{}, err
	}
	return s.Instance(ctx, a, r.in.ID)
}

// Reactivate runs a rejected, withdrawn or ended instance again at the
// nodes that were active when it stopped (admins of the flow's app).
func (s *Approvals) Reactivate(ctx context.Context, a engine.Actor, id, comment string) (Instance, error) {
	r, err := s.change(ctx, a.Workspace, id, a.UserID, func(r *flowRun) error {
		if !s.isAdmin(ctx, a, r.in.App) {
			return fmt.Errorf("%w: only admins reactivate an approval", engine.ErrForbidden)
		}
		if r.in.Status == StatusRunning || r.in.Status == StatusApproved {
			return invalidFlow(flowErr("status", "flow_not_stopped", map[string]any{"value": r.in.Status}))
		}
		nodes := r.in.Paused
		if len(nodes) == 0 {
			for i := len(r.in.Entered) - 1; i >= 0; i-- {
				if n := r.design().node(r.in.Entered[i]); n != nil && returnableNode(n) {
					nodes = []string{n.ID}
					break
				}
			}
		}
		r.in.Status, r.in.EndedAt, r.in.Paused = StatusRunning, nil, nil
		r.timeline(TimelineEntry{Kind: TLReactivated, User: a.UserID, Comment: strings.TrimSpace(comment)})
		r.events = append(r.events, instanceEvent(EventStarted, r.in, map[string]any{"reactivated": true}))
		for _, n := range nodes {
			if err := r.enter(n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Instance{}, err
	}
	return s.Instance(ctx, a, r.in.ID)
}
