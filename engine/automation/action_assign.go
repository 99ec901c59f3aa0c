package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/store"
)

// The assignment strategies.
const (
	StrategyRoundRobin  = "round_robin"
	StrategyLeastLoaded = "least_loaded"
	StrategyExpression  = "expression"
)

type assignConfig struct {
	// Field is the user field to fill on the triggering record.
	Field    string `json:"field"`
	Strategy string `json:"strategy"`
	// Users, Role and Department list the candidates (round robin and
	// least loaded), in user id order.
	Users      []string `json:"users,omitempty"`
	Role       string   `json:"role,omitempty"`
	Department string   `json:"department,omitempty"`
	// Open selects the records that count as a candidate's load (least
	// loaded): a store filter over the form's fields; nil counts all.
	Open *store.Filter `json:"open,omitempty"`
	// Expression gives the user id (expression strategy).
	Expression string `json:"expression,omitempty"`
	// OnlyEmpty leaves a record that already has a user as it is.
	OnlyEmpty bool `json:"onlyEmpty,omitempty"`
}

type assignStep struct {
	cfg  assignConfig
	prog *expr.Program
}

func compileAssign(c *compiler, at string, raw map[string]any) stepImpl {
	var cfg assignConfig
	if !c.decode(at, raw, &cfg) {
		return nil
	}
	st := &assignStep{cfg: cfg}
	f, ok := c.form.Field(cfg.Field)
	switch {
	case cfg.Field == "":
		c.add(ferr(at+".field", codeRequired, nil))
	case !ok:
		c.add(ferr(at+".field", CodeField, map[string]any{"field": cfg.Field}))
	case f.Type != "user":
		c.add(ferr(at+".field", CodeFieldType, map[string]any{"field": cfg.Field, "want": "user"}))
	}
	switch cfg.Strategy {
	case StrategyRoundRobin, StrategyLeastLoaded:
		if len(cfg.Users) == 0 && cfg.Role == "" && cfg.Department == "" {
			c.add(ferr(at+".users", codeRequired, nil))
		}
		if len(cfg.Users) > MaxRecipients {
			c.add(ferr(at+".users", CodeTooMany, map[string]any{"max": MaxRecipients}))
		}
	case StrategyExpression:
		st.prog = c.expression(at+".expression", cfg.Expression, expr.Text)
	default:
		c.add(ferr(at+".strategy", CodeActionCfg, map[string]any{"reason": "use round_robin, least_loaded or expression"}))
	}
	return st
}

func (st *assignStep) perform(ctx context.Context, rc *runCtx, dry bool) (engine.ActionOutcome, error) {
	if rc.cause.record == "" {
		return engine.ActionOutcome{}, problem("没有触发记录", "there is no triggering record")
	}
	detail := map[string]any{"field": st.cfg.Field, "record": rc.cause.record}
	if cur := userIDs(rc.cause.data[st.cfg.Field]); st.cfg.OnlyEmpty && len(cur) > 0 {
		detail["user"] = cur[0]
		return outcome(detail, "已有负责人，未改动", "already assigned; left as it is"), nil
	}
	user, err := st.pick(ctx, rc, dry)
	if err != nil {
		return outcome(detail, "", ""), err
	}
	detail["user"] = user
	if dry {
		return outcome(detail, "将分配给 "+user, "would assign "+user), nil
	}
	if err := rc.updateRecord(ctx, rc.c.auto.Form, rc.cause.record, map[string]any{st.cfg.Field: user}); err != nil {
		return outcome(detail, "", ""), err
	}
	return outcome(detail, "已分配给 "+user, "assigned "+user), nil
}

// pick chooses the user; a dry run does not move the rotation.
func (st *assignStep) pick(ctx context.Context, rc *runCtx, dry bool) (string, error) {
	if st.cfg.Strategy == StrategyExpression {
		v, err := st.prog.Run(rc.in)
		if err != nil {
			return "", err
		}
		s, _ := v.(string)
		if s == "" {
			return "", problem("表达式没有给出成员", "the expression gave no user")
		}
		return s, nil
	}
	cands, err := st.candidates(ctx, rc)
	if err != nil {
		return "", err
	}
	if len(cands) == 0 {
		return "", problem("没有可分配的成员", "there is nobody to assign")
	}
	if st.cfg.Strategy == StrategyRoundRobin {
		n, err := rc.s.rotate(ctx, fmt.Sprintf("rr.%s.%d", rc.c.auto.ID, rc.step), dry)
		if err != nil {
			return "", err
		}
		return cands[int(n%int64(len(cands)))], nil
	}
	best, bestN := "", int64(-1)
	for _, u := range cands {
		conds := []store.Filter{store.Where(st.cfg.Field, store.OpEq, u)}
		if st.cfg.Open != nil {
			conds = append(conds, *st.cfg.Open)
		}
		f := store.And(conds...)
		p, err := rc.s.e.QueryRecords(ctx, rc.actor, rc.c.auto.Form, engine.RecordQuery{Filter: &f, Limit: 1, Total: true})
		if err != nil {
			return "", err
		}
		if bestN < 0 || *p.Total < bestN {
			best, bestN = u, *p.Total
		}
	}
	return best, nil
}

func (st *assignStep) candidates(ctx context.Context, rc *runCtx) ([]string, error) {
	set := slices.Clone(st.cfg.Users)
	if st.cfg.Role != "" || st.cfg.Department != "" {
		var roles, deps []string
		if st.cfg.Role != "" {
			roles = []string{st.cfg.Role}
		}
		if st.cfg.Department != "" {
			deps = []string{st.cfg.Department}
		}
		more, err := rc.s.membersOf(ctx, rc.actor, roles, deps)
		if err != nil {
			return nil, err
		}
		set = append(set, more...)
	}
	active, err := rc.s.activeMembers(ctx, rc.actor)
	if err != nil {
		return nil, err
	}
	slices.Sort(set)
	set = slices.Compact(set)
	out := set[:0]
	for _, u := range set {
		if active[u] {
			out = append(out, u)
		}
	}
	return out, nil
}

// rotate returns the next number of a durable rotation counter (a
// document updated with compare-and-set, so processes never hand out the
// same turn); peek reads it without moving it.
func (s *Service) rotate(ctx context.Context, name string, peek bool) (int64, error) {
	for attempt := 0; attempt < 10; attempt++ {
		d, err := s.st.Get(ctx, collState, name)
		var n int64
		switch {
		case errors.Is(err, store.ErrNotFound):
			if peek {
				return 0, nil
			}
			_, err = s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Writes: []store.Write{{Op: store.OpInsert, Collection: collState, Doc: store.Document{ID: name, Data: map[string]any{"next": float64(1)}}}}})
			if errors.Is(err, store.ErrDuplicate) {
				continue
			}
			return 0, err
		case err != nil:
			return 0, err
		}
		f, _ := d.Data["next"].(float64)
		n = int64(f)
		if peek {
			return n, nil
		}
		_, err = s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Writes: []store.Write{{Op: store.OpUpdate, Collection: collState, ExpectVersion: d.Version, Doc: store.Document{ID: name, Data: map[string]any{"next": float64(n + 1)}}}}})
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		return n, err
	}
	return 0, fmt.Errorf("automation: rotation %s: too many concurrent turns", name)
}
