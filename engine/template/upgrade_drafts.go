package template

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"sort"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// mergeDrafts keeps the admins' unpublished drafts. A form whose draft
// differs from its published version and that the upgrade publishes anew
// gets its draft rebased: a three-way merge per field, layout, submit
// rules and extension between the published design (base), the draft
// (ours) and the design the upgrade publishes (theirs). What only the
// draft changed stays in the draft, what only the upgrade changed comes
// into it, and what both changed differently is a conflict at
// "draft.<unit>" ("ours" keeps the draft's, "theirs" the upgrade's). The
// upgrade publishes only the merged design, never the draft's edits.
func (s *Service) mergeDrafts(ctx context.Context, a engine.Actor, m *merge, oursRefs *engine.TemplateRefs) error {
	forms, err := s.e.Forms(ctx, a, m.refs.App)
	if err != nil {
		return err
	}
	keyToID := oursRefs.Keys("forms")
	idToKey := map[string]string{}
	for k, id := range keyToID {
		idToKey[id] = k
	}
	merged := map[string]form.Definition{}
	for _, f := range m.forms {
		merged[f.Key] = f.Definition
	}
	ext := s.owned()
	for _, f := range forms {
		k, ok := idToKey[f.ID]
		if !ok || f.Published == 0 {
			continue
		}
		v, err := s.e.CurrentVersion(ctx, a, f.ID)
		if err != nil {
			return err
		}
		pub := translate(v.Def, idToKey)
		draft := translate(f.Draft, idToKey)
		if bytes.Equal(canon(pub), canon(draft)) {
			continue // nothing unpublished
		}
		next := pub
		if d, ok := merged[k]; ok {
			next = keepOwned(d, pub, ext)
		}
		next.Extensions = maps.Clone(next.Extensions)
		for name, kind := range ext {
			for _, op := range m.parts[kind] {
				if op.item.Key != k {
					continue
				}
				if op.op == "remove" {
					delete(next.Extensions, name)
					continue
				}
				if next.Extensions == nil {
					next.Extensions = map[string]json.RawMessage{}
				}
				next.Extensions[name] = op.item.Spec
			}
		}
		if len(next.Extensions) == 0 {
			next.Extensions = nil
		}
		if bytes.Equal(canon(next), canon(pub)) {
			continue // the upgrade does not touch this form: its draft stays as it is
		}
		m.drafts = append(m.drafts, draftOp{key: k, def: m.rebase(k, pub, draft, next)})
	}
	return nil
}

// rebase merges a draft (d) over the design published next (t), both
// changed from base b.
func (m *merge) rebase(k string, b, d, t form.Definition) form.Definition {
	u := func(path string, bv, dv, tv any) json.RawMessage {
		bb, dd, tt := canon(bv), canon(dv), canon(tv)
		switch three(bb, dd, tt) {
		case keepOurs:
			return dd
		case takeTheirs:
			return tt
		}
		if m.conflict("forms", k, "draft."+path, bb, dd, tt) {
			return tt
		}
		return dd
	}
	out := d
	bm, dm, tm := fieldMap(b.Fields), fieldMap(d.Fields), fieldMap(t.Fields)
	result := map[string]*form.Field{}
	for _, fk := range unionKeys(fieldKeys(d.Fields), fieldKeys(t.Fields), fieldKeys(b.Fields)) {
		var bv, dv, tv any
		if f := bm[fk]; f != nil {
			bv = f
		}
		if f := dm[fk]; f != nil {
			dv = f
		}
		if f := tm[fk]; f != nil {
			tv = f
		}
		r := u("fields."+fk, bv, dv, tv)
		if isNull(r) {
			continue
		}
		var f form.Field
		if json.Unmarshal(r, &f) == nil {
			result[fk] = &f
		}
	}
	out.Fields = orderFields(d.Fields, t.Fields, result)
	_ = json.Unmarshal(u("columns", b.Columns, d.Columns, t.Columns), &out.Columns)
	out.SubmitRules = nil
	_ = json.Unmarshal(u("submitRules", b.SubmitRules, d.SubmitRules, t.SubmitRules), &out.SubmitRules)
	var names []string
	for _, x := range []form.Definition{d, t, b} {
		for n := range x.Extensions {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out.Extensions = nil
	for _, n := range unionKeys(names) {
		var bv, dv, tv any
		if r, ok := b.Extensions[n]; ok {
			bv = r
		}
		if r, ok := d.Extensions[n]; ok {
			dv = r
		}
		if r, ok := t.Extensions[n]; ok {
			tv = r
		}
		r := u("extensions."+n, bv, dv, tv)
		if isNull(r) {
			continue
		}
		if out.Extensions == nil {
			out.Extensions = map[string]json.RawMessage{}
		}
		out.Extensions[n] = r
	}
	return out
}
