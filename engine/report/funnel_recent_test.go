package report_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// TestRecentSampleIsThePage checks the funnel's sample of the most
// recently updated records (read in the order the (updated_at, id) index
// serves, plus the first ids of the last group of equal times) against a
// page sorted by updatedAt descending (equal times by id ascending): the
// same records and the same "more", for every size around the groups of
// equal times, with and without filters, as an admin and under a row
// filter, on both backends.
func TestRecentSampleIsThePage(t *testing.T) {
	eachDashBackend(t, func(t *testing.T, f *dash) {
		rng := rand.New(rand.NewPCG(3, 5))
		base := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
		var recs []engine.Record
		n := 0
		for g := 0; n < 40; g++ {
			// A group of records created at one time (an import, a clock
			// that does not move).
			size := 1 + rng.IntN(12)
			for range size {
				recs = append(recs, f.create(t, base.Add(time.Duration(g)*time.Minute), map[string]any{
					"title": fmt.Sprint(n), "stage": "s1", "region": []string{"north", "south"}[rng.IntN(2)]}))
				n++
			}
		}
		// Some are updated later, several at one time.
		for i := range recs {
			if rng.IntN(4) == 0 {
				f.move(t, base.Add(time.Hour+time.Duration(rng.IntN(2))*time.Minute), recs[i], "s2")
			}
		}
		north := store.Where("region", store.OpEq, "north")
		s2 := store.Where("stage", store.OpIn, []any{"s2"})
		for _, who := range []engine.Actor{f.admin, f.rep} {
			for _, flt := range []*store.Filter{nil, &north, &s2} {
				for limit := 1; limit <= n+1; limit++ {
					page, err := f.e.QueryRecords(f.ctx, who, f.form, engine.RecordQuery{Filter: flt,
						Sort: []store.SortKey{{Field: "updatedAt", Desc: true}}, Limit: limit})
					if err != nil {
						t.Fatal(err)
					}
					var want []string
					for _, r := range page.Items {
						want = append(want, r.ID)
					}
					got, more, err := f.d.RecentIDs(f.ctx, who, f.form, flt, limit)
					if err != nil {
						t.Fatal(err)
					}
					slices.Sort(want)
					slices.Sort(got)
					if !slices.Equal(got, want) || more != (page.NextCursor != "") {
						t.Fatalf("%s %v limit %d: got %v more %v, want %v more %v", who.Name, flt, limit, got, more, want, page.NextCursor != "")
					}
				}
			}
		}
	})
}
