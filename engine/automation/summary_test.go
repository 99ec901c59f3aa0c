package automation

import (
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
)

// TestRunSummary: an automation's runs are counted by outcome (matched
// and succeeded or failed, not matched with condition errors among them,
// skipped own writes) per hour in the store, summed over the last 24 hours
// and 7 days, with the last error; another process (a second engine and
// service on the same store) reads the same summary once the counts are
// flushed. Dry runs are not counted.
func TestRunSummary(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		mod := x.publish(x.deal, Design{Name: "even", Trigger: Trigger{Type: TriggerCreated}, Condition: `MOD(new.amount, new.qty) == 0`,
			Actions: []Action{{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{"title": "new.title"}}}}})
		bad := x.publish(x.deal, Design{Name: "bad value", Trigger: Trigger{Type: TriggerCreated},
			Actions: []Action{{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{"amount": `"lots"`}}}}})
		tag := x.publish(x.deal, Design{Name: "tag", Trigger: Trigger{Type: TriggerUpdated},
			Actions: []Action{{Kind: KindTags, Config: map[string]any{"field": "tags", "add": []any{"hot"}}}}})
		x.create(x.alice, map[string]any{"title": "even", "amount": 4, "qty": 2})
		x.create(x.alice, map[string]any{"title": "odd", "amount": 3, "qty": 2})
		x.create(x.alice, map[string]any{"title": "zero", "amount": 3, "qty": 0})
		r := x.create(x.alice, map[string]any{"title": "tagged", "amount": 1, "qty": 1})
		x.update(x.alice, r.ID, map[string]any{"title": "tagged 2"})
		x.settle()
		if _, err := x.s.DryRun(x.ctx, x.admin, mod.ID, DryRunInput{Record: r.ID}); err != nil {
			t.Fatal(err)
		}
		sum := func(s *Service, id string) RunSummary {
			t.Helper()
			out, err := s.Summary(x.ctx, x.admin, id)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		got := sum(x.s, mod.ID)
		want := Outcome{Matched: 2, Succeeded: 2, NotMatched: 2, ConditionErrors: 1}
		if got.Last24h != want || got.Last7d != want {
			t.Fatalf("even: %+v", got)
		}
		if got.LastError == nil || got.LastError.Code != codeCondition || got.LastError.Message["zh-CN"] == "" || got.LastError.Message["en"] == "" || got.LastError.Run == "" {
			t.Fatalf("even's last error %+v", got.LastError)
		}
		if got := sum(x.s, bad.ID); got.Last24h != (Outcome{Matched: 4, Failed: 4}) || got.LastError == nil || got.LastError.Code != codeActionError {
			t.Fatalf("bad value: %+v %+v", got, got.LastError)
		}
		if got := sum(x.s, tag.ID); got.Last24h != (Outcome{Matched: 1, Succeeded: 1, Skipped: 1}) || got.LastError != nil {
			t.Fatalf("tag: %+v", got)
		}

		// Two days later: the last 24 hours hold only the new runs.
		x.advance(48 * time.Hour)
		x.create(x.alice, map[string]any{"title": "even again", "amount": 6, "qty": 3})
		x.settle()
		got = sum(x.s, mod.ID)
		if got.Last24h != (Outcome{Matched: 1, Succeeded: 1}) || got.Last7d != (Outcome{Matched: 3, Succeeded: 3, NotMatched: 2, ConditionErrors: 1}) {
			t.Fatalf("after two days: %+v", got)
		}

		// Another process reads the stored counts.
		e2, err := engine.New(x.ctx, x.st, engine.Options{Clock: x.clock.Now, Logger: quiet, Authorizer: access.New()})
		if err != nil {
			t.Fatal(err)
		}
		s2, err := New(x.ctx, e2, nil, Options{Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if other := sum(s2, mod.ID); other.Last24h != got.Last24h || other.Last7d != got.Last7d || other.LastError == nil || other.LastError.Run != got.LastError.Run {
			t.Fatalf("the other process sees %+v, want %+v", other, got)
		}
		// Eight days on, nothing is left in the window; the cleanup
		// deletes hours past the retention.
		x.advance(8 * 24 * time.Hour)
		if got := sum(x.s, mod.ID); got.Last7d != (Outcome{}) || got.LastError != nil {
			t.Fatalf("after eight days: %+v", got)
		}
		x.advance(31 * 24 * time.Hour)
		if n, err := x.s.cleanupStats(x.ctx); err != nil || n == 0 {
			t.Fatalf("cleanup deleted %d: %v", n, err)
		}
	})
}
