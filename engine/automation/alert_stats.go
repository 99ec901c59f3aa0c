package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Alert statistics count alert occurrences (every raise is one alert) by
// rule, severity, state, form, owner and raise time, over exactly the
// alerts the actor sees: every alert of the forms they design, and the
// alerts of records they may read (Service.Alert's rule). Charts read them
// through a chart source (docs/automations.md, "Alert statistics").

// AlertStatsKey is one key alert statistics group and filter by.
type AlertStatsKey struct {
	Key string `json:"key"`
	// Type is text, user, datetime or number (how a chart treats it).
	Type string `json:"type"`
	// Label is the key's name, zh-CN and en.
	Label map[string]string `json:"label"`
	path  string
}

// AlertStatsKeys are the keys of alert statistics, in display order.
var AlertStatsKeys = []AlertStatsKey{
	{Key: "raisedAt", Type: "datetime", Label: map[string]string{"zh-CN": "触发时间", "en": "Raised at"}, path: "raised_at"},
	{Key: "rule", Type: "text", Label: map[string]string{"zh-CN": "预警规则", "en": "Rule"}, path: "rule"},
	{Key: "severity", Type: "text", Label: map[string]string{"zh-CN": "级别", "en": "Severity"}, path: "severity"},
	{Key: "state", Type: "text", Label: map[string]string{"zh-CN": "状态", "en": "State"}, path: "state"},
	{Key: "owner", Type: "user", Label: map[string]string{"zh-CN": "负责人", "en": "Owner"}, path: "owner"},
	{Key: "form", Type: "text", Label: map[string]string{"zh-CN": "表单", "en": "Form"}, path: "form"},
	{Key: "level", Type: "number", Label: map[string]string{"zh-CN": "升级层级", "en": "Escalation level"}, path: "level"},
	{Key: "record", Type: "text", Label: map[string]string{"zh-CN": "记录", "en": "Record"}, path: "record"},
}

func statsKey(k string) (AlertStatsKey, bool) {
	i := slices.IndexFunc(AlertStatsKeys, func(x AlertStatsKey) bool { return x.Key == k })
	if i < 0 {
		return AlertStatsKey{}, false
	}
	return AlertStatsKeys[i], true
}

// AlertStatsQuery selects and groups alerts. Forms, when set, keeps the
// alerts of those forms (a dashboard: its app's forms); Filter is the
// store filter model over the keys of AlertStatsKeys (raisedAt compared as
// RFC 3339 instants); GroupBy are keys of AlertStatsKeys (raisedAt
// bucketed by day, week, month, quarter or year in the key's TimeZone, the
// workspace zone when empty).
type AlertStatsQuery struct {
	Forms   []string         `json:"forms,omitempty"`
	Filter  *store.Filter    `json:"filter,omitempty"`
	GroupBy []store.GroupKey `json:"groupBy,omitempty"`
}

// AlertStats is the count of alerts per group: Groups' Values hold one
// count each, Keys follow GroupBy (nil for an empty value). Truncated says
// MaxCountAlerts alerts were read and the rest not counted. Labels name
// key values by key: rules (their names), forms, owners.
type AlertStats struct {
	Groups    []store.Group                `json:"groups"`
	Truncated bool                         `json:"truncated,omitempty"`
	Labels    map[string]map[string]string `json:"labels,omitempty"`
}

// AlertStatistics counts the alerts the actor sees, grouped.
func (s *Service) AlertStatistics(ctx context.Context, a engine.Actor, q AlertStatsQuery) (AlertStats, error) {
	if len(q.GroupBy) > store.MaxGroupKeys {
		return AlertStats{}, invalid(ferr("groupBy", engine.CodeMaxItems, map[string]any{"max": store.MaxGroupKeys}))
	}
	wsLoc, err := s.e.Location(ctx, a.Workspace)
	if err != nil {
		return AlertStats{}, err
	}
	keys := make([]AlertStatsKey, len(q.GroupBy))
	locs := make([]*time.Location, len(q.GroupBy))
	for i, g := range q.GroupBy {
		at := fmt.Sprintf("groupBy[%d]", i)
		k, ok := statsKey(g.Field)
		if !ok {
			return AlertStats{}, invalid(ferr(at+".field", engine.CodeUnknownField, map[string]any{"field": g.Field}))
		}
		switch {
		case g.Bucket != store.BucketNone && k.Type != "datetime":
			return AlertStats{}, invalid(ferr(at+".bucket", engine.CodeOption, map[string]any{"value": string(g.Bucket)}))
		case g.Bucket != store.BucketNone && !slices.Contains([]store.Bucket{store.BucketDay, store.BucketWeek, store.BucketMonth, store.BucketQuarter, store.BucketYear}, g.Bucket):
			return AlertStats{}, invalid(ferr(at+".bucket", engine.CodeOption, map[string]any{"value": string(g.Bucket)}))
		}
		keys[i], locs[i] = k, wsLoc
		if g.TimeZone != "" {
			if locs[i], err = time.LoadLocation(g.TimeZone); err != nil {
				return AlertStats{}, invalid(ferr(at+".timeZone", engine.CodeOption, map[string]any{"value": g.TimeZone}))
			}
		}
	}
	conds := []store.Filter{store.Where("workspace", store.OpEq, a.Workspace)}
	if q.Forms != nil {
		if len(q.Forms) == 0 {
			return AlertStats{Groups: []store.Group{}}, nil
		}
		conds = append(conds, store.Where("form", store.OpIn, anyList(q.Forms)))
	}
	if q.Filter != nil {
		f, err := statsFilter(*q.Filter, "filter")
		if err != nil {
			return AlertStats{}, err
		}
		conds = append(conds, f)
	}
	out := AlertStats{Groups: []store.Group{}}
	index := map[string]int{}
	labels := map[string]map[string]string{}
	add := func(gk []any, n float64) {
		id := fmt.Sprintf("%#v", gk)
		j, ok := index[id]
		if !ok {
			j = len(out.Groups)
			index[id] = j
			out.Groups = append(out.Groups, store.Group{Keys: gk, Values: []any{0.0}})
		}
		out.Groups[j].Values[0] = out.Groups[j].Values[0].(float64) + n
	}
	// The alerts of forms the actor designs are all theirs: the store
	// counts them (no alert leaves it). The others are read page by page
	// and counted when their record is readable.
	base := store.And(conds...)
	formGroups, err := s.st.Aggregate(ctx, collAlerts, store.AggregateQuery{Filter: &base, GroupBy: []store.GroupKey{{Field: "form"}}, Metrics: []store.Metric{{Op: store.AggCount}}})
	if err != nil {
		return AlertStats{}, mapStore(err)
	}
	v := newVisibility(s, a)
	var designed, others []string
	for _, g := range formGroups {
		if f, _ := g.Keys[0].(string); f != "" && v.designs(ctx, f) {
			designed = append(designed, f)
		} else if f != "" {
			others = append(others, f)
		}
	}
	if len(designed) > 0 {
		f := store.And(base, store.Where("form", store.OpIn, anyList(designed)))
		group := make([]store.GroupKey, len(keys))
		for i, k := range keys {
			group[i] = store.GroupKey{Field: k.path, Bucket: q.GroupBy[i].Bucket}
			if group[i].Bucket != store.BucketNone {
				group[i].TimeZone = locs[i].String()
			}
		}
		groups, err := s.st.Aggregate(ctx, collAlerts, store.AggregateQuery{Filter: &f, GroupBy: group, Metrics: []store.Metric{{Op: store.AggCount}}})
		if err != nil {
			return AlertStats{}, mapStore(err)
		}
		for _, g := range groups {
			for i, k := range g.Keys {
				if str, ok := k.(string); ok && str == "" {
					g.Keys[i] = nil
				}
			}
			add(g.Keys, num(g.Values[0]))
		}
	}
	if len(others) > 0 {
		f := store.And(base, store.Where("form", store.OpIn, anyList(others)))
		truncated, err := s.eachVisibleAlert(ctx, a, f, func(al Alert) {
			gk := make([]any, len(keys))
			for i, k := range keys {
				gk[i] = statsValue(al, k.Key, q.GroupBy[i].Bucket, locs[i])
			}
			add(gk, 1)
		})
		if err != nil {
			return AlertStats{}, err
		}
		out.Truncated = truncated
	}
	for i, k := range keys {
		if k.Key != "rule" {
			continue
		}
		// A rule's name: the one its latest alert was raised under.
		for _, g := range out.Groups {
			id, ok := g.Keys[i].(string)
			if !ok || labels["rule"][id] != "" {
				continue
			}
			rf := store.And(store.Where("rule", store.OpEq, id), store.Where("workspace", store.OpEq, a.Workspace))
			p, err := s.st.Find(ctx, collAlerts, store.Query{Filter: &rf, Sort: []store.SortKey{{Field: "raised_at", Desc: true}}, Limit: 1})
			if err != nil {
				return AlertStats{}, mapStore(err)
			}
			if len(p.Docs) > 0 {
				name, _ := p.Docs[0].Data["rule_name"].(string)
				setLabel(labels, "rule", id, name)
			}
		}
	}
	for i, k := range keys {
		switch k.Key {
		case "owner":
			for _, g := range out.Groups {
				if id, ok := g.Keys[i].(string); ok && labels["owner"][id] == "" && len(labels["owner"]) < 200 {
					if u, err := s.e.User(ctx, id); err == nil {
						setLabel(labels, "owner", id, u.Name)
					}
				}
			}
		case "form":
			for _, g := range out.Groups {
				if id, ok := g.Keys[i].(string); ok && labels["form"][id] == "" {
					if f, err := s.e.Form(ctx, a, id); err == nil {
						setLabel(labels, "form", id, f.Name)
					}
				}
			}
		}
	}
	if len(labels) > 0 {
		out.Labels = labels
	}
	return out, nil
}

// num is a count as a number.
func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	return 0
}

func setLabel(m map[string]map[string]string, key, value, label string) {
	if m[key] == nil {
		m[key] = map[string]string{}
	}
	m[key][value] = label
}

func anyList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// statsValue is an alert's value of a key (nil when empty).
func statsValue(al Alert, key string, b store.Bucket, loc *time.Location) any {
	var v string
	switch key {
	case "raisedAt":
		if b == store.BucketNone {
			return store.FormatTime(al.RaisedAt)
		}
		return store.BucketKey(al.RaisedAt.In(loc), b)
	case "level":
		return float64(al.Level)
	case "rule":
		v = al.Rule
	case "severity":
		v = string(al.Severity)
	case "state":
		v = string(al.State)
	case "owner":
		v = al.Owner
	case "form":
		v = al.Form
	case "record":
		v = al.Record
	}
	if v == "" {
		return nil
	}
	return v
}

// statsFilter renames a filter's keys to the alert documents' paths,
// refusing any other key.
func statsFilter(f store.Filter, at string) (store.Filter, error) {
	out := f
	var err error
	mapList := func(list []store.Filter, name string) ([]store.Filter, error) {
		res := make([]store.Filter, len(list))
		for i, x := range list {
			if res[i], err = statsFilter(x, fmt.Sprintf("%s.%s[%d]", at, name, i)); err != nil {
				return nil, err
			}
		}
		return res, nil
	}
	switch {
	case f.And != nil:
		out.And, err = mapList(f.And, "and")
	case f.Or != nil:
		out.Or, err = mapList(f.Or, "or")
	case f.Not != nil:
		var n store.Filter
		n, err = statsFilter(*f.Not, at+".not")
		out.Not = &n
	default:
		k, ok := statsKey(f.Field)
		if !ok {
			return store.Filter{}, invalid(ferr(at+".field", engine.CodeUnknownField, map[string]any{"field": f.Field}))
		}
		out.Field = k.path
	}
	return out, err
}

// eachVisibleAlert calls visit for each alert matching f that the actor
// sees, oldest first, reading at most MaxCountAlerts alerts (true when it
// stopped there). Record visibility is decided a page at a time: one
// record query per form and page, as the actor (their row filters in the
// store query), never one read per alert.
func (s *Service) eachVisibleAlert(ctx context.Context, a engine.Actor, f store.Filter, visit func(Alert)) (bool, error) {
	q := store.Query{Filter: &f, Sort: []store.SortKey{{Field: "raised_at"}}, Limit: store.MaxPageSize}
	v := newVisibility(s, a)
	readable := map[string]map[string]bool{} // form → record → may read
	for n := 0; ; {
		p, err := s.st.Find(ctx, collAlerts, q)
		if err != nil {
			return false, mapStore(err)
		}
		page := make([]Alert, 0, len(p.Docs))
		ask := map[string][]string{}
		for _, d := range p.Docs {
			if n++; n > MaxCountAlerts {
				break
			}
			al, err := alertFrom(d)
			if err != nil {
				return false, err
			}
			page = append(page, al)
			if al.Record == "" || v.designs(ctx, al.Form) {
				continue
			}
			if _, known := readable[al.Form][al.Record]; !known && !slices.Contains(ask[al.Form], al.Record) {
				ask[al.Form] = append(ask[al.Form], al.Record)
			}
		}
		for form, ids := range ask {
			seen, err := s.readableRecords(ctx, a, form, ids)
			if err != nil {
				return false, err
			}
			if readable[form] == nil {
				readable[form] = map[string]bool{}
			}
			for _, id := range ids {
				readable[form][id] = seen[id]
			}
		}
		for _, al := range page {
			if v.designs(ctx, al.Form) || al.Record != "" && readable[al.Form][al.Record] {
				visit(al)
			}
		}
		if n > MaxCountAlerts {
			return true, nil
		}
		if p.NextCursor == "" {
			return false, nil
		}
		q.After = p.NextCursor
	}
}

// readableRecords returns which of ids (records of form, live or in the
// recycle bin) the actor may read: one query with their row filters.
func (s *Service) readableRecords(ctx context.Context, a engine.Actor, form string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(ids); start += store.MaxListValues {
		batch := ids[start:min(len(ids), start+store.MaxListValues)]
		f := store.Where("id", store.OpIn, anyList(batch))
		p, err := s.e.QueryRecords(ctx, a, form, engine.RecordQuery{Filter: &f, Limit: len(batch), Deleted: store.IncludeDeleted})
		switch {
		case errors.Is(err, engine.ErrForbidden), errors.Is(err, engine.ErrNotFound), errors.Is(err, engine.ErrNotPublished):
			return out, nil
		case err != nil:
			return nil, err
		}
		for _, r := range p.Items {
			out[r.ID] = true
		}
	}
	return out, nil
}
