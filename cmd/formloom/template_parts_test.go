package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// TestTemplatePartsWiring: serve's wiring registers every part kind of
// the template format on the engine, each in its install order.
func TestTemplatePartsWiring(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	e, err := engine.New(ctx, st, engine.Options{Logger: quiet, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	work, err := newWork(st, e, quiet, nil)
	if err != nil {
		t.Fatal(err)
	}
	hooks, err := wireWebhooks(ctx, st, e, work, quiet)
	if err != nil {
		t.Fatal(err)
	}
	approvals, err := wireApprovals(ctx, e, work, quiet)
	if err != nil {
		t.Fatal(err)
	}
	stages, err := wireStages(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	dashboards, err := wireDashboards(ctx, e, stages)
	if err != nil {
		t.Fatal(err)
	}
	automations, err := wireAutomations(ctx, e, work, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if err := wireTemplateParts(ctx, e, templateServices{stages: stages, approvals: approvals, automations: automations,
		dashboards: dashboards, webhooks: hooks}); err != nil {
		t.Fatal(err)
	}
	// A second wiring (serve and the CLI share the function) is a no-op.
	if err := wireTemplateParts(ctx, e, templateServices{stages: stages}); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, p := range e.TemplateParts().All() {
		kinds = append(kinds, p.Kind)
	}
	want := []string{"alerts", "automations", "dashboards", "flows", "inbound", "publinks", "stages", "views", "webhooks"}
	if len(kinds) != len(want) {
		t.Fatalf("parts %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("parts %v, want %v", kinds, want)
		}
	}
}
