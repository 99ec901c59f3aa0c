package storetest

import (
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// testCase is one conformance case. Cases marked serial do not call
// t.Parallel because they measure time or load the machine.
type testCase struct {
	name   string
	serial bool
	run    func(f *fixture)
}

// group is a named area of the contract.
type group struct {
	name  string
	cases []testCase
}

// NewStore opens a fresh, empty store whose clock (stamps, due times,
// leases) is clock, and registers its cleanup with t.Cleanup.
type NewStore func(t *testing.T, clock store.Clock) store.Store

// Run runs the conformance suite. newStore must return a fresh, empty store
// on every call and register its own cleanup with t.Cleanup.
func Run(t *testing.T, newStore NewStore) {
	groups := []group{
		{"Commit", commitCases()},
		{"Unit", unitCases()},
		{"Index", indexCases()},
		{"Filter", filterCases()},
		{"Match", matchCases()},
		{"Sort", sortCases()},
		{"Page", pageCases()},
		{"Select", selectCases()},
		{"Aggregate", aggregateCases()},
		{"Bucket", bucketCases()},
		{"Invalid", invalidCases()},
		{"Outbox", outboxCases()},
		{"Counter", counterCases()},
		{"Queue", queueCases()},
		{"Stress", stressCases()},
		{"Lifecycle", lifecycleCases()},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					if !c.serial {
						t.Parallel()
					}
					c.run(newFixture(t, newStore))
				})
			}
		})
	}
}
