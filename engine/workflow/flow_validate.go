package workflow

import (
	"fmt"
	"regexp"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
)

// Validation codes of flow designs (texts in engine/i18n/messages_approvals.go).
const (
	CodeNoStart         = "flow_no_start"
	CodeManyStarts      = "flow_many_starts"
	CodeNoEnd           = "flow_no_end"
	CodeUnreachable     = "flow_unreachable"
	CodeDeadEnd         = "flow_dead_end"
	CodeEdgesOut        = "flow_edges_out"
	CodeEdgeNode        = "flow_edge_node"
	CodeDuplicateID     = "flow_duplicate_id"
	CodeKind            = "flow_kind"
	CodeNoDefault       = "flow_no_default"
	CodeNoCondition     = "flow_no_condition"
	CodeNoAssignees     = "flow_no_assignees"
	CodeAssignee        = "flow_assignee"
	CodeMode            = "flow_mode"
	CodeThreshold       = "flow_threshold"
	CodeFieldPermission = "flow_field_permission"
	CodeDue             = "flow_due"
	CodeJoin            = "flow_join"
	CodeCycle           = "flow_cycle"
	CodeFallback        = "flow_fallback"
	CodeNodeID          = "flow_node_id"
	CodeAction          = "flow_action"
)

var nodeIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// maxNodes bounds a design's size.
const maxNodes = 200

// compiled is a design checked and compiled against a form version:
// its conditions as programs by edge id.
type compiledFlow struct {
	design FlowDesign
	conds  map[string]*expr.Program
}

// validate checks d against the form version v and compiles its
// conditions. Problems are field errors with paths nodes.<id>… and
// edges.<id>…; the result is nil when there are any.
func validateFlow(d FlowDesign, fallback string, v *engine.Version) (*compiledFlow, []field.Error) {
	var errs []field.Error
	add := func(path, code string, params map[string]any) {
		errs = append(errs, field.Error{Path: path, Code: code, Params: params})
	}
	if fallback != "" && fallback != FallbackAdmins && fallback != FallbackAutoApprove {
		add("fallback", CodeFallback, map[string]any{"value": fallback})
	}
	if len(d.Nodes) > maxNodes {
		add("nodes", "max_items", map[string]any{"max": maxNodes})
		return nil, errs
	}
	nodes := map[string]*Node{}
	starts, ends := 0, 0
	for i := range d.Nodes {
		n := &d.Nodes[i]
		p := "nodes." + n.ID
		if !nodeIDPattern.MatchString(n.ID) {
			add(fmt.Sprintf("nodes.%d", i), CodeNodeID, map[string]any{"value": n.ID})
			continue
		}
		if nodes[n.ID] != nil {
			add(p, CodeDuplicateID, map[string]any{"value": n.ID})
			continue
		}
		nodes[n.ID] = n
		switch n.Kind {
		case KindStart:
			starts++
		case KindEnd:
			ends++
		case KindApprover, KindHandler, KindCC:
			checkTaskNode(n, v, add)
		case KindCondition, KindJoin:
		case KindParallel:
		default:
			add(p, CodeKind, map[string]any{"value": n.Kind})
		}
	}
	switch {
	case starts == 0:
		add("", CodeNoStart, nil)
	case starts > 1:
		add("", CodeManyStarts, nil)
	}
	if ends == 0 {
		add("", CodeNoEnd, nil)
	}
	c := &compiledFlow{design: d, conds: map[string]*expr.Program{}}
	edgeIDs := map[string]bool{}
	outs := map[string][]Edge{}
	ins := map[string][]Edge{}
	for i, e := range d.Edges {
		p := "edges." + e.ID
		if !nodeIDPattern.MatchString(e.ID) {
			add(fmt.Sprintf("edges.%d", i), CodeNodeID, map[string]any{"value": e.ID})
			continue
		}
		if edgeIDs[e.ID] || nodes[e.ID] != nil {
			add(p, CodeDuplicateID, map[string]any{"value": e.ID})
			continue
		}
		edgeIDs[e.ID] = true
		if nodes[e.From] == nil || nodes[e.To] == nil {
			add(p, CodeEdgeNode, map[string]any{"from": e.From, "to": e.To})
			continue
		}
		outs[e.From] = append(outs[e.From], e)
		ins[e.To] = append(ins[e.To], e)
	}
	for id, n := range nodes {
		p := "nodes." + id
		o := outs[id]
		switch n.Kind {
		case KindEnd:
			if len(o) != 0 {
				add(p, CodeEdgesOut, map[string]any{"want": 0})
			}
		case KindCondition:
			if len(o) < 2 {
				add(p, CodeEdgesOut, map[string]any{"want": "2+"})
			}
			defaults := 0
			for _, e := range o {
				if e.Default {
					defaults++
					continue
				}
				if e.Condition == "" {
					add("edges."+e.ID+".condition", CodeNoCondition, nil)
					continue
				}
				prog, err := expr.Compile(e.Condition, v.Env(), expr.Bool)
				if err != nil {
					errs = append(errs, engine.ExprErrors("edges."+e.ID+".condition", err)...)
					continue
				}
				c.conds[e.ID] = prog
			}
			if defaults != 1 {
				add(p, CodeNoDefault, nil)
			}
		case KindParallel:
			if len(o) < 2 {
				add(p, CodeEdgesOut, map[string]any{"want": "2+"})
			}
			if j := nodes[n.Join]; j == nil || j.Kind != KindJoin {
				add(p+".join", CodeJoin, map[string]any{"value": n.Join})
			}
		default:
			if len(o) != 1 && nodes[id].Kind != "" {
				add(p, CodeEdgesOut, map[string]any{"want": 1})
			}
		}
	}
	for id, n := range nodes {
		if n.Kind != KindJoin {
			continue
		}
		named := false
		for _, m := range nodes {
			if m.Kind == KindParallel && m.Join == id {
				named = true
			}
		}
		if !named {
			add("nodes."+id, CodeJoin, nil)
		}
	}
	if len(errs) > 0 || starts != 1 {
		return nil, errs
	}
	// Reachability from the start, and to an end.
	var start string
	for id, n := range nodes {
		if n.Kind == KindStart {
			start = id
		}
	}
	reach := walkNodes(start, func(id string) []string {
		var next []string
		for _, e := range outs[id] {
			next = append(next, e.To)
		}
		return next
	})
	back := map[string]bool{}
	for id, n := range nodes {
		if n.Kind == KindEnd {
			for k := range walkNodes(id, func(id string) []string {
				var prev []string
				for _, e := range ins[id] {
					prev = append(prev, e.From)
				}
				return prev
			}) {
				back[k] = true
			}
		}
	}
	for _, n := range d.Nodes {
		if !reach[n.ID] {
			add("nodes."+n.ID, CodeUnreachable, nil)
		} else if !back[n.ID] {
			add("nodes."+n.ID, CodeDeadEnd, nil)
		}
	}
	if id := flowCycleAt(d.Nodes, outs); id != "" {
		add("nodes."+id, CodeCycle, nil)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// walk returns the ids reachable from id through next (id included).
func walkNodes(id string, next func(string) []string) map[string]bool {
	seen := map[string]bool{}
	stack := []string{id}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		stack = append(stack, next(n)...)
	}
	return seen
}

// cycleAt returns a node on a cycle, "" when the graph has none.
func flowCycleAt(nodes []Node, outs map[string][]Edge) string {
	state := map[string]int{} // 1 on the path, 2 done
	var found string
	var visit func(id string)
	visit = func(id string) {
		if found != "" || state[id] == 2 {
			return
		}
		if state[id] == 1 {
			found = id
			return
		}
		state[id] = 1
		for _, e := range outs[id] {
			visit(e.To)
		}
		state[id] = 2
	}
	for _, n := range nodes {
		visit(n.ID)
	}
	return found
}

// checkTaskNode checks the settings of an approver, handler or CC node.
func checkTaskNode(n *Node, v *engine.Version, add func(path, code string, params map[string]any)) {
	p := "nodes." + n.ID
	if len(n.Assignees) == 0 {
		add(p+".assignees", CodeNoAssignees, nil)
	}
	checkAssignees(p+".assignees", n.Assignees, v, add)
	switch n.Kind {
	case KindApprover:
		switch n.Mode {
		case "", ModeAny, ModeAll, ModeSequence:
		case ModeVote:
			if !(n.Threshold > 0 && n.Threshold <= 1) {
				add(p+".threshold", CodeThreshold, map[string]any{"value": n.Threshold})
			}
		default:
			add(p+".mode", CodeMode, map[string]any{"value": n.Mode})
		}
	case KindHandler:
		if n.Mode != "" && n.Mode != ModeAny && n.Mode != ModeAll && n.Mode != ModeSequence {
			add(p+".mode", CodeMode, map[string]any{"value": n.Mode})
		}
	}
	for k, perm := range n.Fields {
		if _, ok := v.Field(k); !ok || (perm != FieldView && perm != FieldEdit && perm != FieldHidden) {
			add(p+".fields."+k, CodeFieldPermission, map[string]any{"value": perm})
		}
	}
	for _, k := range n.Required {
		if n.fieldAccess(k) != FieldEdit {
			add(p+".required", CodeFieldPermission, map[string]any{"value": k})
		}
	}
	for _, a := range n.Actions {
		switch a {
		case ActionApprove, ActionReject, ActionReturn, ActionTransfer, ActionAdd, ActionCC:
		default:
			add(p+".actions", CodeAction, map[string]any{"value": a})
		}
	}
	if n.Due != nil {
		if n.Kind == KindCC {
			add(p+".due", CodeDue, map[string]any{"reason": "cc"})
			return
		}
		checkDue(p+".due", n.Due, v, add)
	}
}

func checkDue(p string, d *Due, v *engine.Version, add func(path, code string, params map[string]any)) {
	switch {
	case d.After != "" && d.Field != "":
		add(p, CodeDue, map[string]any{"reason": "after_and_field"})
	case d.After != "":
		if dur, err := time.ParseDuration(d.After); err != nil || dur <= 0 {
			add(p+".after", CodeDue, map[string]any{"reason": "duration"})
		}
	case d.Field != "":
		f, ok := v.Field(d.Field)
		if !ok || (f.Type != "date" && f.Type != "datetime") {
			add(p+".field", CodeDue, map[string]any{"reason": "field"})
		}
	default:
		add(p, CodeDue, map[string]any{"reason": "when"})
	}
	if d.Every != "" {
		if dur, err := time.ParseDuration(d.Every); err != nil || dur < 10*time.Minute || d.Action != DueRemind {
			add(p+".every", CodeDue, map[string]any{"reason": "every"})
		}
	}
	switch d.Action {
	case DueRemind, DueAutoApprove, DueAutoReturn:
	case DueEscalate:
		if len(d.EscalateTo) == 0 {
			add(p+".escalateTo", CodeDue, map[string]any{"reason": "escalate"})
		}
		checkAssignees(p+".escalateTo", d.EscalateTo, v, add)
	default:
		add(p+".action", CodeDue, map[string]any{"reason": "action"})
	}
}

func checkAssignees(p string, as []Assignee, v *engine.Version, add func(path, code string, params map[string]any)) {
	for i, a := range as {
		ap := fmt.Sprintf("%s.%d", p, i)
		switch a.Kind {
		case AssignUsers:
			if len(a.Users) == 0 {
				add(ap, CodeAssignee, map[string]any{"reason": "users"})
			}
		case AssignRole:
			if a.Role == "" {
				add(ap, CodeAssignee, map[string]any{"reason": "role"})
			}
		case AssignHead:
			if a.Level < 0 || a.Level > 10 {
				add(ap, CodeAssignee, map[string]any{"reason": "level"})
			}
		case AssignField:
			f, ok := v.Field(a.Field)
			if !ok || (f.Type != "user" && f.Type != "users") {
				add(ap, CodeAssignee, map[string]any{"reason": "field"})
			}
		case AssignInitiatorChoice, AssignInitiator:
		default:
			add(ap, CodeAssignee, map[string]any{"reason": "kind"})
		}
	}
}
