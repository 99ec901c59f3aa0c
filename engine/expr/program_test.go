package expr

import (
	"sync"
	"testing"
)

func TestProgramConcurrentRuns(t *testing.T) {
	p, err := Compile(`IF(changed("stage"), SUM(map(items, .qty * .price)) + amount, 0)`, testEnv(), Number)
	if err != nil {
		t.Fatal(err)
	}
	if p.Source() == "" || p.Type().Kind != KindNumber {
		t.Fatalf("Source/Type = %q, %s", p.Source(), p.Type())
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := testInput()
			in.New["amount"] = float64(g)
			for range 200 {
				out, err := p.Run(in)
				if err != nil || out != 17.0+float64(g) {
					t.Errorf("goroutine %d: %v, %v", g, out, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestRunNormalizesIntegers(t *testing.T) {
	out, err := run(t, `[1, 2 + 3, {"a": 4}]`)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{1.0, 5.0, map[string]any{"a": 4.0}}
	if !valuesEqual(out, want) {
		t.Errorf("got %#v, want %#v", out, want)
	}
	if _, ok := out.([]any)[0].(float64); !ok {
		t.Errorf("element is %T, want float64", out.([]any)[0])
	}
}
