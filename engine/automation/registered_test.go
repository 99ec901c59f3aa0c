package automation

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// TestRegisteredActionAndEventTrigger: an action another capability
// registered is checked at publish (its errors under the action's config
// path), performed as the actor with the run's key and chain, and
// previewed in a dry run; an event trigger starts on another outbox event
// about the form's record.
func TestRegisteredActionAndEventTrigger(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		var mu sync.Mutex
		var got []engine.ActionRun
		err := x.e.Actions().Register(engine.ActionType{Kind: "test.echo", Label: map[string]string{"zh-CN": "回声", "en": "Echo"},
			Check: func(_ context.Context, _ engine.Actor, cfg map[string]any) error {
				if _, ok := cfg["to"].(string); !ok {
					return &engine.ValidationError{Fields: []field.Error{{Path: "to", Code: "required"}}}
				}
				return nil
			},
			Run: func(_ context.Context, r engine.ActionRun) (engine.ActionOutcome, error) {
				mu.Lock()
				got = append(got, r)
				mu.Unlock()
				if r.Config["to"] == "fail" {
					return engine.ActionOutcome{}, errors.New("echo refused")
				}
				return engine.ActionOutcome{Summary: map[string]string{"zh-CN": "已回声", "en": "echoed"}}, nil
			},
			Preview: func(_ context.Context, r engine.ActionRun) (engine.ActionOutcome, error) {
				return engine.ActionOutcome{Summary: map[string]string{"zh-CN": "将回声", "en": "would echo"}, Detail: map[string]any{"to": r.Config["to"]}}, nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		bad, _ := x.s.Create(x.ctx, x.admin, x.deal, Design{Name: "bad", Trigger: Trigger{Type: TriggerCreated}, Actions: []Action{{Kind: "test.echo", Config: map[string]any{}}}})
		if _, err := x.s.Publish(x.ctx, x.admin, bad.ID, bad.Version); describe(err) != "actions[0].config.to:requiredmap[] " {
			t.Fatalf("registered check: %v", describe(err))
		}
		au := x.publish(x.deal, Design{Name: "echo", Trigger: Trigger{Type: TriggerEvent, Event: "test.poked"}, Condition: `user.id == "` + x.bob.UserID + `"`,
			Actions: []Action{{Kind: "test.echo", Config: map[string]any{"to": "bob"}}}})
		kinds := x.s.ActionKinds()
		if last := kinds[len(kinds)-1]; last.Kind != "test.echo" || last.BuiltIn {
			t.Fatalf("action kinds %+v", kinds)
		}
		r := x.create(x.alice, map[string]any{"title": "A"})
		poke := func(form string) {
			if _, err := x.st.Commit(x.ctx, store.UnitOfWork{Events: []store.Event{{Type: "test.poked", Workspace: x.ws, Collection: "test", DocID: "p1",
				Payload: map[string]any{"form": form, "record": r.ID, "by": x.bob.UserID}}}}); err != nil {
				t.Fatal(err)
			}
		}
		poke(x.deal)
		poke(x.contr) // another form's event: not this automation's
		x.settle()
		mu.Lock()
		calls := append([]engine.ActionRun(nil), got...)
		mu.Unlock()
		if len(calls) != 1 || calls[0].Record != r.ID || calls[0].Actor.UserID != x.admin.UserID || calls[0].Actor.Source != engine.SourceAutomation ||
			calls[0].Key == "" || calls[0].Chain == nil || calls[0].Data["title"] != "A" {
			t.Fatalf("registered runs %+v", calls)
		}
		if rs := x.runs(au.ID); len(rs) != 1 || rs[0].Status != RunSucceeded || rs[0].EventType != "test.poked" || rs[0].Actions[0].Summary["en"] != "echoed" {
			t.Fatalf("runs %+v", rs)
		}
		// The designer's dry run: user is the designer, so the condition
		// does not hold; without it the action is previewed.
		dry, err := x.s.DryRun(x.ctx, x.admin, au.ID, DryRunInput{Record: r.ID})
		if err != nil || dry.Matched {
			t.Fatalf("dry run as the designer %+v %v", dry, err)
		}
		d := au.Draft
		d.Condition = ""
		dry, err = x.s.DryRun(x.ctx, x.admin, au.ID, DryRunInput{Record: r.ID, Design: &d})
		if err != nil || len(dry.Actions) != 1 || dry.Actions[0].Status != ActionWould || dry.Actions[0].Detail["to"] != "bob" {
			t.Fatalf("preview %+v %v", dry, err)
		}
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n != 1 {
			t.Fatal("a dry run performed the registered action")
		}
	})
}
