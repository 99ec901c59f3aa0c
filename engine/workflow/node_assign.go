package workflow

import (
	"context"
	"slices"

	"github.com/formloom/formloom/engine"
)

// org is what resolving assignees reads about a workspace, loaded once
// per run.
type orgFacts struct {
	chart   engine.OrgChart
	members map[string]engine.Member // live members by user id
}

func (r *flowRun) orgFacts() (*orgFacts, error) {
	if r.orgc != nil {
		return r.orgc, nil
	}
	chart, err := r.s.e.OrgChart(r.ctx, r.in.Workspace)
	if err != nil {
		return nil, err
	}
	ms, err := r.s.e.Members(r.ctx, systemActor(r.in.Workspace))
	if err != nil {
		return nil, err
	}
	o := &orgFacts{chart: chart, members: map[string]engine.Member{}}
	for _, m := range ms {
		if !m.Disabled {
			o.members[m.UserID] = m
		}
	}
	r.orgc = o
	return o, nil
}

// resolve returns the live members the assignees of a node name, sorted,
// without duplicates.
func (r *flowRun) resolve(n *Node, as []Assignee) ([]string, error) {
	o, err := r.orgFacts()
	if err != nil {
		return nil, err
	}
	var users []string
	for _, a := range as {
		switch a.Kind {
		case AssignUsers:
			users = append(users, a.Users...)
		case AssignRole:
			for _, m := range o.members {
				if slices.Contains(m.Roles, a.Role) {
					users = append(users, m.UserID)
				}
			}
		case AssignHead:
			level := a.Level
			if level < 1 {
				level = 1
			}
			for _, d := range r.in.InitiatorDepartments {
				users = append(users, o.chart.HeadsOf(d, level)...)
			}
		case AssignField:
			rec, err := r.record()
			if err != nil {
				return nil, err
			}
			switch v := rec.Data[a.Field].(type) {
			case string:
				users = append(users, v)
			case []any:
				for _, x := range v {
					if s, ok := x.(string); ok {
						users = append(users, s)
					}
				}
			}
		case AssignInitiatorChoice:
			if n != nil {
				users = append(users, r.in.Choices[n.ID]...)
			}
		case AssignInitiator:
			users = append(users, r.in.Initiator)
		}
	}
	out := make([]string, 0, len(users))
	for _, u := range users {
		if _, ok := o.members[u]; ok {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// admins returns the members who administer the flow's app (workspace
// admins included), as the authorizer decides: the fallback assignees.
func (r *flowRun) admins() ([]string, error) {
	o, err := r.orgFacts()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range o.members {
		a := engine.Actor{UserID: m.UserID, Workspace: r.in.Workspace, Role: m.Role, Roles: m.Roles, AdminApps: m.AdminApps,
			Departments: m.Departments, Source: engine.SourceWorkflow}
		if r.s.isAdmin(r.ctx, a, r.in.App) {
			out = append(out, m.UserID)
		}
	}
	slices.Sort(out)
	return out, nil
}

// isMember reports whether user is a live member of the instance's workspace.
func (r *flowRun) isMember(user string) bool {
	o, err := r.orgFacts()
	if err != nil {
		return false
	}
	_, ok := o.members[user]
	return ok
}

var _ = context.Background
