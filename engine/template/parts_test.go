package template_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/template"
)

// memoPart is a template part kept in memory: each item is a note on a
// form of the template ({"form": key, "text": …}); "boards" items come
// after "memos" and name a memo. It records the order of the calls, so
// the tests see the installer drive the registry as the contract says.
type memoPart struct {
	mu    sync.Mutex
	kind  string
	items map[string]json.RawMessage // id -> spec
	calls *[]string
	// failOn makes Install fail at the item of that key.
	failOn string
	// installs counts Install calls: ids stay unique across apps.
	installs int
}

func (m *memoPart) part(after ...string) engine.TemplatePart {
	return engine.TemplatePart{Kind: m.kind, After: after,
		Check: func(_ context.Context, _ engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
			m.log("check")
			var errs []field.Error
			for _, it := range items {
				var spec struct{ Form, Memo string }
				_ = json.Unmarshal(it.Spec, &spec)
				if spec.Form != "" && !refs.Known("forms", spec.Form) {
					errs = append(errs, field.Error{Path: it.Key + ".form", Code: "not_found"})
				}
				if spec.Memo != "" && !refs.Known("memos", spec.Memo) {
					errs = append(errs, field.Error{Path: it.Key + ".memo", Code: "not_found"})
				}
			}
			if len(errs) > 0 {
				return &engine.ValidationError{Fields: errs}
			}
			return nil
		},
		Install: func(_ context.Context, _ engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
			m.log("install")
			defer func() { m.installs++ }()
			for _, it := range items {
				if it.Key == m.failOn {
					return fmt.Errorf("memo %s: refused", it.Key)
				}
				var spec struct{ Form string }
				_ = json.Unmarshal(it.Spec, &spec)
				if spec.Form != "" {
					if _, ok := refs.ID("forms", spec.Form); !ok {
						return errors.New("form not installed yet")
					}
				}
				id := m.kind + "-" + it.Key
				if m.installs > 0 {
					id = fmt.Sprintf("%s-%d", id, m.installs)
				}
				m.mu.Lock()
				m.items[id] = it.Spec
				m.mu.Unlock()
				refs.Set(m.kind, it.Key, id)
			}
			return nil
		},
		Update: func(_ context.Context, _ engine.Actor, _ *engine.TemplateRefs, it engine.TemplateItem, id string) error {
			m.log("update")
			m.mu.Lock()
			defer m.mu.Unlock()
			m.items[id] = it.Spec
			return nil
		},
		Remove: func(_ context.Context, _ engine.Actor, _ *engine.TemplateRefs, id string) error {
			m.log("remove")
			m.mu.Lock()
			defer m.mu.Unlock()
			delete(m.items, id)
			return nil
		},
		Export: func(_ context.Context, _ engine.Actor, refs *engine.TemplateRefs) ([]engine.TemplateItem, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			var out []engine.TemplateItem
			for id, spec := range m.items {
				key, ok := refs.Key(m.kind, id)
				if !ok {
					key = id
				}
				out = append(out, engine.TemplateItem{Key: key, Spec: spec})
			}
			return out, nil
		},
	}
}

func (m *memoPart) log(op string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	*m.calls = append(*m.calls, m.kind+"."+op)
}

func TestPartsInstallInAfterOrderAndUndo(t *testing.T) {
	f := newFixture(t)
	var calls []string
	memos := &memoPart{kind: "memos", items: map[string]json.RawMessage{}, calls: &calls}
	boards := &memoPart{kind: "boards", items: map[string]json.RawMessage{}, calls: &calls}
	// Registered in the "wrong" order: After decides.
	if err := f.e.TemplateParts().Register(boards.part("memos")); err != nil {
		t.Fatal(err)
	}
	if err := f.e.TemplateParts().Register(memos.part()); err != nil {
		t.Fatal(err)
	}
	p := f.load(t, "tasks")
	p.Parts = map[string][]engine.TemplateItem{
		"memos":  {{Key: "hello", Spec: json.RawMessage(`{"form":"task","text":"你好"}`)}, {Key: "bye", Spec: json.RawMessage(`{"form":"project","text":"再见"}`)}},
		"boards": {{Key: "main", Spec: json.RawMessage(`{"memo":"hello"}`)}},
	}
	// Check: a bad reference gets the part's error under parts.<kind>.
	bad := f.load(t, "tasks")
	bad.Parts = map[string][]engine.TemplateItem{"memos": {{Key: "x", Spec: json.RawMessage(`{"form":"nosuch"}`)}}, "nosuchkind": {{Key: "y", Spec: json.RawMessage(`{}`)}}}
	codes := fieldCodes(f.svc.Check(f.ctx, f.admin, bad))
	if codes["parts.nosuchkind"] != template.CodeUnknownPart {
		t.Fatalf("codes = %v", codes)
	}
	delete(bad.Parts, "nosuchkind")
	codes = fieldCodes(f.svc.Check(f.ctx, f.admin, bad))
	if codes["parts.memos.x.form"] != "not_found" {
		t.Fatalf("codes = %v", codes)
	}
	calls = nil
	res, err := f.svc.Install(f.ctx, f.admin, p, template.InstallOptions{})
	if err != nil {
		t.Fatalf("install: %v", describe(err))
	}
	want := []string{"memos.check", "boards.check", "memos.install", "boards.install"}
	if fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Fatalf("calls = %v, want %v", calls, want)
	}
	if res.Counts["memos"] != 2 || res.Counts["boards"] != 1 {
		t.Fatalf("counts = %v", res.Counts)
	}
	in, _ := f.svc.Installed(f.ctx, f.admin, res.AppID)
	if in.Refs["memos"]["hello"] != "memos-hello" {
		t.Fatalf("refs = %v", in.Refs)
	}
	exp, err := f.svc.Export(f.ctx, f.admin, res.AppID, template.ExportOptions{})
	if err != nil {
		t.Fatal(describe(err))
	}
	if len(exp.Parts["memos"]) != 2 || exp.Parts["memos"][0].Key != "bye" {
		t.Fatalf("exported parts = %+v", exp.Parts)
	}
	// An upgrade changes one memo, removes the other, adds a board.
	v2 := f.load(t, "tasks")
	v2.Template.Version = "1.1.0"
	v2.Parts = map[string][]engine.TemplateItem{
		"memos":  {{Key: "hello", Spec: json.RawMessage(`{"form":"task","text":"您好"}`)}},
		"boards": {{Key: "main", Spec: json.RawMessage(`{"memo":"hello"}`)}, {Key: "side", Spec: json.RawMessage(`{"memo":"hello"}`)}},
	}
	calls = nil
	if _, err := f.svc.Upgrade(f.ctx, f.admin, res.AppID, v2, nil); err != nil {
		t.Fatalf("upgrade: %v", describe(err))
	}
	if string(memos.items["memos-hello"]) != `{"form":"task","text":"您好"}` || memos.items["memos-bye"] != nil || boards.items["boards-side-1"] == nil {
		t.Fatalf("after the upgrade: memos %v boards %v (calls %v)", memos.items, boards.items, calls)
	}

	// A part failing in the middle of an install: what the parts installed
	// is removed and nothing of the app is left.
	boards.failOn = "main"
	before, _ := f.e.Apps(f.ctx, f.admin)
	p2 := f.load(t, "tasks")
	p2.Parts = p.Parts
	_, err = f.svc.Install(f.ctx, f.admin, p2, template.InstallOptions{AppName: "第二个"})
	if err == nil {
		t.Fatal("install with a failing part succeeded")
	}
	after, _ := f.e.Apps(f.ctx, f.admin)
	if len(after) != len(before) {
		t.Fatalf("apps %d -> %d", len(before), len(after))
	}
	if len(memos.items) != 1 { // only the first app's memo is left
		t.Fatalf("memos left: %v", memos.items)
	}
}
