package live

import (
	"context"
	"fmt"
	"testing"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// BenchmarkFanOut100 measures the fan-out of one record event to 100
// connected viewers, the permission check of each included (the target:
// ≤ 10 ms, docs/performance.md). own: every viewer has a per-user row
// filter (own records), so 100 decisions and row matches, and one viewer
// gets the event. all: the form's default set lets everyone see it, so
// all 100 get it.
func BenchmarkFanOut100(b *testing.B) {
	fx := newFixture(b, backends()[0].open(b), Options{Buffer: 4096})
	viewers := make([]engine.Actor, 100)
	for i := range viewers {
		viewers[i] = fx.member(b, fmt.Sprintf("成员%d", i), true)
	}
	open := fx.openForm(b)
	for _, c := range []struct {
		name, form string
	}{{"own", fx.form}, {"all", open}} {
		b.Run(c.name, func(b *testing.B) {
			subs := make([]*Subscription, len(viewers))
			for i, a := range viewers {
				s, err := fx.hub.Subscribe(fx.ctx, a, []string{c.form}, 0)
				if err != nil {
					b.Fatal(err)
				}
				subs[i] = s
			}
			ctx, stop := context.WithCancel(fx.ctx)
			for _, s := range subs {
				go func() { // the streams: read what arrives
					for {
						select {
						case <-s.Events():
						case <-ctx.Done():
							return
						}
					}
				}()
			}
			defer func() {
				stop()
				for _, s := range subs {
					s.Close()
				}
			}()
			r, err := fx.e.CreateRecord(fx.ctx, viewers[0], c.form, map[string]any{"company": "甲"}, engine.WriteOptions{})
			if err != nil {
				b.Fatal(err)
			}
			ev := Event{ID: 1 << 40, Type: string(engine.EventRecordUpdated), Form: c.form, RecordID: r.ID, Version: r.Version, workspace: fx.admin.Workspace}
			b.ResetTimer()
			for range b.N {
				fx.hub.publish(fx.ctx, ev)
			}
		})
	}
}

// openForm publishes a form nobody configured permissions of: every
// member sees every record.
func (fx *fixture) openForm(t testing.TB) string {
	t.Helper()
	app, err := fx.e.CreateApp(fx.ctx, fx.admin, engine.AppInput{Name: "公开"})
	if err != nil {
		t.Fatal(err)
	}
	fm, err := fx.e.CreateForm(fx.ctx, fx.admin, app.ID, engine.FormInput{Name: "线索", Definition: form.Definition{Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := builder.New(fx.e).Publish(fx.ctx, fx.admin, fm.ID, fm.Version); err != nil {
		t.Fatal(err)
	}
	return fm.ID
}
