package workflow

import (
	"time"
)

// Node kinds of an approval flow (docs/workflows.md).
const (
	KindStart     = "start"
	KindEnd       = "end"
	KindApprover  = "approver"
	KindHandler   = "handler"
	KindCC        = "cc"
	KindCondition = "condition"
	KindParallel  = "parallel"
	KindJoin      = "join"
)

// Approver modes.
const (
	ModeAny  = "any"
	ModeAll  = "all"
	ModeVote = "vote"
	// ModeSequence asks the assignees one after another, in the order
	// they resolve to (依次审批); everyone must approve.
	ModeSequence = "sequence"
)

// Fallbacks when no assignee resolves.
const (
	FallbackAdmins      = "admins"
	FallbackAutoApprove = "auto_approve"
)

// Field permissions of a node.
const (
	FieldView   = "view"
	FieldEdit   = "edit"
	FieldHidden = "hidden"
)

// Task actions a node may offer.
const (
	ActionApprove  = "approve"
	ActionReject   = "reject"
	ActionReturn   = "return"
	ActionTransfer = "transfer"
	ActionAdd      = "add"
	ActionCC       = "cc"
)

// Due actions.
const (
	DueRemind      = "remind"
	DueAutoApprove = "auto_approve"
	DueAutoReturn  = "auto_return"
	DueEscalate    = "escalate"
)

// Flow is an approval flow of a form: its settings, its draft and the
// number of its newest published version.
type Flow struct {
	ID            string     `json:"id"`
	Form          string     `json:"form"`
	App           string     `json:"app"`
	Name          string     `json:"name"`
	Description   string     `json:"description"`
	StartOnCreate bool       `json:"startOnCreate"`
	Fallback      string     `json:"fallback"`
	Enabled       bool       `json:"enabled"`
	Draft         FlowDesign `json:"draft"`
	Published     int        `json:"published"`
	Version       int64      `json:"version"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
}

// FlowInput creates a flow or replaces its draft and settings.
type FlowInput struct {
	Name          string `json:"name"`
	Description   string `json:"description"`
	StartOnCreate bool   `json:"startOnCreate"`
	Fallback      string `json:"fallback"`
	// Enabled defaults to true on create when nil.
	Enabled *bool      `json:"enabled,omitempty"`
	Draft   FlowDesign `json:"draft"`
	// Version is the flow version the editor read (saves only).
	Version int64 `json:"version"`
}

// FlowVersion is one published, immutable version of a flow.
type FlowVersion struct {
	Flow          string     `json:"flow"`
	Version       int        `json:"version"`
	FormVersion   int        `json:"formVersion"`
	Name          string     `json:"name"`
	Fallback      string     `json:"fallback"`
	StartOnCreate bool       `json:"startOnCreate"`
	FlowDesign    FlowDesign `json:"design"`
	PublishedAt   time.Time  `json:"publishedAt"`
	PublishedBy   string     `json:"publishedBy"`
}

// FlowDesign is a flow's graph: nodes and the edges between them.
type FlowDesign struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Node is one step of a flow; which settings apply depends on Kind.
type Node struct {
	ID           string            `json:"id"`
	Kind         string            `json:"kind"`
	Name         string            `json:"name"`
	NodePosition *NodePosition     `json:"position,omitempty"`
	Assignees    []Assignee        `json:"assignees,omitempty"`
	Mode         string            `json:"mode,omitempty"`
	Threshold    float64           `json:"threshold,omitempty"`
	Fields       map[string]string `json:"fields,omitempty"`
	// Required lists edit fields the assignee must fill in before
	// approving (submitting).
	Required []string `json:"required,omitempty"`
	Actions  []string `json:"actions,omitempty"`
	Due      *Due     `json:"due,omitempty"`
	Join     string   `json:"join,omitempty"`
}

// NodePosition is where the designer draws a node.
type NodePosition struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Edge connects two nodes; edges out of a condition node carry a
// condition or are the default.
type Edge struct {
	ID        string  `json:"id"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	Condition string  `json:"condition,omitempty"`
	Default   bool    `json:"default,omitempty"`
	Priority  float64 `json:"priority,omitempty"`
	Label     string  `json:"label,omitempty"`
}

// Assignee kinds.
const (
	AssignUsers           = "users"
	AssignRole            = "role"
	AssignHead            = "head"
	AssignField           = "field"
	AssignInitiatorChoice = "initiator_choice"
	AssignInitiator       = "initiator"
)

// Assignee says who gets a node's tasks.
type Assignee struct {
	Kind  string   `json:"kind"`
	Users []string `json:"users,omitempty"`
	Role  string   `json:"role,omitempty"`
	Level int      `json:"level,omitempty"`
	Field string   `json:"field,omitempty"`
}

// Due is a node's deadline and what happens when it passes.
type Due struct {
	After  string `json:"after,omitempty"`
	Field  string `json:"field,omitempty"`
	Action string `json:"action"`
	// Every repeats a remind action at this interval while the node
	// waits (Go duration, at least 10m; "" reminds once).
	Every      string     `json:"every,omitempty"`
	EscalateTo []Assignee `json:"escalateTo,omitempty"`
}

// node returns the node of d with id.
func (d *FlowDesign) node(id string) *Node {
	for i := range d.Nodes {
		if d.Nodes[i].ID == id {
			return &d.Nodes[i]
		}
	}
	return nil
}

// out returns the edges leaving id, in priority order then list order.
func (d *FlowDesign) out(id string) []Edge {
	var es []Edge
	for _, e := range d.Edges {
		if e.From == id {
			es = append(es, e)
		}
	}
	// stable insertion sort by priority: few edges per node
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Priority < es[j-1].Priority; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
	return es
}

// actions returns the task actions node n offers.
func (n *Node) actions() []string {
	if len(n.Actions) > 0 {
		return n.Actions
	}
	if n.Kind == KindHandler {
		return []string{ActionApprove, ActionReturn, ActionTransfer, ActionCC}
	}
	return []string{ActionApprove, ActionReject, ActionReturn, ActionTransfer, ActionAdd, ActionCC}
}

// offers reports whether node n offers action.
func (n *Node) offers(action string) bool {
	for _, a := range n.actions() {
		if a == action {
			return true
		}
	}
	return false
}

// fieldAccess returns the node's permission of field key.
func (n *Node) fieldAccess(key string) string {
	if p, ok := n.Fields[key]; ok {
		return p
	}
	return FieldView
}
