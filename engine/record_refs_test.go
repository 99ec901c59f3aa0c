package engine_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// secretForm is a form of workspace A whose records another workspace must
// never read.
func secretForm() form.Definition {
	return form.Definition{Fields: []form.Field{{Key: "name", Type: "text", Label: "名称"}, {Key: "secret", Type: "text", Label: "机密"}}}
}

// probeForm links to target and reads its secret through a lookup and a
// submit rule, as the cross-workspace probe did. The rule passes only on a
// looked-up value not starting with "a" (live lookups are not copied on
// write, so their rule passes on none).
func probeForm(target string, live bool) form.Definition {
	rule := `leak != nil && !(leak startsWith "a")`
	if live {
		rule = `leak == nil || !(leak startsWith "a")`
	}
	return form.Definition{Fields: []form.Field{
		{Key: "link", Type: "relation", Label: "关联", Form: target, DisplayField: "name"},
		{Key: "leak", Type: "lookup", Label: "引用", Relation: "link", LookupField: "secret", Live: live},
	}, SubmitRules: []form.SubmitRule{{Expression: rule, Field: "link",
		Message: map[string]string{"zh-CN": "命中", "en": "hit"}}}}
}

func TestPublishRefusesRelationsToOtherWorkspaces(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		secretA := f.publish(t, f.admin, secretForm())
		adminB, _ := f.newWorkspace(t, "别家")
		app, err := f.e.CreateApp(f.ctx, adminB, engine.AppInput{Name: "探测"})
		if err != nil {
			t.Fatal(err)
		}
		def := probeForm(secretA, false)
		def.Fields = append(def.Fields, form.Field{Key: "rows", Type: "subform", Label: "明细", Fields: []form.Field{
			{Key: "other", Type: "relation", Label: "关联", Form: secretA}}})
		fm, err := f.e.CreateForm(f.ctx, adminB, app.ID, engine.FormInput{Name: "探测", Definition: def})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.b.Publish(f.ctx, adminB, fm.ID, fm.Version)
		got := fieldErrors(t, err)
		want := map[string]string{"fields[0].form": "relation_foreign_form", "fields[1].relation": "relation_foreign_form",
			"fields[2].fields[0].form": "relation_foreign_form"}
		for path, code := range want {
			if got[path] != code {
				t.Errorf("%s = %q, want %q (all: %v)", path, got[path], code, got)
			}
		}
		// A form id that exists nowhere gets the same answer as another
		// workspace's form, so publishing cannot probe for form ids.
		def = probeForm("01jxxxxxxxxxxxxxxxxxxxxxxx", false)
		fm, err = f.e.SaveDraft(f.ctx, adminB, fm.ID, engine.FormInput{Name: "探测", Definition: def}, fm.Version)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.b.Publish(f.ctx, adminB, fm.ID, fm.Version)
		if got := fieldErrors(t, err); got["fields[0].form"] != "relation_foreign_form" {
			t.Errorf("unknown form: %v", got)
		}
		// The message is localized.
		var ve *engine.ValidationError
		if !errors.As(err, &ve) {
			t.Fatal(err)
		}
		if msg := ve.Fields[0].Message("zh-CN"); !strings.Contains(msg, "工作区") {
			t.Errorf("zh-CN message %q", msg)
		}
	})
}

// TestWriteChecksReferencesBeforeRulesRead covers the second half of the
// fix: an unknown related record is refused before the lookup and the rule
// that read through it run, so the answer never depends on related data.
func TestWriteChecksReferencesBeforeRulesRead(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		own := f.publish(t, f.admin, secretForm())
		probe := f.publish(t, f.admin, probeForm(own, false))
		hit, err := f.e.CreateRecord(f.ctx, f.admin, own, map[string]any{"name": "甲", "secret": "abc"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		// The rule runs on a record the actor may name.
		_, err = f.e.CreateRecord(f.ctx, f.member, probe, map[string]any{"link": hit.ID}, engine.WriteOptions{})
		if got := fieldErrors(t, err); got["link"] != "rule" {
			t.Fatalf("rule over a valid reference: %v", got)
		}
		// In the recycle bin, the record cannot be named, and the rule never sees it.
		if err := f.e.DeleteRecord(f.ctx, f.admin, own, hit.ID, 0); err != nil {
			t.Fatal(err)
		}
		_, err = f.e.CreateRecord(f.ctx, f.member, probe, map[string]any{"link": hit.ID}, engine.WriteOptions{})
		if got := fieldErrors(t, err); len(got) != 1 || got["link"] != "not_found" {
			t.Fatalf("deleted reference: %v", got)
		}
	})
}

// TestStoredForeignRelationReadsNothing covers designs published before
// publishing checked relation targets: a version stored with a relation to
// another workspace's form. Writes answer not_found whatever the foreign
// value is, and live lookups read nothing.
func TestStoredForeignRelationReadsNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		secretA := f.publish(t, f.admin, secretForm())
		hit, err := f.e.CreateRecord(f.ctx, f.admin, secretA, map[string]any{"name": "甲", "secret": "abc"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		miss, err := f.e.CreateRecord(f.ctx, f.admin, secretA, map[string]any{"name": "乙", "secret": "xyz"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		adminB, memberB := f.newWorkspace(t, "别家")
		ownB := f.publish(t, adminB, secretForm())
		for _, live := range []bool{false, true} {
			probe := f.publish(t, adminB, probeForm(ownB, live))
			ownRec, err := f.e.CreateRecord(f.ctx, memberB, ownB, map[string]any{"name": "丙", "secret": "def"}, engine.WriteOptions{})
			if err != nil {
				t.Fatal(describe(err))
			}
			linked, err := f.e.CreateRecord(f.ctx, memberB, probe, map[string]any{"link": ownRec.ID}, engine.WriteOptions{})
			if err != nil {
				t.Fatal(describe(err))
			}
			// Rewrite the stored version as an old, unchecked design would
			// be, and read it through a fresh engine (no compiled cache).
			retarget(t, f, probe, ownB, secretA)
			// The record keeps pointing at ownRec's id; point it at A's record
			// in the store, as a record written before the fix could.
			repoint(t, f, probe, linked.ID, hit.ID)
			e2, err := engine.New(f.ctx, f.e.Store(), engine.Options{Authorizer: access.New()})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{hit.ID, miss.ID} {
				_, err := e2.CreateRecord(f.ctx, memberB, probe, map[string]any{"link": id}, engine.WriteOptions{})
				if got := fieldErrors(t, err); len(got) != 1 || got["link"] != "not_found" {
					t.Fatalf("live=%v: foreign record %s: %v", live, id, got)
				}
			}
			r, err := e2.Record(f.ctx, memberB, probe, linked.ID)
			if err != nil {
				t.Fatal(err)
			}
			if live && r.Data["leak"] != nil {
				t.Fatalf("a live lookup read another workspace: %v", r.Data)
			}
			// Updating that record copies nothing either: the rule sees no
			// lookup value (it would pass on "xyz" and fail on "abc").
			if !live {
				_, err := e2.UpdateRecord(f.ctx, memberB, probe, linked.ID, map[string]any{}, r.Version, engine.WriteOptions{})
				if got := fieldErrors(t, err); got["link"] != "rule" {
					t.Fatalf("update over a foreign reference: %v", got)
				}
			}
		}
	})
}

// retarget replaces, in the stored current version of formID, the relation
// target from with to.
func retarget(t *testing.T, f *fixture, formID, from, to string) {
	t.Helper()
	st := f.e.Store()
	fd, err := st.Get(f.ctx, "forms", formID)
	if err != nil {
		t.Fatal(err)
	}
	n := int(fd.Data["published"].(float64))
	id := formID + "_v" + strconv.Itoa(n)
	d, err := st.Get(f.ctx, "form_versions", id)
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{}
	for k, v := range d.Data {
		data[k] = v
	}
	def := data["definition"].(string)
	data["definition"] = strings.ReplaceAll(def, `"form":"`+from+`"`, `"form":"`+to+`"`)
	if data["definition"] == def {
		t.Fatalf("relation target %s not in %s", from, def)
	}
	if _, err := st.Commit(f.ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpUpdate, Collection: "form_versions", ExpectVersion: d.Version,
		Doc: store.Document{ID: id, Data: data}}}}); err != nil {
		t.Fatal(err)
	}
}

// repoint sets the relation "link" of a stored record to id.
func repoint(t *testing.T, f *fixture, formID, recID, id string) {
	t.Helper()
	st := f.e.Store()
	coll := "r_" + strings.ToLower(formID)
	d, err := st.Get(f.ctx, coll, recID)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]any{}
	for k, v := range d.Data["fields"].(map[string]any) {
		fields[k] = v
	}
	fields["link"] = id
	data := map[string]any{"fields": fields, "form_version": d.Data["form_version"]}
	if _, err := st.Commit(f.ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpUpdate, Collection: coll, ExpectVersion: d.Version,
		Doc: store.Document{ID: recID, Data: data}}}}); err != nil {
		t.Fatal(err)
	}
}

// TestFileAcceptUsesTheFieldRule is the drift the capabilities removed: the
// pipeline judged uploads with its own, narrower copy of the Accept rule, so
// an accept of [".txt"] refused a valid .txt upload. Now the field type
// judges what the upload recorded, in subform rows too.
func TestFileAcceptUsesTheFieldRule(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, form.Definition{Fields: []form.Field{
			{Key: "notes", Type: "attachment", Label: "备注", Accept: []string{".txt"}},
			{Key: "plain", Type: "attachment", Label: "文本", Accept: []string{"text/plain"}},
			{Key: "rows", Type: "subform", Label: "明细", Fields: []form.Field{
				{Key: "doc", Type: "attachment", Label: "文件", Accept: []string{".txt"}},
				{Key: "owner", Type: "user", Label: "负责人"}}},
		}})
		txt, err := f.e.UploadFile(f.ctx, f.member, "会议纪要.txt", strings.NewReader("plain text notes"), 0)
		if err != nil {
			t.Fatal(err)
		}
		png, err := f.e.UploadFile(f.ctx, f.member, "a.png", bytes.NewReader(pngBytes(t)), 0)
		if err != nil {
			t.Fatal(err)
		}
		ref := func(info engine.FileInfo, name, ct string) []any {
			return []any{map[string]any{"id": info.ID, "name": name, "size": 1, "contentType": ct}}
		}
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{
			"notes": ref(txt, "会议纪要.txt", "text/plain"), "plain": ref(txt, "会议纪要.txt", "text/plain"),
			"rows": []any{map[string]any{"doc": ref(txt, "会议纪要.txt", "text/plain"), "owner": f.member.UserID}},
		}, engine.WriteOptions{})
		if err != nil {
			t.Fatalf(".txt upload refused: %v", describe(err))
		}
		got := r.Data["notes"].([]any)[0].(map[string]any)
		if got["size"] != float64(txt.Size) || got["content_type"] != "text/plain" {
			t.Errorf("stored reference is not the upload's: %v", got)
		}
		row := r.Data["rows"].([]any)[0].(map[string]any)
		if row["doc"].([]any)[0].(map[string]any)["size"] != float64(txt.Size) {
			t.Errorf("subform file not resolved: %v", row)
		}
		// A PNG described as a .txt is judged on what the upload recorded.
		_, err = f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{
			"notes": ref(png, "lie.txt", "text/plain"),
			"rows":  []any{map[string]any{"doc": ref(png, "lie.txt", "text/plain")}, map[string]any{"owner": "01jxxxxxxxxxxxxxxxxxxxxxxx"}},
		}, engine.WriteOptions{})
		want := map[string]string{"notes[0]": "file_type", "rows[0].doc[0]": "file_type", "rows[1].owner": "not_found"}
		if got := fieldErrors(t, err); len(got) != len(want) || got["notes[0]"] != want["notes[0]"] || got["rows[0].doc[0]"] != want["rows[0].doc[0]"] || got["rows[1].owner"] != want["rows[1].owner"] {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
}
