package mongostore

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/formloom/formloom/engine/store"
)

// Aggregate groups and aggregates the selected documents; groups come sorted
// by their keys in MongoDB's value order. On MongoDB it runs one $group
// pipeline. FerretDB v1 has only $sum and $count accumulators and returns
// wrong values for a $group with several of them, so there the documents'
// needed fields are streamed and aggregated here instead, which is correct
// on every server and fine for a test target.
func (s *Store) Aggregate(ctx context.Context, coll string, q store.AggregateQuery) ([]store.Group, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := store.ValidateCollection(coll); err != nil {
		return nil, err
	}
	q, err := store.NormalizeAggregate(q)
	if err != nil {
		return nil, err
	}
	filter, err := s.selection(q.Filter, q.Deleted)
	if err != nil {
		return nil, err
	}
	var groups []store.Group
	if s.caps.Backend == "mongodb" {
		groups, err = s.aggregatePipeline(ctx, coll, filter, q)
	} else {
		groups, err = s.aggregateStream(ctx, coll, filter, q)
	}
	if err != nil {
		return nil, err
	}
	if len(q.GroupBy) == 0 && len(groups) == 0 {
		groups = []store.Group{emptyGroup(q.Metrics)}
	}
	sortGroups(groups)
	return groups, nil
}

// emptyGroup is the single result of an aggregate without keys over no
// documents: count and sum 0, the rest nil.
func emptyGroup(metrics []store.Metric) store.Group {
	g := store.Group{Keys: []any{}, Values: make([]any, len(metrics))}
	for i, m := range metrics {
		if m.Op == store.AggCount || m.Op == store.AggSum {
			g.Values[i] = float64(0)
		}
	}
	return g
}

func sortGroups(groups []store.Group) {
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i].Keys, groups[j].Keys
		for k := range a {
			if c := store.CompareValues(a[k], b[k]); c != 0 {
				return c < 0
			}
		}
		return false
	})
}

// accumulator folds the values of one metric in one group.
type accumulator struct {
	count    float64
	sum      float64
	numbers  float64
	minNum   *float64
	maxNum   *float64
	minStr   *string
	maxStr   *string
	hasValue bool
}

func (a *accumulator) add(v any) {
	switch x := v.(type) {
	case nil:
		return
	case float64:
		a.sum += x
		a.numbers++
		if a.minNum == nil || x < *a.minNum {
			a.minNum = &x
		}
		if a.maxNum == nil || x > *a.maxNum {
			a.maxNum = &x
		}
	case string:
		if a.minStr == nil || x < *a.minStr {
			a.minStr = &x
		}
		if a.maxStr == nil || x > *a.maxStr {
			a.maxStr = &x
		}
	}
	a.hasValue = true
}

func (a *accumulator) result(op store.AggOp, field string) any {
	switch op {
	case store.AggCount:
		return a.count
	case store.AggSum:
		return a.sum
	case store.AggAvg:
		if a.numbers == 0 {
			return nil
		}
		return a.sum / a.numbers
	case store.AggMin:
		if a.minNum != nil {
			return *a.minNum
		}
		if a.minStr != nil {
			return *a.minStr
		}
	case store.AggMax:
		if a.maxNum != nil {
			return *a.maxNum
		}
		if a.maxStr != nil {
			return *a.maxStr
		}
	}
	return nil
}

// groupKey computes one group-by key of a document.
func groupKey(d store.Document, k store.GroupKey, loc *time.Location) any {
	v, ok := lookupPath(d, k.Field)
	if !ok {
		return nil
	}
	if k.Bucket == store.BucketNone {
		return v
	}
	s, isString := v.(string)
	if !isString {
		return nil
	}
	key, ok := store.BucketValue(s, k.Bucket, loc)
	if !ok {
		return nil
	}
	return key
}

// aggregateStream aggregates in Go over the documents the filter selects,
// reading only the fields the query needs.
func (s *Store) aggregateStream(ctx context.Context, coll string, filter bson.D, q store.AggregateQuery) ([]store.Group, error) {
	proj := bson.D{{Key: keyID, Value: 1}}
	seen := map[string]bool{keyID: true}
	addField := func(field string) {
		p, _ := storedPath(field)
		if !seen[p] {
			seen[p] = true
			proj = append(proj, bson.E{Key: p, Value: 1})
		}
	}
	locs := make([]*time.Location, len(q.GroupBy))
	for i, k := range q.GroupBy {
		addField(k.Field)
		locs[i] = time.UTC
		if k.TimeZone != "" {
			locs[i], _ = time.LoadLocation(k.TimeZone)
		}
	}
	for _, m := range q.Metrics {
		if m.Field != "" {
			addField(m.Field)
		}
		if m.Weight != "" {
			addField(m.Weight)
		}
	}
	cur, err := s.db.Collection(coll).Find(ctx, filter, options.Find().SetProjection(proj))
	if err != nil {
		return nil, s.fail("aggregate "+coll, err)
	}
	defer cur.Close(ctx)
	type group struct {
		keys []any
		accs []accumulator
	}
	byKey := map[string]*group{}
	var order []*group
	for cur.Next(ctx) {
		d, err := decodeDocument(cur.Current)
		if err != nil {
			return nil, err
		}
		keys := make([]any, len(q.GroupBy))
		for i, k := range q.GroupBy {
			keys[i] = groupKey(d, k, locs[i])
		}
		id, _ := json.Marshal(keys)
		g := byKey[string(id)]
		if g == nil {
			g = &group{keys: keys, accs: make([]accumulator, len(q.Metrics))}
			byKey[string(id)] = g
			order = append(order, g)
		}
		for i, m := range q.Metrics {
			acc := &g.accs[i]
			if m.Field == "" {
				acc.count++
				continue
			}
			v, ok := lookupPath(d, m.Field)
			if ok && v != nil {
				acc.count++
			}
			if m.Weight != "" {
				// A weighted sum adds Field × Weight where both are numbers.
				x, xok := v.(float64)
				wv, _ := lookupPath(d, m.Weight)
				y, yok := wv.(float64)
				if !xok || !yok {
					continue
				}
				v = x * y
			}
			acc.add(v)
		}
	}
	if err := cur.Err(); err != nil {
		return nil, s.fail("aggregate "+coll, err)
	}
	out := make([]store.Group, len(order))
	for i, g := range order {
		vals := make([]any, len(q.Metrics))
		for j, m := range q.Metrics {
			vals[j] = g.accs[j].result(m.Op, m.Field)
		}
		out[i] = store.Group{Keys: g.keys, Values: vals}
	}
	return out, nil
}
