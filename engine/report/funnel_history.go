package report

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Sample sizes of the history figures computed per record.
const (
	historySample = 1000 // records whose transitions place the lost ones and time in stage
	cycleSample   = 500  // won records whose cycle is averaged
	maxTransPages = 5    // pages of transitions read per sample
)

// history computes the funnel figures that come from stage history: per
// open stage, how many of the lost records were lost from it, and per
// stage the average time records stayed in it; and the average cycle.
//
// It needs the record.history right on the form. When the actor sees all
// of the form's records and no filter narrows the chart, lost records and
// times come from store aggregates over every transition (exact). Otherwise
// only the transitions of records they see and that match the filters
// count: those of the most recently updated historySample records
// (fd.Sampled when there are more), so a figure never tells about records
// the actor cannot see. The lost counts are then spread over the stages in
// the proportions the transitions show, so they add up to the lost records
// counted from the records themselves.
//
// A create stores no transition (the record is its entry into its first
// stage), so the records created straight into a closed stage are counted
// from the records: the lost ones no move into a lost stage accounts for
// were lost from "" (placed at the first stage, as records without
// history are), and a won record without a move into a won stage has a
// cycle of 0, the figures a stored creation transition gave.
func (s *Dashboards) history(ctx context.Context, a engine.Actor, c Chart, p *stagePipeline, filter *store.Filter, fd *FunnelData) (map[string]int64, map[string]*float64, error) {
	lostFrom, durations := map[string]int64{}, map[string]*float64{}
	if s.transitions == "" {
		return lostFrom, durations, nil
	}
	d, err := s.e.Authorize(ctx, a, engine.ActRecordHistory, engine.Resource{Form: c.Form})
	if errors.Is(err, engine.ErrForbidden) {
		return lostFrom, durations, nil
	}
	if err != nil {
		return nil, nil, err
	}
	fd.History = true
	var lostValues, wonValues []any
	for _, st := range p.Stages {
		switch st.Flag {
		case flagLost:
			lostValues = append(lostValues, st.Value)
		case flagWon:
			wonValues = append(wonValues, st.Value)
		}
	}
	base := []store.Filter{store.Where("form", store.OpEq, c.Form), store.Where("workspace", store.OpEq, a.Workspace)}
	lostShare := map[string]float64{}
	if d.Rows == nil && filter == nil {
		groups, err := s.e.Store().Aggregate(ctx, s.transitions, store.AggregateQuery{
			Filter:  ptr(store.And(append(slices.Clone(base), store.Where("to_flag", store.OpEq, flagLost))...)),
			GroupBy: []store.GroupKey{{Field: "from"}}, Metrics: []store.Metric{{Op: store.AggCount}}})
		if err != nil {
			return nil, nil, err
		}
		var moves float64
		for _, g := range groups {
			k, _ := g.Keys[0].(string)
			lostShare[k] += num(g.Values[0])
			moves += num(g.Values[0])
		}
		// A record created into a lost stage has no transition into it
		// (a create stores none): the lost records the moves do not
		// account for were created lost, as from "".
		if created := float64(lostCount(fd)) - moves; created > 0 {
			lostShare[""] += created
		}
		// The average ignores transitions without a duration (a source
		// stage with none has no average, as without its transitions):
		// no condition on duration_ms, so the aggregate reads only keys
		// of the stage history's covering index (engine/workflow).
		groups, err = s.e.Store().Aggregate(ctx, s.transitions, store.AggregateQuery{
			Filter:  ptr(store.And(base...)),
			GroupBy: []store.GroupKey{{Field: "from"}}, Metrics: []store.Metric{{Op: store.AggAvg, Field: "duration_ms"}}})
		if err != nil {
			return nil, nil, err
		}
		for _, g := range groups {
			if k, ok := g.Keys[0].(string); ok && g.Values[0] != nil {
				x := num(g.Values[0])
				durations[k] = &x
			}
		}
	} else {
		recent, more, err := s.recordIDs(ctx, a, c.Form, filter, p.Field, nil, historySample)
		if err != nil {
			return nil, nil, err
		}
		lost, moreLost, err := s.recordIDs(ctx, a, c.Form, filter, p.Field, lostValues, historySample)
		if err != nil {
			return nil, nil, err
		}
		fd.Sampled = more || moreLost
		sum, n := map[string]float64{}, map[string]float64{}
		err = s.eachTransition(ctx, base, recent, nil, func(doc store.Document) {
			if ms, ok := doc.Data["duration_ms"].(float64); ok {
				from, _ := doc.Data["from"].(string)
				sum[from] += ms
				n[from]++
			}
		})
		if err != nil {
			return nil, nil, err
		}
		for k := range sum {
			x := sum[k] / n[k]
			durations[k] = &x
		}
		// The last move into a lost stage of each lost record says where it was lost.
		last := map[string]store.Document{}
		err = s.eachTransition(ctx, base, lost, ptr(store.Where("to_flag", store.OpEq, flagLost)), func(doc store.Document) {
			rec, _ := doc.Data["record"].(string)
			if cur, ok := last[rec]; !ok || str(doc, "at") > str(cur, "at") {
				last[rec] = doc
			}
		})
		if err != nil {
			return nil, nil, err
		}
		for _, doc := range last {
			lostShare[str(doc, "from")]++
		}
		// A lost record without a move into a lost stage was created lost.
		for _, id := range lost {
			if _, moved := last[id.(string)]; !moved {
				lostShare[""]++
			}
		}
	}
	spread(lostFrom, lostShare, lostCount(fd))
	if err := s.cycle(ctx, a, c.Form, base, filter, wonValues, fd); err != nil {
		return nil, nil, err
	}
	return lostFrom, durations, nil
}

// cycle averages the time from creation to the last move into a won
// stage over the most recently updated won records the actor sees.
func (s *Dashboards) cycle(ctx context.Context, a engine.Actor, form string, base []store.Filter, filter *store.Filter, wonValues []any, fd *FunnelData) error {
	if len(wonValues) == 0 {
		return nil
	}
	items, _, err := s.recent(ctx, a, form, andFilter(filter, store.Where(fd.Field, store.OpIn, wonValues)), cycleSample)
	if err != nil {
		return err
	}
	created := map[string]time.Time{}
	ids := make([]any, len(items))
	for i, r := range items {
		created[r.ID] = r.CreatedAt
		ids[i] = r.ID
	}
	wonAt := map[string]time.Time{}
	err = s.eachTransition(ctx, base, ids, ptr(store.Where("to_flag", store.OpEq, flagWon)), func(doc store.Document) {
		t, err := store.ParseTime(str(doc, "at"))
		rec := str(doc, "record")
		if err == nil && t.After(wonAt[rec]) {
			wonAt[rec] = t
		}
	})
	if err != nil {
		return err
	}
	// A won record without a move into a won stage was created won (a
	// create stores no transition): its cycle is 0.
	for rec, t := range created {
		if _, moved := wonAt[rec]; !moved {
			wonAt[rec] = t
		}
	}
	var total float64
	for rec, t := range wonAt {
		total += float64(t.Sub(created[rec]).Milliseconds())
	}
	if len(wonAt) > 0 {
		x := total / float64(len(wonAt))
		fd.AvgCycleMS = &x
	}
	fd.CycleSample = len(wonAt)
	return nil
}

// recordIDs returns the ids of the most recently updated records the actor
// sees that match filter (and, with stages, are in one of them); more is
// set when there are further records.
func (s *Dashboards) recordIDs(ctx context.Context, a engine.Actor, form string, filter *store.Filter, stageField string, stages []any, limit int) (ids []any, more bool, err error) {
	f := filter
	if stages != nil {
		if len(stages) == 0 {
			return nil, false, nil
		}
		f = andFilter(filter, store.Where(stageField, store.OpIn, stages))
	}
	recs, more, err := s.recent(ctx, a, form, f, limit)
	for _, r := range recs {
		ids = append(ids, r.ID)
	}
	return ids, more, err
}

// recent returns the limit most recently updated records the actor sees
// that match f, in the order of a page sorted by updatedAt descending
// (equal times by id ascending, the store's tie-break); more is set when
// there are further records.
//
// That page read from the store's (updated_at, id) index backwards comes
// in id descending order, so the store sorts every group of records with
// one updated_at again: an import, or a clock that does not move, makes
// that group the whole form. So this reads the page ordered by id
// descending within equal times, which the index serves and stops early,
// and when there are further records, reads the first ids in ascending
// order of the records updated at the page's last time (an index search
// on that one time) in place of the page's. The records are the same as
// the page's.
func (s *Dashboards) recent(ctx context.Context, a engine.Actor, form string, f *store.Filter, limit int) ([]engine.Record, bool, error) {
	page, err := s.e.QueryRecords(ctx, a, form, engine.RecordQuery{Filter: f,
		Sort: []store.SortKey{{Field: "updatedAt", Desc: true}, {Field: "id", Desc: true}}, Limit: limit})
	if err != nil {
		return nil, false, err
	}
	items := page.Items
	if page.NextCursor == "" || len(items) == 0 {
		return items, false, nil
	}
	// Further records may share the last time: keep the newer ones and
	// the lowest ids of the records updated at the last time.
	last := items[len(items)-1].UpdatedAt
	keep := slices.IndexFunc(items, func(r engine.Record) bool { return r.UpdatedAt.Equal(last) })
	tie, err := s.e.QueryRecords(ctx, a, form, engine.RecordQuery{Filter: andFilter(f, store.Where("updatedAt", store.OpEq, store.FormatTime(last))),
		Sort: []store.SortKey{{Field: "id"}}, Limit: len(items) - keep})
	if err != nil {
		return nil, false, err
	}
	return append(items[:keep:keep], tie.Items...), true, nil
}

// eachTransition calls fn for each transition of the records ids (and
// matching extra), a bounded number of pages.
func (s *Dashboards) eachTransition(ctx context.Context, base []store.Filter, ids []any, extra *store.Filter, fn func(store.Document)) error {
	if len(ids) == 0 {
		return nil
	}
	// Only the record ids go to the store, so it reads them through its
	// (record, at) index; the form and workspace are checked here.
	f := store.Where("record", store.OpIn, ids)
	if extra != nil {
		f = store.And(f, *extra)
	}
	keep := func(d store.Document) bool {
		for _, b := range base {
			if v, _ := d.Data[b.Field].(string); v != b.Value {
				return false
			}
		}
		return true
	}
	cursor := ""
	for range maxTransPages {
		page, err := s.e.Store().Find(ctx, s.transitions, store.Query{Filter: &f, Limit: store.MaxPageSize, After: cursor})
		if err != nil {
			return err
		}
		for _, d := range page.Docs {
			if keep(d) {
				fn(d)
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			return nil
		}
	}
	return nil
}

// spread distributes total over the keys of share in its proportions
// (largest remainders, so the parts add up to total).
func spread(out map[string]int64, share map[string]float64, total int64) {
	var sum float64
	for _, w := range share {
		sum += w
	}
	if sum == 0 || total == 0 {
		return
	}
	type part struct {
		key  string
		frac float64
	}
	var parts []part
	var given int64
	for k, w := range share {
		x := float64(total) * w / sum
		out[k] = int64(math.Floor(x))
		given += out[k]
		parts = append(parts, part{k, x - math.Floor(x)})
	}
	slices.SortFunc(parts, func(x, y part) int { return cmp.Or(cmp.Compare(y.frac, x.frac), cmp.Compare(x.key, y.key)) })
	for i := 0; given < total && i < len(parts); i++ {
		out[parts[i].key]++
		given++
	}
}

func lostCount(fd *FunnelData) int64 {
	var n int64
	for _, st := range fd.Stages {
		if st.Flag == flagLost {
			n += st.Count
		}
	}
	return n
}

// sortLeaders orders the leaderboard: won amount, then won count, then owner.
func sortLeaders(ls []FunnelLeader) {
	slices.SortStableFunc(ls, func(x, y FunnelLeader) int {
		return cmp.Or(cmp.Compare(y.WonAmount, x.WonAmount), cmp.Compare(y.Won, x.Won), cmp.Compare(y.Open, x.Open))
	})
}

// andFilter is f AND g, f may be nil.
func andFilter(f *store.Filter, g store.Filter) *store.Filter {
	if f == nil {
		return &g
	}
	x := store.And(*f, g)
	return &x
}

func ptr[T any](v T) *T { return &v }

func str(d store.Document, key string) string {
	s, _ := d.Data[key].(string)
	return s
}
