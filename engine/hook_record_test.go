package engine_test

import (
	"errors"
	"fmt"
	"github.com/formloom/formloom/engine/tabular"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/i18n"
	"github.com/formloom/formloom/engine/store"
)

const sideColl = "hook_side"

// gateHandler adds, for every record write, a document to sideColl and an
// event, as a stage gate or workflow would.
func gateHandler(e *engine.RecordWritingEvent) error {
	e.AddWrite(store.Write{Op: store.OpInsert, Collection: sideColl, Doc: store.Document{
		Data: map[string]any{"record": e.RecordID, "action": string(e.Action)}}})
	e.AddEvent(store.Event{Type: "test.gate", Workspace: e.Actor.Workspace, Collection: sideColl, DocID: e.RecordID})
	return e.Next()
}

func countDocs(t *testing.T, f *fixture, coll string, deleted store.Deleted) int64 {
	t.Helper()
	n, err := f.e.Store().Count(f.ctx, coll, store.Query{Deleted: deleted})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func eventTypes(t *testing.T, f *fixture) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, ev := range readAfter(t, f, 0) {
		out[ev.Type]++
	}
	return out
}

func TestRecordWritingHookAddsWritesAtomically(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		id := f.e.OnRecordWriting().BindFunc(gateHandler)
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "甲"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if n := countDocs(t, f, sideColl, store.ExcludeDeleted); n != 1 {
			t.Fatalf("side documents after create = %d, want 1", n)
		}
		if got := eventTypes(t, f); got["test.gate"] != 1 || got["record.created"] != 1 {
			t.Fatalf("events = %v", got)
		}

		// A failing handler leaves nothing of the write: no record change,
		// no history, no side document, no event.
		f.e.OnRecordWriting().Unbind(id)
		boom := errors.New("gate service down")
		f.e.OnRecordWriting().BindFunc(func(e *engine.RecordWritingEvent) error {
			if err := gateHandler(e); err != nil {
				return err
			}
			return boom
		})
		_, err = f.e.UpdateRecord(f.ctx, f.member, formID, r.ID, map[string]any{"company": "乙"}, r.Version, engine.WriteOptions{})
		if !errors.Is(err, boom) || errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("update with a failing hook: %v", err)
		}
		_, err = f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "丙"}, engine.WriteOptions{})
		if !errors.Is(err, boom) {
			t.Fatalf("create with a failing hook: %v", err)
		}
		got, err := f.e.Record(f.ctx, f.member, formID, r.ID)
		if err != nil || got.Version != 1 || got.Data["company"] != "甲" {
			t.Fatalf("record after failed update: %+v, %v", got, err)
		}
		if n := countDocs(t, f, sideColl, store.ExcludeDeleted); n != 1 {
			t.Fatalf("side documents after failed writes = %d, want 1", n)
		}
		if hist, _ := f.e.History(f.ctx, f.member, formID, r.ID); len(hist) != 1 {
			t.Fatalf("history after failed update has %d entries", len(hist))
		}
		page, _ := f.e.QueryRecords(f.ctx, f.member, formID, engine.RecordQuery{Total: true})
		if *page.Total != 1 {
			t.Fatalf("records after failed create = %d", *page.Total)
		}
		if got := eventTypes(t, f); got["test.gate"] != 1 || got["record.created"] != 1 || got["record.updated"] != 0 {
			t.Fatalf("events after failed writes = %v", got)
		}
	})
}

// TestRecordWritingHookFailedCommitLeavesNothing: a hook's write that fails
// at commit (a stale version) rolls back the record with it.
func TestRecordWritingHookFailedCommitLeavesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		if !f.e.Store().Capabilities().Transactions {
			t.Skip("FerretDB has no transactions: a unit that fails at commit leaves its earlier items (tested on SQLite and MongoDB)")
		}
		formID := f.publish(t, f.admin, opportunityForm())
		res, err := f.e.Store().Commit(f.ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: sideColl,
			Doc: store.Document{Data: map[string]any{"state": "open"}}}}})
		if err != nil {
			t.Fatal(err)
		}
		side := res.Docs[0]
		f.e.OnRecordWriting().BindFunc(func(e *engine.RecordWritingEvent) error {
			e.AddWrite(store.Write{Op: store.OpUpdate, Collection: sideColl, ExpectVersion: side.Version + 5,
				Doc: store.Document{ID: side.ID, Data: map[string]any{"state": "moved"}}})
			return e.Next()
		})
		_, err = f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "甲"}, engine.WriteOptions{})
		if !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("create whose hook write is stale: %v", err)
		}
		if n := countDocs(t, f, recordCollOf(formID), store.IncludeDeleted); n != 0 {
			t.Fatalf("records after the failed commit = %d", n)
		}
		if got := eventTypes(t, f); got["record.created"] != 0 {
			t.Fatalf("events after the failed commit = %v", got)
		}
		d, err := f.e.Store().Get(f.ctx, sideColl, side.ID)
		if err != nil || d.Data["state"] != "open" {
			t.Fatalf("side document changed: %v %v", d.Data, err)
		}
	})
}

func recordCollOf(formID string) string { return "r_" + strings.ToLower(formID) }

func TestRecordWritingHookVeto(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		msg := map[string]string{"zh-CN": "请先完成审批", "en": "Approve it first"}
		f.e.OnRecordWriting().BindFunc(func(e *engine.RecordWritingEvent) error {
			switch e.Data["company"] {
			case "字段":
				return engine.Veto("company", msg)
			case "整条":
				return engine.Veto("", msg)
			case "无话":
				return engine.VetoFields()
			case "自定义":
				return engine.VetoFields(field.Error{Path: "amount", Code: engine.CodeRequired})
			case "禁止":
				return fmt.Errorf("%w: stage gate", engine.ErrForbidden)
			case "忘记":
				return nil // forgot e.Next()
			}
			return e.Next()
		})
		create := func(company string) error {
			_, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": company}, engine.WriteOptions{})
			return err
		}
		err := create("字段")
		var ve *engine.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != "company" || ve.Fields[0].Code != engine.CodeHookVeto {
			t.Fatalf("field veto: %v", describe(err))
		}
		if m, _ := ve.Fields[0].Params["message"].(map[string]string); m["en"] != "Approve it first" {
			t.Fatalf("veto message = %v", ve.Fields[0].Params)
		}
		for lang, want := range map[string]string{"en": "Approve it first", "zh-CN": "请先完成审批"} {
			if got := i18n.T(lang, ve.Fields[0].Code, ve.Fields[0].Params); got != want {
				t.Errorf("veto message in %s = %q, want %q", lang, got, want)
			}
		}
		if got := fieldErrors(t, create("整条")); got[""] != engine.CodeHookVeto {
			t.Fatalf("record veto: %v", got)
		}
		err = create("无话")
		if !errors.As(err, &ve) || i18n.T("en", ve.Fields[0].Code, ve.Fields[0].Params) != "A business rule refused this change" {
			t.Fatalf("veto without a message: %v", describe(err))
		}
		if got := fieldErrors(t, create("自定义")); got["amount"] != engine.CodeRequired {
			t.Fatalf("custom veto: %v", got)
		}
		if err := create("禁止"); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("forbidden veto: %v", err)
		}
		if err := create("忘记"); err == nil || errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "Next") {
			t.Fatalf("handler without Next: %v", err)
		}
		if n := countDocs(t, f, recordCollOf(formID), store.IncludeDeleted); n != 0 {
			t.Fatalf("records after vetoes = %d", n)
		}
		if err := create("通过"); err != nil {
			t.Fatal(describe(err))
		}
	})
}

// TestRecordWritingHookSeesEveryWrite: create, update, delete, restore,
// bulk delete and each row of an import trigger the hook with what they do.
func TestRecordWritingHookSeesEveryWrite(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		var seen []string
		f.e.OnRecordWriting().BindFunc(func(e *engine.RecordWritingEvent) error {
			if e.Version == nil || e.Version.Form != formID || e.RecordID == "" || e.Context == nil {
				return fmt.Errorf("incomplete event %+v", e)
			}
			if (e.Action == engine.RecordCreate) != (e.Old == nil) {
				return fmt.Errorf("%s with old %v", e.Action, e.Old)
			}
			s := fmt.Sprintf("%s:%v", e.Action, e.Data["company"])
			if e.Import {
				s += ":import"
			}
			if e.Action == engine.RecordUpdate {
				s += fmt.Sprintf(":%v", e.Changed)
			}
			seen = append(seen, s)
			if e.Data["company"] == "坏" {
				return engine.Veto("company", map[string]string{"zh-CN": "不行", "en": "No"})
			}
			return gateHandler(e)
		})
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "甲"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		r, err = f.e.UpdateRecord(f.ctx, f.member, formID, r.ID, map[string]any{"company": "乙"}, r.Version, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if err := f.e.DeleteRecord(f.ctx, f.member, formID, r.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.RestoreRecord(f.ctx, f.member, formID, r.ID, 0); err != nil {
			t.Fatal(err)
		}
		if res, err := f.e.DeleteRecords(f.ctx, f.member, formID, []string{r.ID}); err != nil || res[0].Err != nil {
			t.Fatalf("bulk delete: %v %v", err, res)
		}
		rep, err := tabular.Import(f.ctx, f.e, f.member, formID, strings.NewReader("公司\n丙\n丁\n"), engine.ImportOptions{})
		if err != nil || rep.Created != 2 {
			t.Fatalf("import: %v %+v", describe(err), rep)
		}
		// A veto of one row refuses the whole import and names the row.
		rep, err = tabular.Import(f.ctx, f.e, f.member, formID, strings.NewReader("公司\n戊\n坏\n"), engine.ImportOptions{})
		if err != nil || rep.Created != 0 || len(rep.Errors) != 1 || rep.Errors[0].Row != 3 || rep.Errors[0].Error.Code != engine.CodeHookVeto {
			t.Fatalf("vetoed import: %v %+v", describe(err), rep)
		}
		want := []string{"create:甲", "update:乙:[company]", "delete:乙", "restore:乙", "delete:乙",
			"create:丙:import", "create:丁:import", "create:戊:import", "create:坏:import"}
		if strings.Join(seen, " ") != strings.Join(want, " ") {
			t.Fatalf("hook saw\n%v\nwant\n%v", seen, want)
		}
		// One side document per committed write: 5 single ones and 2 imported rows.
		if n := countDocs(t, f, sideColl, store.ExcludeDeleted); n != 7 {
			t.Fatalf("side documents = %d, want 7", n)
		}
		page, _ := f.e.QueryRecords(f.ctx, f.member, formID, engine.RecordQuery{Total: true})
		if *page.Total != 2 {
			t.Fatalf("live records = %d, want the 2 imported", *page.Total)
		}
	})
}
