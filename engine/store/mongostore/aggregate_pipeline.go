package mongostore

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/formloom/formloom/engine/store"
)

// aggregatePipeline runs the aggregate as one $match + $group on MongoDB.
func (s *Store) aggregatePipeline(ctx context.Context, coll string, filter bson.D, q store.AggregateQuery) ([]store.Group, error) {
	pipeline := buildPipeline(filter, q)
	cur, err := s.db.Collection(coll).Aggregate(ctx, pipeline)
	if err != nil {
		return nil, s.fail("aggregate "+coll, err)
	}
	defer cur.Close(ctx)
	var out []store.Group
	for cur.Next(ctx) {
		g, err := decodeGroup(cur.Current, q)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	if err := cur.Err(); err != nil {
		return nil, s.fail("aggregate "+coll, err)
	}
	return out, nil
}

// buildPipeline renders the $match and $group stages. Group keys go under
// _id.k<i>; metric i is m<i>, except min and max, which keep numbers (m<i>n)
// and strings (m<i>s) apart because numbers win when a group has both.
func buildPipeline(filter bson.D, q store.AggregateQuery) mongo.Pipeline {
	id := bson.D{}
	for i, k := range q.GroupBy {
		p, _ := storedPath(k.Field)
		id = append(id, bson.E{Key: fmt.Sprintf("k%d", i), Value: groupKeyExpr("$"+p, k)})
	}
	group := bson.D{{Key: "_id", Value: id}}
	for i, m := range q.Metrics {
		name := fmt.Sprintf("m%d", i)
		var f string
		if m.Field != "" {
			p, _ := storedPath(m.Field)
			f = "$" + p
		}
		isNumber := bson.D{{Key: "$isNumber", Value: f}}
		isString := bson.D{{Key: "$eq", Value: bson.A{bson.D{{Key: "$type", Value: f}}, "string"}}}
		onlyIf := func(cond bson.D) bson.D {
			return bson.D{{Key: "$cond", Value: bson.A{cond, f, "$$REMOVE"}}}
		}
		switch m.Op {
		case store.AggCount:
			if f == "" {
				group = append(group, bson.E{Key: name, Value: bson.D{{Key: "$sum", Value: 1}}})
				break
			}
			present := bson.D{{Key: "$gt", Value: bson.A{f, nil}}}
			group = append(group, bson.E{Key: name, Value: bson.D{{Key: "$sum", Value: bson.D{{Key: "$cond", Value: bson.A{present, 1, 0}}}}}})
		case store.AggSum:
			if m.Weight != "" {
				wp, _ := storedPath(m.Weight)
				both := bson.D{{Key: "$and", Value: bson.A{isNumber, bson.D{{Key: "$isNumber", Value: "$" + wp}}}}}
				product := bson.D{{Key: "$multiply", Value: bson.A{f, "$" + wp}}}
				group = append(group, bson.E{Key: name, Value: bson.D{{Key: "$sum", Value: bson.D{{Key: "$cond", Value: bson.A{both, product, "$$REMOVE"}}}}}})
				break
			}
			group = append(group, bson.E{Key: name, Value: bson.D{{Key: "$sum", Value: onlyIf(isNumber)}}})
		case store.AggAvg:
			group = append(group, bson.E{Key: name, Value: bson.D{{Key: "$avg", Value: onlyIf(isNumber)}}})
		case store.AggMin, store.AggMax:
			acc := "$" + string(m.Op)
			group = append(group,
				bson.E{Key: name + "n", Value: bson.D{{Key: acc, Value: onlyIf(isNumber)}}},
				bson.E{Key: name + "s", Value: bson.D{{Key: acc, Value: onlyIf(isString)}}})
		}
	}
	return mongo.Pipeline{
		{{Key: "$match", Value: filter}},
		{{Key: "$group", Value: group}},
	}
}

// groupKeyExpr is the group key of field (an aggregation path "$d.x"):
// the value itself, or its date bucket rendered like store.BucketKey.
// Dates without a time ("2026-11-29") are bucketed in UTC (not shifted);
// times (TimeLayout or other RFC 3339) in the key's time zone; other values
// give null.
func groupKeyExpr(field string, k store.GroupKey) any {
	if k.Bucket == store.BucketNone {
		return field
	}
	tz := k.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	isString := bson.D{{Key: "$eq", Value: bson.A{bson.D{{Key: "$type", Value: "$$v"}}, "string"}}}
	length := bson.D{{Key: "$strLenCP", Value: "$$v"}}
	parse := func(s any, format string) bson.D {
		spec := bson.D{{Key: "dateString", Value: s}, {Key: "timezone", Value: "UTC"}}
		if format != "" {
			spec = append(spec, bson.E{Key: "format", Value: format})
		}
		spec = append(spec, bson.E{Key: "onError", Value: nil}, bson.E{Key: "onNull", Value: nil})
		return bson.D{{Key: "$dateFromString", Value: spec}}
	}
	// A TimeLayout value has microseconds, which $dateFromString may not
	// read; buckets do not need them, so milliseconds are kept.
	timeLayout := bson.D{{Key: "$and", Value: bson.A{
		bson.D{{Key: "$eq", Value: bson.A{length, 27}}},
		bson.D{{Key: "$eq", Value: bson.A{bson.D{{Key: "$substrCP", Value: bson.A{"$$v", 26, 1}}}, "Z"}}},
	}}}
	millis := bson.D{{Key: "$concat", Value: bson.A{bson.D{{Key: "$substrCP", Value: bson.A{"$$v", 0, 23}}}, "Z"}}}
	return bson.D{{Key: "$let", Value: bson.D{
		{Key: "vars", Value: bson.D{{Key: "v", Value: field}}},
		{Key: "in", Value: bson.D{{Key: "$switch", Value: bson.D{
			{Key: "branches", Value: bson.A{
				bson.D{{Key: "case", Value: bson.D{{Key: "$not", Value: bson.A{isString}}}}, {Key: "then", Value: nil}},
				bson.D{
					{Key: "case", Value: bson.D{{Key: "$eq", Value: bson.A{length, 10}}}},
					{Key: "then", Value: renderBucket(parse("$$v", "%Y-%m-%d"), k.Bucket, "UTC")},
				},
				bson.D{{Key: "case", Value: timeLayout}, {Key: "then", Value: renderBucket(parse(millis, ""), k.Bucket, tz)}},
			}},
			{Key: "default", Value: renderBucket(parse("$$v", ""), k.Bucket, tz)},
		}}}},
	}}}
}

// renderBucket formats a date expression as the bucket key in tz; null
// dates (unparsable strings) stay null.
func renderBucket(date bson.D, b store.Bucket, tz string) bson.D {
	format := func(f string) bson.D {
		return bson.D{{Key: "$dateToString", Value: bson.D{
			{Key: "date", Value: "$$d"}, {Key: "format", Value: f}, {Key: "timezone", Value: tz},
		}}}
	}
	var out bson.D
	switch b {
	case store.BucketDay:
		out = format("%Y-%m-%d")
	case store.BucketWeek:
		out = format("%G-W%V")
	case store.BucketMonth:
		out = format("%Y-%m")
	case store.BucketYear:
		out = format("%Y")
	case store.BucketQuarter:
		month := bson.D{{Key: "$month", Value: bson.D{{Key: "date", Value: "$$d"}, {Key: "timezone", Value: tz}}}}
		quarter := bson.D{{Key: "$substrCP", Value: bson.A{"111222333444", bson.D{{Key: "$subtract", Value: bson.A{month, 1}}}, 1}}}
		out = bson.D{{Key: "$concat", Value: bson.A{format("%Y"), "-Q", quarter}}}
	}
	return bson.D{{Key: "$let", Value: bson.D{
		{Key: "vars", Value: bson.D{{Key: "d", Value: date}}},
		{Key: "in", Value: bson.D{{Key: "$cond", Value: bson.A{
			bson.D{{Key: "$eq", Value: bson.A{"$$d", nil}}}, nil, out,
		}}}},
	}}}
}

// decodeGroup reads one $group result row.
func decodeGroup(raw bson.Raw, q store.AggregateQuery) (store.Group, error) {
	g := store.Group{Keys: make([]any, len(q.GroupBy)), Values: make([]any, len(q.Metrics))}
	id, _ := raw.Lookup("_id").DocumentOK()
	for i := range q.GroupBy {
		if id == nil {
			break
		}
		rv, err := id.LookupErr(fmt.Sprintf("k%d", i))
		if err != nil {
			continue // missing key: nil
		}
		v, err := decodeValue(rv, 0)
		if err != nil {
			return g, err
		}
		g.Keys[i] = v
	}
	value := func(name string) (any, error) {
		rv, err := raw.LookupErr(name)
		if err != nil {
			return nil, nil
		}
		return decodeValue(rv, 0)
	}
	for i, m := range q.Metrics {
		name := fmt.Sprintf("m%d", i)
		var v any
		var err error
		switch m.Op {
		case store.AggMin, store.AggMax:
			v, err = value(name + "n")
			if err == nil && v == nil {
				v, err = value(name + "s")
			}
		default:
			v, err = value(name)
		}
		if err != nil {
			return g, err
		}
		if (m.Op == store.AggCount || m.Op == store.AggSum) && v == nil {
			v = float64(0)
		}
		g.Values[i] = v
	}
	return g, nil
}
