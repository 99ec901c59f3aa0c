package automation

import (
	"context"
	"slices"

	"github.com/formloom/formloom/engine"
)

type tagsConfig struct {
	Field  string   `json:"field"`
	Add    []string `json:"add,omitempty"`
	Remove []string `json:"remove,omitempty"`
}

type tagsStep struct{ cfg tagsConfig }

func compileTags(c *compiler, at string, raw map[string]any) stepImpl {
	var cfg tagsConfig
	if !c.decode(at, raw, &cfg) {
		return nil
	}
	f, ok := c.form.Field(cfg.Field)
	switch {
	case cfg.Field == "":
		c.add(ferr(at+".field", codeRequired, nil))
	case !ok:
		c.add(ferr(at+".field", CodeField, map[string]any{"field": cfg.Field}))
	case f.Type != "multiselect":
		c.add(ferr(at+".field", CodeFieldType, map[string]any{"field": cfg.Field, "want": "multiselect"}))
	}
	if len(cfg.Add)+len(cfg.Remove) == 0 {
		c.add(ferr(at+".add", codeRequired, nil))
	}
	if ok {
		opts := c.form.Env().Options[cfg.Field]
		for _, list := range [][]string{cfg.Add, cfg.Remove} {
			for _, v := range list {
				if !slices.ContainsFunc(opts, func(o exprOption) bool { return o.Value == v }) {
					c.add(ferr(at+".add", CodeActionCfg, map[string]any{"reason": "\"" + v + "\" is not an option of " + cfg.Field}))
				}
			}
		}
	}
	return &tagsStep{cfg: cfg}
}

func (st *tagsStep) perform(ctx context.Context, rc *runCtx, dry bool) (engine.ActionOutcome, error) {
	if rc.cause.record == "" {
		return engine.ActionOutcome{}, problem("没有触发记录", "there is no triggering record")
	}
	var cur []string
	if list, ok := rc.cause.data[st.cfg.Field].([]any); ok {
		for _, v := range list {
			if s, ok := v.(string); ok {
				cur = append(cur, s)
			}
		}
	}
	next := slices.Clone(cur)
	for _, a := range st.cfg.Add {
		if !slices.Contains(next, a) {
			next = append(next, a)
		}
	}
	next = slices.DeleteFunc(next, func(v string) bool { return slices.Contains(st.cfg.Remove, v) })
	detail := map[string]any{"field": st.cfg.Field, "record": rc.cause.record, "values": anyStrings(next)}
	if slices.Equal(cur, next) {
		return outcome(detail, "标签无变化", "tags unchanged"), nil
	}
	if dry {
		return outcome(detail, "将更新标签", "would update the tags"), nil
	}
	if err := rc.updateRecord(ctx, rc.c.auto.Form, rc.cause.record, map[string]any{st.cfg.Field: anyStrings(next)}); err != nil {
		return outcome(detail, "", ""), err
	}
	return outcome(detail, "已更新标签", "tags updated"), nil
}
