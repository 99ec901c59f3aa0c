package workflow

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Task kinds.
const (
	TaskApprove  = "approve"
	TaskHandle   = "handle"
	TaskResubmit = "resubmit"
	TaskCC       = "cc"
)

// Task statuses.
const (
	TaskPending     = "pending"
	TaskWaiting     = "waiting"
	TaskApproved    = "approved"
	TaskRejected    = "rejected"
	TaskReturned    = "returned"
	TaskTransferred = "transferred"
	TaskEscalated   = "escalated"
	TaskCancelled   = "cancelled"
	TaskCCd         = "cc"
)

// Inbox boxes a task is filed in.
const (
	BoxTodo    = "todo"
	BoxDone    = "done"
	BoxCC      = "cc"
	BoxClosed  = "closed"
	BoxStarted = "started"
)

// Task is one person's part in one entry of a node.
type Task struct {
	ID        string     `json:"id"`
	Workspace string     `json:"-"`
	Instance  string     `json:"instance"`
	Flow      string     `json:"flow"`
	FlowName  string     `json:"flowName"`
	Form      string     `json:"form"`
	Record    string     `json:"record"`
	Node      string     `json:"node"`
	NodeName  string     `json:"nodeName"`
	Kind      string     `json:"kind"`
	Assignee  string     `json:"assignee"`
	Initiator string     `json:"initiator"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"createdAt"`
	DecidedAt *time.Time `json:"decidedAt"`
	DueAt     *time.Time `json:"dueAt"`
	Comment   string     `json:"comment"`
	Signature *Signature `json:"signature"`
	Read      bool       `json:"read"`
	Version   int64      `json:"version"`

	// Entry is the node entry the task belongs to.
	Entry string `json:"entry"`
	// Added is "before" or "after" for an approver added by another;
	// Blocks, for "before", is the task that waits for it.
	Added  string `json:"added,omitempty"`
	Blocks string `json:"blocks,omitempty"`
	// DecidedBy is who decided when not the assignee ("system").
	DecidedBy string `json:"decidedBy,omitempty"`
}

// open reports whether the task still awaits its assignee.
func (t *Task) open() bool { return t.Status == TaskPending || t.Status == TaskWaiting }

// box is the inbox box of t.
func (t *Task) box() string {
	switch {
	case t.Kind == TaskCC:
		return BoxCC
	case t.open():
		return BoxTodo
	case t.Status == TaskCancelled || t.Status == TaskEscalated || t.DecidedBy != "":
		return BoxClosed
	}
	return BoxDone
}

func taskDoc(t *Task) store.Document {
	at := t.CreatedAt
	if t.box() == BoxDone && t.DecidedAt != nil {
		at = *t.DecidedAt
	}
	stored := *t
	stored.Version = 0
	return store.Document{ID: t.ID, Data: map[string]any{"workspace": t.Workspace, "assignee": t.Assignee, "box": t.box(),
		"at": store.FormatTime(at), "instance": t.Instance, "read": t.Read, "json": encodeJSON(stored)}}
}

func taskFrom(d store.Document) (*Task, error) {
	t := &Task{}
	if err := json.Unmarshal([]byte(docStr(d.Data, "json")), t); err != nil {
		return nil, fmt.Errorf("workflow: decode task %s: %w", d.ID, err)
	}
	t.ID, t.Workspace, t.Version = d.ID, docStr(d.Data, "workspace"), d.Version
	return t, nil
}

func sortTasks(ts []*Task) {
	sort.SliceStable(ts, func(i, j int) bool {
		if !ts[i].CreatedAt.Equal(ts[j].CreatedAt) {
			return ts[i].CreatedAt.Before(ts[j].CreatedAt)
		}
		return ts[i].ID < ts[j].ID
	})
}
