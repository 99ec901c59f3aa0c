package workflow

import (
	"context"
	"fmt"
	"slices"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// InboxPage is one page of a user's inbox: tasks, or for the started box
// instances.
type InboxPage struct {
	Tasks      []Task     `json:"-"`
	Instances  []Instance `json:"-"`
	NextCursor string     `json:"nextCursor"`
}

// Inbox lists one box of the actor's inbox: todo (oldest first), done,
// cc and started (newest first).
func (s *Approvals) Inbox(ctx context.Context, a engine.Actor, box, cursor string, limit int) (InboxPage, error) {
	if a.Workspace == "" || a.UserID == "" {
		return InboxPage{}, engine.ErrForbidden
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	if box == BoxStarted {
		f := store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("initiator", store.OpEq, a.UserID))
		p, err := s.st.Find(ctx, collInstances, store.Query{Filter: &f, Sort: []store.SortKey{{Field: "started", Desc: true}}, Limit: limit, After: cursor})
		if err != nil {
			return InboxPage{}, storeErr(err)
		}
		out := InboxPage{NextCursor: p.NextCursor, Instances: []Instance{}}
		for _, d := range p.Docs {
			in, err := instanceFrom(d)
			if err != nil {
				return InboxPage{}, err
			}
			in.Timeline = nil
			out.Instances = append(out.Instances, *in)
		}
		return out, nil
	}
	if box != BoxTodo && box != BoxDone && box != BoxCC {
		return InboxPage{}, invalidFlow(flowErr("box", "flow_box", map[string]any{"value": box}))
	}
	f := store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("assignee", store.OpEq, a.UserID), store.Where("box", store.OpEq, box))
	p, err := s.st.Find(ctx, collTasks, store.Query{Filter: &f, Sort: []store.SortKey{{Field: "at", Desc: box != BoxTodo}}, Limit: limit, After: cursor})
	if err != nil {
		return InboxPage{}, storeErr(err)
	}
	out := InboxPage{NextCursor: p.NextCursor, Tasks: []Task{}}
	for _, d := range p.Docs {
		t, err := taskFrom(d)
		if err != nil {
			return InboxPage{}, err
		}
		out.Tasks = append(out.Tasks, *t)
	}
	return out, nil
}

// Counts are the sizes of a user's inbox boxes.
type Counts struct {
	Todo     int64 `json:"todo"`
	Done     int64 `json:"done"`
	CC       int64 `json:"cc"`
	CCUnread int64 `json:"ccUnread"`
	Started  int64 `json:"started"`
}

// Counts counts the actor's inbox boxes.
func (s *Approvals) Counts(ctx context.Context, a engine.Actor) (Counts, error) {
	if a.Workspace == "" || a.UserID == "" {
		return Counts{}, engine.ErrForbidden
	}
	var c Counts
	count := func(coll string, f store.Filter, into *int64) error {
		n, err := s.st.Count(ctx, coll, store.Query{Filter: &f})
		*into = n
		return storeErr(err)
	}
	mine := func(box string) store.Filter {
		return store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("assignee", store.OpEq, a.UserID), store.Where("box", store.OpEq, box))
	}
	for _, q := range []struct {
		coll string
		f    store.Filter
		into *int64
	}{
		{collTasks, mine(BoxTodo), &c.Todo},
		{collTasks, mine(BoxDone), &c.Done},
		{collTasks, mine(BoxCC), &c.CC},
		{collTasks, store.And(mine(BoxCC), store.Where("read", store.OpEq, false)), &c.CCUnread},
		{collInstances, store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("initiator", store.OpEq, a.UserID)), &c.Started},
	} {
		if err := count(q.coll, q.f, q.into); err != nil {
			return Counts{}, err
		}
	}
	return c, nil
}

// ReturnTarget is a node a task may return to.
type ReturnTarget struct {
	Node string `json:"node"`
	Name string `json:"name"`
}

// TaskDetail is a task with what its assignee sees and may do.
type TaskDetail struct {
	Task          Task              `json:"task"`
	Record        engine.Record     `json:"record"`
	Fields        map[string]string `json:"fields"`
	Actions       []string          `json:"actions"`
	ReturnTargets []ReturnTarget    `json:"returnTargets"`
	Instance      Instance          `json:"instance"`
}

// TaskDetail returns a task for its assignee, the initiator or an admin,
// with the record masked by the node's field permissions (hidden fields
// are absent for the assignee and the initiator; admins of the app who are
// not the assignee see every field).
func (s *Approvals) TaskDetail(ctx context.Context, a engine.Actor, id string) (TaskDetail, error) {
	d, err := s.scoped(ctx, collTasks, a.Workspace, id)
	if err != nil {
		return TaskDetail{}, err
	}
	t, err := taskFrom(d)
	if err != nil {
		return TaskDetail{}, err
	}
	in, err := s.loadInstance(ctx, a.Workspace, t.Instance)
	if err != nil {
		return TaskDetail{}, err
	}
	admin := s.isAdmin(ctx, a, in.App)
	if t.Assignee != a.UserID && in.Initiator != a.UserID && !admin {
		return TaskDetail{}, fmt.Errorf("%w: task %q", engine.ErrNotFound, id)
	}
	lv, err := s.loadVersion(ctx, a.Workspace, in.Flow, in.FlowVersion)
	if err != nil {
		return TaskDetail{}, err
	}
	n := lv.c.design.node(t.Node)
	rec, err := s.e.Record(ctx, systemActor(a.Workspace), in.Form, in.Record)
	if err != nil {
		return TaskDetail{}, err
	}
	v, err := s.e.VersionOf(ctx, a.Workspace, in.Form)
	if err != nil {
		return TaskDetail{}, err
	}
	out := TaskDetail{Task: *t, Fields: map[string]string{}, Actions: []string{}, ReturnTargets: []ReturnTarget{}}
	for _, k := range v.Keys() {
		out.Fields[k] = FieldView
		if n != nil {
			out.Fields[k] = n.fieldAccess(k)
		}
	}
	if !admin || t.Assignee == a.UserID { // the assignee is masked even when an admin
		rec.Data = maskHidden(n, rec.Data)
		for k, p := range out.Fields {
			if p == FieldHidden {
				delete(out.Fields, k) // not even the key reaches the assignee
			}
		}
	}
	out.Record = rec
	if t.Assignee == a.UserID && t.open() && in.Status == StatusRunning && n != nil {
		switch {
		case t.Kind == TaskResubmit:
			out.Actions = []string{ActionApprove, ActionTransfer}
		case t.Status == TaskWaiting:
			out.Actions = []string{ActionCC}
		default:
			out.Actions = slices.Clone(n.actions())
		}
	} else if t.Assignee == a.UserID && t.Kind == TaskCC && !t.Read {
		out.Actions = []string{"read"}
	}
	seen := map[string]bool{}
	for _, id := range in.Entered {
		m := lv.c.design.node(id)
		if m == nil || !returnableNode(m) || id == t.Node || seen[id] {
			continue
		}
		seen[id] = true
		out.ReturnTargets = append(out.ReturnTargets, ReturnTarget{Node: id, Name: m.Name})
	}
	tasks, err := s.instanceTasks(ctx, in.ID)
	if err != nil {
		return TaskDetail{}, err
	}
	out.Instance = *in
	for _, x := range tasks {
		out.Instance.Tasks = append(out.Instance.Tasks, *x)
	}
	return out, nil
}
