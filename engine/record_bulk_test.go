package engine_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/formloom/formloom/engine"
)

func TestDeleteRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		var ids []string
		for i := range 3 {
			r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": fmt.Sprint("公司", i)}, engine.WriteOptions{})
			if err != nil {
				t.Fatal(describe(err))
			}
			ids = append(ids, r.ID)
		}
		if err := f.e.DeleteRecord(f.ctx, f.member, formID, ids[2], 0); err != nil {
			t.Fatal(err)
		}
		before, err := f.e.Store().ReadEvents(f.ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		missing := "01jzzzzzzzzzzzzzzzzzzzzzzz"
		res, err := f.e.DeleteRecords(f.ctx, f.member, formID, []string{ids[0], ids[1], ids[0], ids[2], missing})
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			id  string
			err error
		}{{ids[0], nil}, {ids[1], nil}, {ids[2], engine.ErrNotFound}, {missing, engine.ErrNotFound}}
		if len(res) != len(want) {
			t.Fatalf("results = %+v", res)
		}
		for i, w := range want {
			if res[i].ID != w.id || (w.err == nil) != (res[i].Err == nil) || (w.err != nil && !errors.Is(res[i].Err, w.err)) {
				t.Errorf("result %d = %+v, want %s %v", i, res[i], w.id, w.err)
			}
		}
		// Each deleted record has its own history entry and its own event.
		for _, id := range ids[:2] {
			h, err := f.e.History(f.ctx, f.admin, formID, id)
			if err != nil {
				t.Fatal(err)
			}
			if last := h[len(h)-1]; last.Action != "delete" && last.Action != "deleted" {
				t.Errorf("history of %s ends with %q", id, last.Action)
			}
		}
		after, err := f.e.Store().ReadEvents(f.ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		deleted := map[string]int{}
		for _, ev := range after[len(before):] {
			if ev.Type == "record.deleted" {
				deleted[ev.DocID]++
			}
		}
		if deleted[ids[0]] != 1 || deleted[ids[1]] != 1 || len(deleted) != 2 {
			t.Errorf("record.deleted events = %v", deleted)
		}

		tooMany := make([]string, engine.MaxBulkRecords+1)
		for i := range tooMany {
			tooMany[i] = ids[0]
		}
		bad := []struct {
			name  string
			actor engine.Actor
			form  string
			ids   []string
			want  error
			field string
		}{
			{"no ids", f.member, formID, nil, engine.ErrInvalid, "ids"},
			{"too many ids", f.member, formID, tooMany, engine.ErrInvalid, "ids"},
			{"unknown form", f.member, missing, ids, engine.ErrNotFound, ""},
		}
		other, _ := f.newWorkspace(t, "另一家公司")
		bad = append(bad, struct {
			name  string
			actor engine.Actor
			form  string
			ids   []string
			want  error
			field string
		}{"form of another workspace", other, formID, ids, engine.ErrNotFound, ""})
		for _, s := range bad {
			t.Run(s.name, func(t *testing.T) {
				_, err := f.e.DeleteRecords(f.ctx, s.actor, s.form, s.ids)
				if !errors.Is(err, s.want) {
					t.Fatalf("err = %v, want %v", err, s.want)
				}
				if s.field != "" {
					if _, ok := fieldErrors(t, err)[s.field]; !ok {
						t.Fatalf("no error on %s: %v", s.field, describe(err))
					}
				}
			})
		}
	})
}
