package mongostore

import (
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/formloom/formloom/engine/store"
)

func TestBuildPipelineShapes(t *testing.T) {
	q := store.AggregateQuery{
		GroupBy: []store.GroupKey{{Field: "stage"}},
		Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "amount"}, {Op: store.AggMax, Field: "amount"}, {Op: store.AggCount, Field: "owner"}},
	}
	p := buildPipeline(bson.D{{Key: keyDeletedAt, Value: nil}}, q)
	if len(p) != 2 {
		t.Fatalf("pipeline has %d stages, want $match and $group", len(p))
	}
	got := extJSON(t, p[1])
	want := `{"$group":{"_id":{"k0":"$d.stage"},` +
		`"m0":{"$sum":1},` +
		`"m1":{"$sum":{"$cond":[{"$isNumber":"$d.amount"},"$d.amount","$$REMOVE"]}},` +
		`"m2n":{"$max":{"$cond":[{"$isNumber":"$d.amount"},"$d.amount","$$REMOVE"]}},` +
		`"m2s":{"$max":{"$cond":[{"$eq":[{"$type":"$d.amount"},"string"]},"$d.amount","$$REMOVE"]}},` +
		`"m3":{"$sum":{"$cond":[{"$gt":["$d.owner",null]},1,0]}}}}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestGroupKeyExprBuckets(t *testing.T) {
	scenarios := []struct {
		bucket   store.Bucket
		contains []string
	}{
		{store.BucketDay, []string{`"format":"%Y-%m-%d","timezone":"Asia/Shanghai"`}},
		{store.BucketWeek, []string{`"format":"%G-W%V","timezone":"Asia/Shanghai"`}},
		{store.BucketMonth, []string{`"format":"%Y-%m","timezone":"Asia/Shanghai"`}},
		{store.BucketQuarter, []string{`"111222333444"`, `"-Q"`, `"$month":{"date":"$$d","timezone":"Asia/Shanghai"}`}},
		{store.BucketYear, []string{`"format":"%Y","timezone":"Asia/Shanghai"`}},
	}
	for _, sc := range scenarios {
		t.Run(string(sc.bucket), func(t *testing.T) {
			expr := groupKeyExpr("$d.closed", store.GroupKey{Field: "closed", Bucket: sc.bucket, TimeZone: "Asia/Shanghai"})
			got := extJSON(t, bson.D{{Key: "k", Value: expr}})
			// Date-only values are bucketed without shifting them.
			must := append([]string{`"format":"%Y-%m-%d","onError":null`, `"timezone":"UTC"`}, sc.contains...)
			for _, s := range must {
				if !strings.Contains(got, s) {
					t.Errorf("expression lacks %s:\n%s", s, got)
				}
			}
		})
	}
	if got := groupKeyExpr("$d.stage", store.GroupKey{Field: "stage"}); got != "$d.stage" {
		t.Fatalf("plain key = %v", got)
	}
}
