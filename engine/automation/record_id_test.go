package automation

import (
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// TestRecordIDInExpressions: an automation's mappings read the triggering
// record's id as `id`, so what it creates links back to it; a match on
// `id` updates the record a relation names; an upsert cannot match on it.
func TestRecordIDInExpressions(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		// A note links to a deal; creating one stamps the deal.
		note := x.form("跟进", form.Definition{Fields: []form.Field{
			{Key: "deal", Type: "relation", Label: "商机", Form: x.deal},
			{Key: "text", Type: "text", Label: "内容"},
		}})
		link := x.form("关联", form.Definition{Fields: []form.Field{
			{Key: "deal", Type: "relation", Label: "商机", Form: x.deal},
			{Key: "note", Type: "text", Label: "来源跟进"},
		}})
		x.publish(note, Design{Name: "touch", Trigger: Trigger{Type: TriggerCreated}, Condition: `!ISEMPTY(id) && !ISEMPTY(deal)`,
			Actor: x.admin.UserID, Actions: []Action{
				{Kind: KindUpdate, Config: map[string]any{"form": x.deal, "target": "query", "match": map[string]any{"id": "deal"},
					"values": map[string]any{"title": `CONCATENATE("touched by ", id)`}}},
				{Kind: KindCreate, Config: map[string]any{"form": link, "values": map[string]any{"deal": "deal", "note": "id"}}},
			}})
		d1 := x.create(x.alice, map[string]any{"title": "Acme"})
		d2 := x.create(x.alice, map[string]any{"title": "Beta"})
		n, err := x.e.CreateRecord(x.ctx, x.admin, note, map[string]any{"deal": d1.ID, "text": "拜访"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		x.settle()
		got1, _ := x.e.Record(x.ctx, x.admin, x.deal, d1.ID)
		got2, _ := x.e.Record(x.ctx, x.admin, x.deal, d2.ID)
		if got1.Data["title"] != "touched by "+n.ID || got2.Data["title"] != "Beta" {
			t.Fatalf("deals after the note: %v / %v, want only the linked one touched", got1.Data["title"], got2.Data["title"])
		}
		links := x.records(link)
		if len(links) != 1 || links[0].Data["note"] != n.ID || links[0].Data["deal"] != d1.ID {
			t.Fatalf("links = %+v", links)
		}

		// An upsert matches target fields only.
		au, err := x.s.Create(x.ctx, x.admin, note, Design{Name: "bad", Trigger: Trigger{Type: TriggerCreated}, Actor: x.admin.UserID,
			Actions: []Action{{Kind: KindUpsert, Config: map[string]any{"form": x.deal, "match": map[string]any{"id": "deal"}, "values": map[string]any{"title": "id"}}}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = x.s.Publish(x.ctx, x.admin, au.ID, au.Version)
		if codes := fieldCodesOf(err); codes["actions[0].config.match.id"] == "" {
			t.Fatalf("upsert matching on id: %v", describe(err))
		}
		// The designer's live check knows the name.
		res, err := x.s.CheckExpression(x.ctx, x.admin, note, `CONCATENATE("x", id)`, "mapping", "zh-CN")
		if err != nil || len(res.Diagnostics) > 0 {
			t.Fatalf("check id: %+v %v", res, err)
		}
	})
}

func fieldCodesOf(err error) map[string]string {
	out := map[string]string{}
	if ve, ok := err.(*engine.ValidationError); ok {
		for _, f := range ve.Fields {
			out[f.Path] = f.Code
		}
	}
	return out
}
