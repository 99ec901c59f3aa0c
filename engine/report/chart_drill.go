package report

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Drill is where a click on a bar, slice or cell leads: the form and the
// filter (query model) of exactly the records behind that figure, so the
// data view opens with it.
type Drill struct {
	Form   string       `json:"form"`
	Filter store.Filter `json:"filter"`
}

// Drill returns the records behind one group of a chart: the chart's and
// the dashboard's filters and each group key's value (a date bucket as the
// range of times it covers in the workspace time zone; nil as "empty").
// keys are the group's Keys as ChartData returned them; a funnel's keys
// are one stage value.
func (s *Dashboards) Drill(ctx context.Context, a engine.Actor, id, chartID string, values map[string]FilterValue, keys []any) (Drill, error) {
	db, err := s.Get(ctx, a, id)
	if err != nil {
		return Drill{}, err
	}
	if err := checkValues(db, values); err != nil {
		return Drill{}, err
	}
	c, ok := chartOf(db, chartID)
	if !ok {
		return Drill{}, fmt.Errorf("%w: chart %q", engine.ErrNotFound, chartID)
	}
	if c.Source != "" {
		// A source chart counts no records: there is nothing to open.
		return Drill{}, invalidAt("source", engine.CodeOption, map[string]any{"value": c.Source})
	}
	v, err := s.e.CurrentVersion(ctx, a, c.Form)
	if err != nil {
		return Drill{}, err
	}
	loc, err := s.e.Location(ctx, a.Workspace)
	if err != nil {
		return Drill{}, err
	}
	base, err := chartFilter(v, db, c, values, loc)
	if err != nil {
		return Drill{}, err
	}
	groupBy := c.GroupBy
	if c.Kind == ChartFunnel {
		p := pipelineOf(v)
		if p == nil {
			return Drill{}, invalidAt("form", CodeNoPipeline, nil)
		}
		groupBy = []store.GroupKey{{Field: p.Field}}
	}
	if len(keys) > len(groupBy) {
		return Drill{}, invalidAt("keys", engine.CodeMaxItems, map[string]any{"max": len(groupBy)})
	}
	var and []store.Filter
	switch {
	case base != nil && base.And != nil:
		and = append(and, base.And...) // one flat list reads better in the data view's filter
	case base != nil:
		and = append(and, *base)
	}
	for i, k := range keys {
		g := groupBy[i]
		at := fmt.Sprintf("keys[%d]", i)
		switch {
		case k == nil:
			and = append(and, store.Where(g.Field, store.OpEmpty, true))
		case g.Bucket != store.BucketNone:
			key, _ := k.(string)
			zone := loc
			if g.TimeZone != "" {
				if z, err := time.LoadLocation(g.TimeZone); err == nil {
					zone = z
				}
			}
			from, to, ok := bucketRange(key, g.Bucket, zone)
			if !ok {
				return Drill{}, invalidAt(at, engine.CodeOption, map[string]any{"value": key})
			}
			if f, known := v.Field(g.Field); known && f.Type == "date" {
				and = append(and, store.Where(g.Field, store.OpGte, from.Format(time.DateOnly)), store.Where(g.Field, store.OpLt, to.Format(time.DateOnly)))
			} else {
				and = append(and, store.Where(g.Field, store.OpGte, store.FormatTime(from)), store.Where(g.Field, store.OpLt, store.FormatTime(to)))
			}
		default:
			switch k.(type) {
			case string, float64, bool:
			default:
				return Drill{}, invalidAt(at, engine.CodeType, nil)
			}
			and = append(and, store.Where(g.Field, store.OpEq, k))
		}
	}
	out := Drill{Form: c.Form}
	switch len(and) {
	case 0:
		out.Filter = store.Filter{And: []store.Filter{}}
	case 1:
		out.Filter = and[0]
	default:
		out.Filter = store.And(and...)
	}
	// The filter must run as a query of the actor (it is what the data view will send).
	if _, err := s.e.QueryRecords(ctx, a, c.Form, engine.RecordQuery{Filter: &out.Filter, Limit: 1}); err != nil {
		return Drill{}, err
	}
	return out, nil
}

// bucketRange is the half-open range [from, to) a date bucket key covers in loc.
func bucketRange(key string, b store.Bucket, loc *time.Location) (from, to time.Time, ok bool) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc) }
	switch b {
	case store.BucketDay:
		t, err := time.ParseInLocation(time.DateOnly, key, loc)
		return t, t.AddDate(0, 0, 1), err == nil
	case store.BucketWeek:
		ys, ws, found := strings.Cut(key, "-W")
		y, err1 := strconv.Atoi(ys)
		w, err2 := strconv.Atoi(ws)
		if !found || err1 != nil || err2 != nil || w < 1 || w > 53 {
			return from, to, false
		}
		// ISO week 1 holds January 4th; weeks start on Monday.
		jan4 := day(y, 1, 4)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
		return monday, monday.AddDate(0, 0, 7), true
	case store.BucketMonth:
		t, err := time.ParseInLocation("2006-01", key, loc)
		return t, t.AddDate(0, 1, 0), err == nil
	case store.BucketQuarter:
		ys, qs, found := strings.Cut(key, "-Q")
		y, err1 := strconv.Atoi(ys)
		q, err2 := strconv.Atoi(qs)
		if !found || err1 != nil || err2 != nil || q < 1 || q > 4 {
			return from, to, false
		}
		t := day(y, 3*(q-1)+1, 1)
		return t, t.AddDate(0, 3, 0), true
	case store.BucketYear:
		y, err := strconv.Atoi(key)
		if err != nil || len(key) != 4 {
			return from, to, false
		}
		t := day(y, 1, 1)
		return t, t.AddDate(1, 0, 0), true
	}
	return from, to, false
}
