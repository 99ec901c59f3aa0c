package workflow

import (
	"context"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Instance statuses.
const (
	StatusRunning   = "running"
	StatusApproved  = "approved"
	StatusRejected  = "rejected"
	StatusWithdrawn = "withdrawn"
	StatusEnded     = "ended"
)

// Instance is one run of a flow version over a record.
type Instance struct {
	ID          string `json:"id"`
	Workspace   string `json:"-"`
	Flow        string `json:"flow"`
	FlowVersion int    `json:"flowVersion"`
	FlowName    string `json:"flowName"`
	Form        string `json:"form"`
	App         string `json:"app"`
	Record      string `json:"record"`
	Status      string `json:"status"`
	Initiator   string `json:"initiator"`
	// InitiatorDepartments are the initiator's departments at start (for
	// head-of-department assignees).
	InitiatorDepartments []string        `json:"initiatorDepartments"`
	Active               []string        `json:"active"`
	StartedAt            time.Time       `json:"startedAt"`
	EndedAt              *time.Time      `json:"endedAt"`
	Version              int64           `json:"version"`
	Timeline             []TimelineEntry `json:"timeline,omitempty"`
	Tasks                []Task          `json:"tasks,omitempty"`

	// Choices are the initiator's choices of assignees by node id.
	Choices map[string][]string `json:"choices,omitempty"`
	// Joins counts, per join node, the branches still to arrive.
	Joins map[string]int `json:"joins,omitempty"`
	// Entries holds, per node, the id of its current entry (tasks and due
	// timers belong to one entry of a node).
	Entries map[string]string `json:"entries,omitempty"`
	// Entered lists the nodes entered, in order (return targets).
	Entered []string `json:"entered,omitempty"`
	// Paused lists the nodes that were active when the instance stopped.
	Paused []string `json:"paused,omitempty"`
	// Queued holds, per node of mode sequence, the assignees still to ask,
	// in order.
	Queued map[string][]string `json:"queued,omitempty"`
}

// TimelineEntry is one step of an instance's history.
type TimelineEntry struct {
	At        time.Time  `json:"at"`
	Kind      string     `json:"kind"`
	Node      string     `json:"node,omitempty"`
	NodeName  string     `json:"nodeName,omitempty"`
	User      string     `json:"user,omitempty"`
	Action    string     `json:"action,omitempty"`
	Comment   string     `json:"comment,omitempty"`
	Signature *Signature `json:"signature,omitempty"`
	Task      string     `json:"task,omitempty"`
	To        []string   `json:"to,omitempty"`
	Target    string     `json:"target,omitempty"`
}

// Signature is a hand signature given with a decision: an uploaded image
// file, as a signature field holds it (engine/field: {id, name, size,
// content_type}).
type Signature struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
}

// Timeline kinds.
const (
	TLStarted     = "started"
	TLNodeEntered = "node_entered"
	TLDecided     = "decided"
	TLReturned    = "returned"
	TLTransferred = "transferred"
	TLAdded       = "added"
	TLCC          = "cc"
	TLAuto        = "auto"
	TLEscalated   = "escalated"
	TLReminded    = "reminded"
	TLWithdrawn   = "withdrawn"
	TLEnded       = "ended"
	TLReactivated = "reactivated"
	TLCompleted   = "completed"
)

// maxTimeline bounds an instance's timeline (oldest entries beyond it are
// dropped, the first kept) so a flow returned again and again stays small.
const maxTimeline = 500

func instanceDoc(in *Instance) store.Document {
	stored := *in
	stored.Tasks, stored.Version = nil, 0
	return store.Document{ID: in.ID, Data: map[string]any{"workspace": in.Workspace, "initiator": in.Initiator,
		"started": store.FormatTime(in.StartedAt), "form": in.Form, "record": in.Record, "status": in.Status,
		"flow": in.Flow, "doc": encodeDoc(stored)}}
}

func instanceFrom(d store.Document) (*Instance, error) {
	in := &Instance{}
	if err := decodeDoc(d.Data["doc"], in); err != nil {
		return nil, fmt.Errorf("workflow: decode instance %s: %w", d.ID, err)
	}
	in.ID, in.Workspace, in.Version = d.ID, docStr(d.Data, "workspace"), d.Version
	if in.Choices == nil {
		in.Choices = map[string][]string{}
	}
	if in.Joins == nil {
		in.Joins = map[string]int{}
	}
	if in.Entries == nil {
		in.Entries = map[string]string{}
	}
	if in.Active == nil {
		in.Active = []string{}
	}
	return in, nil
}

// loadInstance reads an instance of ws.
func (s *Approvals) loadInstance(ctx context.Context, ws, id string) (*Instance, error) {
	d, err := s.scoped(ctx, collInstances, ws, id)
	if err != nil {
		return nil, err
	}
	return instanceFrom(d)
}

// instanceTasks reads every task of an instance, oldest first.
func (s *Approvals) instanceTasks(ctx context.Context, id string) ([]*Task, error) {
	docs, err := s.findAll(ctx, collTasks, store.Where("instance", store.OpEq, id), nil)
	if err != nil {
		return nil, err
	}
	out := make([]*Task, 0, len(docs))
	for _, d := range docs {
		t, err := taskFrom(d)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	sortTasks(out)
	return out, nil
}

// Instance returns an instance with its timeline and tasks, for the
// initiator, anyone with a task in it, and admins of its app.
func (s *Approvals) Instance(ctx context.Context, a engine.Actor, id string) (Instance, error) {
	in, err := s.loadInstance(ctx, a.Workspace, id)
	if err != nil {
		return Instance{}, err
	}
	tasks, err := s.instanceTasks(ctx, id)
	if err != nil {
		return Instance{}, err
	}
	if !s.mayView(ctx, a, in, tasks) {
		return Instance{}, fmt.Errorf("%w: instance %q", engine.ErrNotFound, id)
	}
	out := *in
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, *t)
	}
	return out, nil
}

// mayView: the initiator, an assignee of any task, app admins, and
// members who may see the record.
func (s *Approvals) mayView(ctx context.Context, a engine.Actor, in *Instance, tasks []*Task) bool {
	if a.UserID == in.Initiator {
		return true
	}
	for _, t := range tasks {
		if t.Assignee == a.UserID {
			return true
		}
	}
	if s.isAdmin(ctx, a, in.App) {
		return true
	}
	_, err := s.e.Record(ctx, a, in.Form, in.Record)
	return err == nil
}

// isAdmin reports whether a administers app (workspace admins do).
func (s *Approvals) isAdmin(ctx context.Context, a engine.Actor, app string) bool {
	_, err := s.e.Authorize(ctx, a, engine.ActAppManage, engine.Resource{App: app})
	return err == nil
}

// RecordInstances lists the instances of a record, newest first (members
// who may see the record), without timelines.
func (s *Approvals) RecordInstances(ctx context.Context, a engine.Actor, formID, recordID string) ([]Instance, error) {
	if _, err := s.e.Record(ctx, a, formID, recordID); err != nil {
		return nil, err
	}
	docs, err := s.findAll(ctx, collInstances, store.And(store.Where("form", store.OpEq, formID), store.Where("record", store.OpEq, recordID)),
		[]store.SortKey{{Field: "started", Desc: true}})
	if err != nil {
		return nil, err
	}
	out := make([]Instance, 0, len(docs))
	for _, d := range docs {
		if docStr(d.Data, "workspace") != a.Workspace {
			continue
		}
		in, err := instanceFrom(d)
		if err != nil {
			return nil, err
		}
		in.Timeline = nil
		out = append(out, *in)
	}
	return out, nil
}
