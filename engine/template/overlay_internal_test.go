package template

import (
	"encoding/json"
	"testing"

	"github.com/formloom/formloom/engine"
)

// An overlay translates a dashboard's charts, filters and measures by id;
// ids it does not name, and properties an item lacks, stay as they are.
func TestOverlayTranslatesItemsByID(t *testing.T) {
	spec := `{"title":"销售概览","filters":[{"id":"owner","kind":"user","label":"负责人"}],
		"charts":[{"id":"won","title":"赢单金额","measures":[{"id":"m","label":"金额","op":"sum"},{"id":"n","op":"count"}]},
		{"id":"other","title":"其他"}]}`
	p := &Package{Parts: map[string][]engine.TemplateItem{"dashboards": {{Key: "d", Spec: json.RawMessage(spec)}}}}
	p.apply(&Overlay{Parts: map[string]map[string]map[string]any{"dashboards": {"d": {
		"title":   "Sales overview",
		"filters": map[string]any{"owner": map[string]any{"label": "Owner"}},
		"charts": map[string]any{
			"won":     map[string]any{"title": "Won amount", "measures": map[string]any{"m": map[string]any{"label": "Amount"}, "n": map[string]any{"label": "not added"}}},
			"missing": map[string]any{"title": "ignored"},
		},
	}}}})
	var got struct {
		Title   string `json:"title"`
		Filters []struct {
			Label string `json:"label"`
		} `json:"filters"`
		Charts []struct {
			Title    string           `json:"title"`
			Measures []map[string]any `json:"measures"`
		} `json:"charts"`
	}
	if err := json.Unmarshal(p.Parts["dashboards"][0].Spec, &got); err != nil {
		t.Fatal(err)
	}
	if got.Title != "Sales overview" || got.Filters[0].Label != "Owner" || len(got.Charts) != 2 {
		t.Fatalf("spec = %s", p.Parts["dashboards"][0].Spec)
	}
	if got.Charts[0].Title != "Won amount" || got.Charts[0].Measures[0]["label"] != "Amount" || got.Charts[0].Measures[0]["op"] != "sum" {
		t.Errorf("chart won = %+v", got.Charts[0])
	}
	if _, has := got.Charts[0].Measures[1]["label"]; has {
		t.Errorf("a label the measure did not have was added: %+v", got.Charts[0].Measures[1])
	}
	if got.Charts[1].Title != "其他" {
		t.Errorf("a chart the overlay does not name changed: %+v", got.Charts[1])
	}
}

// A pipeline's stages have no ids: the overlay names them by value and
// translates their guidance and checklist; the values stay.
func TestOverlayTranslatesStagesByValue(t *testing.T) {
	spec := `{"field":"stage","stages":[{"value":"qualify","guidance":"弄清需求","checklist":["确认预算"]},{"value":"won","flag":"won","guidance":"赢单"}]}`
	p := &Package{Parts: map[string][]engine.TemplateItem{"stages": {{Key: "opp", Spec: json.RawMessage(spec)}}}}
	p.apply(&Overlay{Parts: map[string]map[string]map[string]any{"stages": {"opp": {
		"stages": map[string]any{"qualify": map[string]any{"guidance": "Find the need", "checklist": []any{"Confirm the budget"}}},
	}}}})
	var got struct {
		Stages []struct {
			Value, Guidance string
			Checklist       []string
		}
	}
	if err := json.Unmarshal(p.Parts["stages"][0].Spec, &got); err != nil {
		t.Fatal(err)
	}
	if got.Stages[0].Value != "qualify" || got.Stages[0].Guidance != "Find the need" || len(got.Stages[0].Checklist) != 1 || got.Stages[0].Checklist[0] != "Confirm the budget" {
		t.Errorf("stage qualify = %+v", got.Stages[0])
	}
	if got.Stages[1].Guidance != "赢单" {
		t.Errorf("a stage the overlay does not name changed: %+v", got.Stages[1])
	}
}
