package hook

import (
	"errors"
	"slices"
	"sync"
	"testing"
)

type testEvent struct {
	Event
	log []string
}

func (e *testEvent) add(s string) { e.log = append(e.log, s) }

func TestTriggerOrderAndChaining(t *testing.T) {
	var h Hook[*testEvent]
	h.BindFunc(func(e *testEvent) error { e.add("a"); return e.Next() })
	h.Bind(&Handler[*testEvent]{ID: "first", Priority: -1, Func: func(e *testEvent) error {
		e.add("first-before")
		err := e.Next()
		e.add("first-after")
		return err
	}})
	h.BindFunc(func(e *testEvent) error { e.add("b"); return e.Next() })
	e := &testEvent{}
	if err := h.Trigger(e, func(e *testEvent) error { e.add("final"); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []string{"first-before", "a", "b", "final", "first-after"}
	if !slices.Equal(e.log, want) {
		t.Fatalf("log = %v, want %v", e.log, want)
	}
	if h.Length() != 3 {
		t.Fatalf("length = %d", h.Length())
	}
}

func TestTriggerStopsWithoutNext(t *testing.T) {
	var h Hook[*testEvent]
	h.BindFunc(func(e *testEvent) error { e.add("stop"); return nil })
	h.BindFunc(func(e *testEvent) error { e.add("never"); return e.Next() })
	e := &testEvent{}
	if err := h.Trigger(e, func(e *testEvent) error { e.add("final"); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(e.log, []string{"stop"}) {
		t.Fatalf("log = %v", e.log)
	}
}

func TestTriggerErrorReachesEarlierHandlers(t *testing.T) {
	var h Hook[*testEvent]
	veto := errors.New("veto")
	var seen error
	h.BindFunc(func(e *testEvent) error { seen = e.Next(); return seen })
	h.BindFunc(func(e *testEvent) error { return veto })
	finalRan := false
	err := h.Trigger(&testEvent{}, func(*testEvent) error { finalRan = true; return nil })
	if !errors.Is(err, veto) || !errors.Is(seen, veto) || finalRan {
		t.Fatalf("err %v, seen %v, final ran %v", err, seen, finalRan)
	}
}

func TestNextTwiceRunsFinalOnce(t *testing.T) {
	var h Hook[*testEvent]
	h.BindFunc(func(e *testEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return e.Next()
	})
	n := 0
	if err := h.Trigger(&testEvent{}, func(*testEvent) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("final ran %d times", n)
	}
}

func TestBindReplacesAndUnbind(t *testing.T) {
	var h Hook[*testEvent]
	h.Bind(&Handler[*testEvent]{ID: "x", Func: func(e *testEvent) error { e.add("old"); return e.Next() }})
	h.Bind(&Handler[*testEvent]{ID: "x", Func: func(e *testEvent) error { e.add("new"); return e.Next() }})
	id := h.BindFunc(func(e *testEvent) error { e.add("other"); return e.Next() })
	e := &testEvent{}
	_ = h.Trigger(e, nil)
	if !slices.Equal(e.log, []string{"new", "other"}) {
		t.Fatalf("log = %v", e.log)
	}
	h.Unbind("x", id)
	if h.Length() != 0 {
		t.Fatalf("length after unbind = %d", h.Length())
	}
	h.BindFunc(func(e *testEvent) error { return e.Next() })
	h.UnbindAll()
	if h.Length() != 0 {
		t.Fatal("UnbindAll left handlers")
	}
	if err := h.Trigger(&testEvent{}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentBindAndTrigger runs under -race: binding while triggering is safe.
func TestConcurrentBindAndTrigger(t *testing.T) {
	var h Hook[*testEvent]
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			id := h.BindFunc(func(e *testEvent) error { return e.Next() })
			h.Unbind(id)
		}()
		go func() {
			defer wg.Done()
			_ = h.Trigger(&testEvent{}, nil)
		}()
	}
	wg.Wait()
}
