package storetest

import (
	"slices"

	"github.com/formloom/formloom/engine/store"
)

func counterCases() []testCase {
	return []testCase{
		{name: "Sequence", run: testCounterSequence},
		{name: "Concurrent", serial: true, run: testCounterConcurrent},
	}
}

func testCounterSequence(f *fixture) {
	for want := int64(1); want <= 3; want++ {
		got, err := f.s.Increment(f.ctx, "invoice_no", 1)
		if err != nil || got != want {
			f.t.Fatalf("Increment = %d, %v, want %d", got, err, want)
		}
	}
	got, err := f.s.Increment(f.ctx, "invoice_no", 5)
	if err != nil || got != 8 {
		f.t.Errorf("Increment by 5 = %d, %v, want 8", got, err)
	}
	got, err = f.s.Increment(f.ctx, "ticket_no", 1)
	if err != nil || got != 1 {
		f.t.Errorf("another counter starts at 1, got %d, %v", got, err)
	}
	for _, delta := range []int64{0, -1} {
		_, err = f.s.Increment(f.ctx, "invoice_no", delta)
		f.wantErr("Increment by a delta below 1", err, store.ErrInvalidInput)
	}
	got, err = f.s.Increment(f.ctx, "invoice_no", 1)
	if err != nil || got != 9 {
		f.t.Errorf("Increment after refused deltas = %d, %v, want 9", got, err)
	}
}

func testCounterConcurrent(f *fixture) {
	const workers, each = 8, 100
	results := make([][]int64, workers)
	errs := parallel(workers, func(wk int) error {
		for range each {
			n, err := f.s.Increment(f.ctx, "order_no", 1)
			if err != nil {
				return err
			}
			results[wk] = append(results[wk], n)
		}
		return nil
	})
	for _, err := range errs {
		f.t.Errorf("Increment: %v", err)
	}
	var all []int64
	for _, r := range results {
		if !slices.IsSorted(r) {
			f.t.Errorf("one goroutine saw values go backwards: %v", r)
		}
		all = append(all, r...)
	}
	slices.Sort(all)
	if len(all) != workers*each {
		f.t.Fatalf("got %d values, want %d", len(all), workers*each)
	}
	for i, v := range all {
		if v != int64(i+1) {
			f.t.Fatalf("values are not 1..%d without repeats: position %d holds %d", workers*each, i, v)
		}
	}
}
