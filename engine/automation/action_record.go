package automation

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/store"
)

// recordConfig is the configuration of the record actions.
type recordConfig struct {
	// Form is the target form ("" : the triggering form).
	Form string `json:"form,omitempty"`
	// Target is "record" (the triggering record, the default for update
	// and delete) or "query" (the records Filter and Match select).
	Target string `json:"target,omitempty"`
	// Filter is a store filter over the target form's fields, with
	// literal values; Match adds field == expression conditions.
	Filter *store.Filter     `json:"filter,omitempty"`
	Match  map[string]string `json:"match,omitempty"`
	// Values maps target field keys to expressions over the triggering record.
	Values map[string]string `json:"values,omitempty"`
	// Limit bounds the records changed (default and most MaxRecordsPerAction).
	Limit int `json:"limit,omitempty"`
}

// recordStep performs create, update, upsert and delete.
type recordStep struct {
	kind   string
	cfg    recordConfig
	target *engine.Version
	values map[string]*expr.Program
	match  map[string]*expr.Program
}

func compileRecord(kind string) func(c *compiler, at string, cfg map[string]any) stepImpl {
	return func(c *compiler, at string, raw map[string]any) stepImpl {
		var cfg recordConfig
		if !c.decode(at, raw, &cfg) {
			return nil
		}
		st := &recordStep{kind: kind, cfg: cfg}
		if st.target = c.targetForm(at+".form", cfg.Form); st.target == nil {
			return nil
		}
		switch cfg.Target {
		case "", "record", "query":
		default:
			c.add(ferr(at+".target", CodeActionCfg, map[string]any{"reason": "use record or query"}))
		}
		if kind == KindUpsert || kind == KindCreate {
			st.cfg.Target = "query"
		}
		if st.cfg.Target == "" {
			st.cfg.Target = "record"
			if st.target != c.form {
				st.cfg.Target = "query"
			}
		}
		if st.cfg.Target == "record" && st.target != c.form {
			c.add(ferr(at+".target", CodeActionCfg, map[string]any{"reason": "the triggering record is in the triggering form"}))
		}
		if kind != KindCreate && st.cfg.Target == "query" && cfg.Filter == nil && len(cfg.Match) == 0 {
			c.add(ferr(at+".match", codeRequired, nil))
		}
		if (kind == KindCreate || kind == KindUpdate || kind == KindUpsert) && len(cfg.Values) == 0 {
			c.add(ferr(at+".values", codeRequired, nil))
		}
		if kind == KindCreate && (cfg.Filter != nil || len(cfg.Match) > 0) {
			c.add(ferr(at+".match", CodeActionCfg, map[string]any{"reason": "a create matches nothing; use upsert"}))
		}
		if cfg.Limit < 0 || cfg.Limit > MaxRecordsPerAction {
			c.add(ferr(at+".limit", CodeRange, map[string]any{"min": 0, "max": MaxRecordsPerAction}))
		}
		st.values = c.values(at+".values", st.target, cfg.Values)
		st.match = c.matchValues(at+".match", kind, st.target, cfg.Match)
		return st
	}
}

var (
	compileCreate = compileRecord(KindCreate)
	compileUpdate = compileRecord(KindUpdate)
	compileUpsert = compileRecord(KindUpsert)
	compileDelete = compileRecord(KindDelete)
)

func (st *recordStep) perform(ctx context.Context, rc *runCtx, dry bool) (engine.ActionOutcome, error) {
	values, err := rc.eval(st.values)
	if err != nil {
		return engine.ActionOutcome{}, err
	}
	form := st.target.Form
	opts := engine.WriteOptions{Chain: rc.chain}
	detail := map[string]any{"form": form}
	if len(values) > 0 {
		detail["values"] = values
	}
	e := rc.s.e
	switch {
	case st.kind == KindCreate:
		if dry {
			return outcome(detail, "将新增 1 条记录", "would create 1 record"), nil
		}
		r, err := e.CreateRecord(ctx, rc.actor, form, values, opts)
		if err != nil {
			return outcome(detail, "", ""), err
		}
		detail["record"] = r.ID
		return outcome(detail, "已新增记录 "+r.ID, "created record "+r.ID), nil
	case st.cfg.Target == "record":
		id := rc.cause.record
		if id == "" {
			return engine.ActionOutcome{}, problem("没有触发记录", "there is no triggering record")
		}
		detail["records"] = []any{id}
		if dry {
			if st.kind == KindDelete {
				return outcome(detail, "将删除触发记录", "would delete the triggering record"), nil
			}
			return outcome(detail, "将更新触发记录", "would update the triggering record"), nil
		}
		if st.kind == KindDelete {
			err = rc.deleteRecord(ctx, form, id)
		} else {
			err = rc.updateRecord(ctx, form, id, values)
		}
		return outcome(detail, "已处理触发记录", "done on the triggering record"), err
	}
	match, err := rc.eval(st.match)
	if err != nil {
		return engine.ActionOutcome{}, err
	}
	ids, err := st.find(ctx, rc, match)
	if err != nil {
		return outcome(detail, "", ""), err
	}
	detail["records"] = anyStrings(ids)
	if st.kind == KindUpsert && len(ids) == 0 {
		in := map[string]any{}
		for k, v := range match {
			in[k] = v
		}
		for k, v := range values {
			in[k] = v
		}
		detail["values"], detail["created"] = in, true
		if dry {
			return outcome(detail, "没有匹配的记录，将新增 1 条", "no match: would create 1 record"), nil
		}
		r, err := e.CreateRecord(ctx, rc.actor, form, in, opts)
		if err != nil {
			return outcome(detail, "", ""), err
		}
		detail["record"] = r.ID
		return outcome(detail, "已新增记录 "+r.ID, "created record "+r.ID), nil
	}
	verbZh, verbEn := "更新", "update"
	if st.kind == KindDelete {
		verbZh, verbEn = "删除", "delete"
	}
	if dry {
		return outcome(detail, fmt.Sprintf("将%s %d 条记录", verbZh, len(ids)), fmt.Sprintf("would %s %d records", verbEn, len(ids))), nil
	}
	for _, id := range ids {
		if st.kind == KindDelete {
			err = rc.deleteRecord(ctx, form, id)
		} else {
			err = rc.updateRecord(ctx, form, id, values)
		}
		if err != nil {
			return outcome(detail, "", ""), fmt.Errorf("record %s: %w", id, err)
		}
	}
	return outcome(detail, fmt.Sprintf("已%s %d 条记录", verbZh, len(ids)), fmt.Sprintf("%sd %d records", verbEn, len(ids))), nil
}

// find returns the ids of the target records (the actor's view applies).
func (st *recordStep) find(ctx context.Context, rc *runCtx, match map[string]any) ([]string, error) {
	var conds []store.Filter
	if st.cfg.Filter != nil {
		conds = append(conds, *st.cfg.Filter)
	}
	keys := make([]string, 0, len(match))
	for k := range match {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := match[k]
		if v == nil {
			conds = append(conds, store.Where(k, store.OpEmpty, true))
		} else {
			conds = append(conds, store.Where(k, store.OpEq, v))
		}
	}
	f := store.And(conds...)
	limit := st.cfg.Limit
	if limit == 0 {
		limit = MaxRecordsPerAction
	}
	p, err := rc.s.e.QueryRecords(ctx, rc.actor, st.target.Form, engine.RecordQuery{Filter: &f, Limit: limit})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(p.Items))
	for i, r := range p.Items {
		ids[i] = r.ID
	}
	return ids, nil
}

// updateRecord writes input to a record through the pipeline, reading
// its version first and trying again when another write got in between.
func (rc *runCtx) updateRecord(ctx context.Context, form, id string, input map[string]any) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var r engine.Record
		if r, err = rc.s.e.Record(ctx, rc.actor, form, id); err != nil {
			return err
		}
		_, err = rc.s.e.UpdateRecord(ctx, rc.actor, form, id, input, r.Version, engine.WriteOptions{Chain: rc.chain})
		if !errors.Is(err, engine.ErrConflict) {
			return err
		}
	}
	return err
}

func (rc *runCtx) deleteRecord(ctx context.Context, form, id string) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var r engine.Record
		if r, err = rc.s.e.Record(ctx, rc.actor, form, id); err != nil {
			return err
		}
		err = rc.s.e.DeleteRecordWith(ctx, rc.actor, form, id, r.Version, engine.WriteOptions{Chain: rc.chain})
		if !errors.Is(err, engine.ErrConflict) {
			return err
		}
	}
	return err
}

// eval runs a mapping's expressions over the triggering record and
// returns write input (dates as RFC 3339 in the workspace zone).
func (rc *runCtx) eval(progs map[string]*expr.Program) (map[string]any, error) {
	out := make(map[string]any, len(progs))
	for k, p := range progs {
		v, err := p.Run(rc.in)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = toInput(v, rc.loc)
	}
	return out, nil
}

func toInput(v any, loc *time.Location) any {
	switch x := v.(type) {
	case time.Time:
		return x.In(loc).Format(time.RFC3339Nano)
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toInput(e, loc)
		}
		return out
	}
	return v
}

func outcome(detail map[string]any, zh, en string) engine.ActionOutcome {
	o := engine.ActionOutcome{Detail: detail}
	if zh != "" || en != "" {
		o.Summary = map[string]string{"zh-CN": zh, "en": en}
	}
	return o
}

func anyStrings(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// matchValues compiles the match of a record action: target field keys
// and, for an update or a delete, RecordIDName, the target record whose id
// the expression gives (a relation field of the triggering record). An
// upsert creates from its match, so it matches fields only.
func (c *compiler) matchValues(at, kind string, target *engine.Version, m map[string]string) map[string]*expr.Program {
	src, ok := m[RecordIDName]
	if !ok || kind == KindUpsert {
		return c.values(at, target, m)
	}
	rest := make(map[string]string, len(m)-1)
	for k, v := range m {
		if k != RecordIDName {
			rest[k] = v
		}
	}
	out := c.values(at, target, rest)
	if out == nil {
		out = map[string]*expr.Program{}
	}
	if p := c.expression(at+"."+RecordIDName, src, expr.Any); p != nil {
		out[RecordIDName] = p
	}
	return out
}
