package automation

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Digest makes a notification a generated report: below its body, the
// figures of the period that ends at the run (a weekly report on a
// schedule). Each recipient's figures are computed with their own
// permissions (a dry run shows the automation actor's).
type Digest struct {
	// Days is the period's length, ending at the run (1-92, default 7).
	Days int `json:"days,omitempty"`
	// Counts are counts of the form's records the actor sees.
	Counts []DigestCount `json:"counts,omitempty"`
	// Alerts adds the period's alerts of the app's forms per rule (with
	// the critical ones) and how many are still open.
	Alerts bool `json:"alerts,omitempty"`
}

// DigestCount is one figure: the records matching Filter (the store filter
// model over the form's fields, literal values); with Within (a date or
// datetime field, createdAt or updatedAt), only those whose value falls in
// the period.
type DigestCount struct {
	Label  string        `json:"label"`
	Filter *store.Filter `json:"filter,omitempty"`
	Within string        `json:"within,omitempty"`
}

// Limits of a digest.
const (
	maxDigestCounts = 20
	maxDigestDays   = 92
	maxDigestRules  = 30
)

func (c *compiler) digest(at string, d *Digest) {
	if d == nil {
		return
	}
	if d.Days < 0 || d.Days > maxDigestDays {
		c.add(ferr(at+".days", CodeRange, map[string]any{"min": 1, "max": maxDigestDays}))
	}
	if len(d.Counts) > maxDigestCounts {
		c.add(ferr(at+".counts", CodeTooMany, map[string]any{"max": maxDigestCounts}))
		return
	}
	if len(d.Counts) == 0 && !d.Alerts {
		c.add(ferr(at+".counts", codeRequired, nil))
	}
	for i, k := range d.Counts {
		kat := fmt.Sprintf("%s.counts[%d]", at, i)
		if l := strings.TrimSpace(k.Label); l == "" {
			c.add(ferr(kat+".label", codeRequired, nil))
		} else if utf8.RuneCountInString(l) > 60 {
			c.add(ferr(kat+".label", CodeRange, map[string]any{"min": 1, "max": 60}))
		}
		switch k.Within {
		case "", "createdAt", "updatedAt":
		default:
			f, ok := c.form.Field(k.Within)
			switch {
			case !ok:
				c.add(ferr(kat+".within", CodeField, map[string]any{"field": k.Within}))
			case f.Type != "date" && f.Type != "datetime":
				c.add(ferr(kat+".within", CodeFieldType, map[string]any{"field": k.Within, "want": "date"}))
			}
		}
	}
}

// digestText renders the digest in the workspace's language, with the
// figures a sees.
func (rc *runCtx) digestText(ctx context.Context, a engine.Actor, d *Digest) (string, error) {
	s := rc.s
	ws, err := s.e.Workspace(ctx, rc.c.auto.Workspace)
	if err != nil {
		return "", err
	}
	en := strings.HasPrefix(ws.Language, "en")
	tr := func(zh, e string) string {
		if en {
			return e
		}
		return zh
	}
	days := d.Days
	if days == 0 {
		days = 7
	}
	to := rc.now
	from := to.AddDate(0, 0, -days)
	var b strings.Builder
	fmt.Fprintf(&b, tr("—— %s 至 %s ——\n", "—— %s to %s ——\n"), from.In(rc.loc).Format("2006-01-02"), to.In(rc.loc).Format("2006-01-02"))
	for _, k := range d.Counts {
		var conds []store.Filter
		if k.Filter != nil {
			conds = append(conds, *k.Filter)
		}
		if k.Within != "" {
			lo, hi := any(store.FormatTime(from)), any(store.FormatTime(to))
			if f, ok := rc.c.form.Field(k.Within); ok && f.Type == "date" {
				lo, hi = from.In(rc.loc).Format("2006-01-02"), to.In(rc.loc).Format("2006-01-02")
			}
			conds = append(conds, store.Where(k.Within, store.OpGte, lo), store.Where(k.Within, store.OpLte, hi))
		}
		var f *store.Filter
		if len(conds) > 0 {
			x := store.And(conds...)
			f = &x
		}
		p, err := s.e.QueryRecords(ctx, a, rc.c.auto.Form, engine.RecordQuery{Filter: f, Limit: 1, Total: true})
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s%s%d\n", k.Label, tr("：", ": "), *p.Total)
	}
	if d.Alerts {
		forms, err := s.e.Forms(ctx, a, rc.c.auto.App)
		if err != nil {
			return "", err
		}
		ids := make([]string, len(forms))
		for i, f := range forms {
			ids[i] = f.ID
		}
		period := store.And(store.Where("raisedAt", store.OpGte, store.FormatTime(from)), store.Where("raisedAt", store.OpLt, store.FormatTime(to.Add(time.Second))))
		st, err := s.AlertStatistics(ctx, a, AlertStatsQuery{Forms: ids, Filter: &period, GroupBy: []store.GroupKey{{Field: "rule"}, {Field: "severity"}}})
		if err != nil {
			return "", err
		}
		type line struct {
			name            string
			raised, critica int
		}
		byRule := map[string]*line{}
		total, critical := 0, 0
		for _, g := range st.Groups {
			rule, _ := g.Keys[0].(string)
			n := int(g.Values[0].(float64))
			l := byRule[rule]
			if l == nil {
				l = &line{name: st.Labels["rule"][rule]}
				byRule[rule] = l
			}
			l.raised += n
			total += n
			if g.Keys[1] == string(SeverityCritical) {
				l.critica += n
				critical += n
			}
		}
		fmt.Fprintf(&b, tr("预警：共 %d 条，其中严重 %d 条\n", "Alerts: %d raised, %d critical\n"), total, critical)
		lines := make([]*line, 0, len(byRule))
		for _, l := range byRule {
			lines = append(lines, l)
		}
		sort.Slice(lines, func(i, j int) bool {
			if lines[i].raised != lines[j].raised {
				return lines[i].raised > lines[j].raised
			}
			return lines[i].name < lines[j].name
		})
		for i, l := range lines {
			if i == maxDigestRules {
				break
			}
			fmt.Fprintf(&b, tr("· %s：%d（严重 %d）\n", "· %s: %d (%d critical)\n"), l.name, l.raised, l.critica)
		}
		open := store.Where("state", store.OpIn, []any{string(AlertOpen), string(AlertAcknowledged)})
		st, err = s.AlertStatistics(ctx, a, AlertStatsQuery{Forms: ids, Filter: &open})
		if err != nil {
			return "", err
		}
		n := 0
		if len(st.Groups) > 0 {
			n = int(st.Groups[0].Values[0].(float64))
		}
		fmt.Fprintf(&b, tr("尚未解决的预警：%d 条\n", "Alerts not resolved yet: %d\n"), n)
	}
	return strings.TrimRight(b.String(), "\n"), nil
}
