package workflow_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/workflow"
)

// partEnv is an approvals env with the stage service and the template
// parts registered, plus one role.
type partEnv struct {
	*env
	stages *workflow.Stages
	b      *builder.Service
	role   string
}

func newPartEnv(t *testing.T) *partEnv {
	t.Helper()
	ev := newSQLiteEnv(t)
	st, err := workflow.NewStages(ev.ctx, ev.e)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Bind(); err != nil {
		t.Fatal(err)
	}
	b := builder.New(ev.e)
	if err := workflow.RegisterTemplateParts(ev.e, st, ev.s, b); err != nil {
		t.Fatal(err)
	}
	r, err := ev.e.CreateRole(ev.ctx, ev.admin, "销售经理", "")
	if err != nil {
		t.Fatal(err)
	}
	return &partEnv{env: ev, stages: st, b: b, role: r.ID}
}

// dealApp makes an app with the deal form published (no pipeline) and
// returns refs that know the form and the role by key.
func (pe *partEnv) dealApp(t *testing.T, name string) (*engine.TemplateRefs, string) {
	t.Helper()
	app, err := pe.e.CreateApp(pe.ctx, pe.admin, engine.AppInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	f, err := pe.e.CreateForm(pe.ctx, pe.admin, app.ID, engine.FormInput{Name: "商机", Definition: dealForm()})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := pe.b.Publish(pe.ctx, pe.admin, f.ID, f.Version); err != nil {
		t.Fatal(err)
	}
	refs := engine.NewTemplateRefs(pe.ws, app.ID)
	refs.Set("forms", "deal", f.ID)
	refs.Set("roles", "manager", pe.role)
	return refs, f.ID
}

func (pe *partEnv) part(t *testing.T, kind string) engine.TemplatePart {
	t.Helper()
	p, ok := pe.e.TemplateParts().Get(kind)
	if !ok {
		t.Fatalf("part %s not registered", kind)
	}
	return p
}

func discountFlow(role, user string) workflow.FlowDesign {
	return workflow.FlowDesign{
		Nodes: []workflow.Node{
			{ID: "start", Kind: workflow.KindStart, Name: "发起"},
			{ID: "check", Kind: workflow.KindCondition, Name: "折扣"},
			{ID: "manager", Kind: workflow.KindApprover, Name: "经理审批", Mode: workflow.ModeAny,
				Assignees: []workflow.Assignee{{Kind: workflow.AssignRole, Role: role}, {Kind: workflow.AssignUsers, Users: []string{user}}},
				Fields:    map[string]string{"amount": workflow.FieldEdit}},
			{ID: "end", Kind: workflow.KindEnd, Name: "结束"},
		},
		Edges: []workflow.Edge{
			{ID: "e1", From: "start", To: "check"},
			{ID: "e2", From: "check", To: "manager", Condition: "amount > 1000"},
			{ID: "e3", From: "check", To: "end", Default: true},
			{ID: "e4", From: "manager", To: "end"},
		},
	}
}

// TestStagesAndFlowsRoundTrip exports a stage pipeline and a flow from
// one app, installs them into a second app with the form re-created, and
// finds the same structure there; then updates and removes them.
func TestStagesAndFlowsRoundTrip(t *testing.T) {
	pe := newPartEnv(t)
	src, formID := pe.dealApp(t, "源")
	d, err := pe.stages.Design(pe.ctx, pe.admin, formID)
	if err != nil {
		t.Fatal(err)
	}
	pl := dealPipeline()
	d, err = pe.stages.SaveDesign(pe.ctx, pe.admin, formID, &pl, d.DraftVersion)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := pe.b.Publish(pe.ctx, pe.admin, formID, d.DraftVersion); err != nil {
		t.Fatal(err)
	}
	rep := pe.member("李四")
	fl, err := pe.s.CreateFlow(pe.ctx, pe.admin, formID, workflow.FlowInput{Name: "大额审批", Draft: discountFlow(pe.role, rep.UserID)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pe.s.Publish(pe.ctx, pe.admin, fl.ID); err != nil {
		t.Fatal(err)
	}

	stages, flows := pe.part(t, workflow.PartStages), pe.part(t, workflow.PartFlows)
	stageItems, err := stages.Export(pe.ctx, pe.admin, src)
	if err != nil {
		t.Fatal(err)
	}
	flowItems, err := flows.Export(pe.ctx, pe.admin, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(stageItems) != 1 || stageItems[0].Key != "deal" || len(flowItems) != 1 {
		t.Fatalf("export: stages %+v flows %+v", stageItems, flowItems)
	}
	// The flow names the role by key and leaves the given user out.
	var sp workflow.FlowSpec
	if err := json.Unmarshal(flowItems[0].Spec, &sp); err != nil {
		t.Fatal(err)
	}
	if sp.Form != "deal" || sp.Design.Nodes[2].Assignees[0].Role != "manager" || len(sp.Design.Nodes[2].Assignees[1].Members) != 0 {
		t.Fatalf("flow spec not portable: %s", flowItems[0].Spec)
	}

	dst, form2 := pe.dealApp(t, "目标")
	if err := stages.Check(pe.ctx, pe.admin, dst, stageItems); err != nil {
		t.Fatalf("check stages: %v", err)
	}
	if err := flows.Check(pe.ctx, pe.admin, dst, flowItems); err != nil {
		t.Fatalf("check flows: %v", err)
	}
	if err := stages.Install(pe.ctx, pe.admin, dst, stageItems); err != nil {
		t.Fatalf("install stages: %v", err)
	}
	if err := flows.Install(pe.ctx, pe.admin, dst, flowItems); err != nil {
		t.Fatalf("install flows: %v", err)
	}
	again, err := stages.Export(pe.ctx, pe.admin, dst)
	if err != nil {
		t.Fatal(err)
	}
	sameItems(t, "stages", stageItems, again)
	againFlows, err := flows.Export(pe.ctx, pe.admin, dst)
	if err != nil {
		t.Fatal(err)
	}
	sameItems(t, "flows", flowItems, againFlows)
	// Exported items are in their normal form.
	sameItems(t, "normalized stages", again, normalized(stages, again))
	sameItems(t, "normalized flows", againFlows, normalized(flows, againFlows))
	// The given user became the installing admin, who may act on the node.
	flowID, ok := dst.ID(workflow.PartFlows, flowItems[0].Key)
	if !ok {
		t.Fatal("install did not record the flow's id")
	}
	got, err := pe.s.Flow(pe.ctx, pe.admin, flowID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Published != 1 || got.Form != form2 || got.Draft.Nodes[2].Assignees[1].Users[0] != pe.admin.UserID {
		t.Fatalf("installed flow: %+v", got)
	}

	// Update: a changed probability is the form's next version; a renamed
	// flow its next version.
	before, _ := pe.e.VersionOf(pe.ctx, pe.ws, form2)
	pl.Stages[0].Probability = pct(15)
	raw, _ := json.Marshal(pl)
	if err := stages.Update(pe.ctx, pe.admin, dst, engine.TemplateItem{Key: "deal", Spec: raw}, form2); err != nil {
		t.Fatal(err)
	}
	after, _ := pe.e.VersionOf(pe.ctx, pe.ws, form2)
	if after.Number != before.Number+1 {
		t.Fatalf("stage update published version %d after %d", after.Number, before.Number)
	}
	sp.Name = "大额折扣审批"
	raw, _ = json.Marshal(sp)
	if err := flows.Update(pe.ctx, pe.admin, dst, engine.TemplateItem{Key: flowItems[0].Key, Spec: raw}, flowID); err != nil {
		t.Fatal(err)
	}
	if vs, err := pe.s.Versions(pe.ctx, pe.admin, flowID); err != nil || len(vs) != 2 || vs[0].Name != "大额折扣审批" {
		t.Fatalf("flow versions after update: %+v %v", vs, err)
	}

	// Remove.
	if err := flows.Remove(pe.ctx, pe.admin, dst, flowID); err != nil {
		t.Fatal(err)
	}
	if _, err := pe.s.Flow(pe.ctx, pe.admin, flowID); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("removed flow: %v", err)
	}
	if err := stages.Remove(pe.ctx, pe.admin, dst, form2); err != nil {
		t.Fatal(err)
	}
	if d, err := pe.stages.Design(pe.ctx, pe.admin, form2); err != nil || d.Published != nil {
		t.Fatalf("removed pipeline: %+v %v", d.Published, err)
	}
}

// TestStagesAndFlowsCheck: Check reports per item key what a designer
// would be told, before the forms are installed too.
func TestStagesAndFlowsCheck(t *testing.T) {
	pe := newPartEnv(t)
	refs := engine.NewTemplateRefs(pe.ws, pe.app)
	refs.SetDefinition("deal", dealForm())
	refs.Declare("roles", "manager")
	stages, flows := pe.part(t, workflow.PartStages), pe.part(t, workflow.PartFlows)

	good := dealPipeline()
	bad := dealPipeline()
	bad.Stages[3].Condition = "amount >"
	bad.Stages[1].Required = []string{"nope"}
	items := []engine.TemplateItem{spec(t, "deal", good), spec(t, "missing", good)}
	assertPaths(t, stages.Check(pe.ctx, pe.admin, refs, items), "missing")
	items = []engine.TemplateItem{spec(t, "deal", bad)}
	err := stages.Check(pe.ctx, pe.admin, refs, items)
	assertPaths(t, err, "deal.stages[3].condition", "deal.stages[1].required[0]")

	design := workflow.FlowSpec{Form: "deal", Name: "审批", Design: workflow.FlowDesignSpec{
		Nodes: []workflow.NodeSpec{
			{Node: workflow.Node{ID: "start", Kind: workflow.KindStart}},
			{Node: workflow.Node{ID: "a", Kind: workflow.KindApprover}, Assignees: []workflow.AssigneeSpec{{Kind: workflow.AssignRole, Role: "manager"}}},
			{Node: workflow.Node{ID: "end", Kind: workflow.KindEnd}},
		},
		Edges: []workflow.Edge{{ID: "e1", From: "start", To: "a"}, {ID: "e2", From: "a", To: "end"}}}}
	if err := flows.Check(pe.ctx, pe.admin, refs, []engine.TemplateItem{spec(t, "ok", design)}); err != nil {
		t.Fatalf("good flow: %v", err)
	}
	wrongForm := design
	wrongForm.Form = "nothing"
	wrongRole := design
	wrongRole.Design.Nodes = append([]workflow.NodeSpec{}, design.Design.Nodes...)
	wrongRole.Design.Nodes[1].Assignees = []workflow.AssigneeSpec{{Kind: workflow.AssignRole, Role: "boss"}, {Kind: workflow.AssignField, Field: "title"}}
	err = flows.Check(pe.ctx, pe.admin, refs, []engine.TemplateItem{spec(t, "f1", wrongForm), spec(t, "f2", wrongRole)})
	assertPaths(t, err, "f1.form", "f2.design.nodes.a.assignees.0.role", "f2.design.nodes.a.assignees.1")
}

func spec(t *testing.T, key string, v any) engine.TemplateItem {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return engine.TemplateItem{Key: key, Spec: raw}
}

func assertPaths(t *testing.T, err error, want ...string) {
	t.Helper()
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error at %v, got %v", want, err)
	}
	got := map[string]bool{}
	for _, f := range ve.Fields {
		got[f.Path] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no problem at %s; got %v", w, ve.Fields)
		}
	}
}

// sameItems compares exported items structurally (they hold no ids).
func sameItems(t *testing.T, kind string, want, got []engine.TemplateItem) {
	t.Helper()
	norm := func(items []engine.TemplateItem) string {
		var out []any
		for _, it := range items {
			var v any
			if err := json.Unmarshal(it.Spec, &v); err != nil {
				t.Fatal(err)
			}
			out = append(out, map[string]any{"key": it.Key, "spec": v})
		}
		b, _ := json.Marshal(out)
		return string(b)
	}
	if a, b := norm(want), norm(got); a != b {
		t.Fatalf("%s differ after the round trip:\nwant %s\n got %s", kind, a, b)
	}
}

var _ = fmt.Sprint

func normalized(p engine.TemplatePart, items []engine.TemplateItem) []engine.TemplateItem {
	out := make([]engine.TemplateItem, len(items))
	for i, it := range items {
		out[i] = p.Normalize(it)
	}
	return out
}
