package engine

import (
	"context"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// fillLiveLookups sets the value of live lookup fields on records read from
// the store: the looked-up field of the related record as it is now. Related
// records are fetched once per relation field for the whole page, and only
// from a form of the version's own workspace.
func (e *Engine) fillLiveLookups(ctx context.Context, v *Version, recs []Record) error {
	for _, f := range v.fields {
		lk, ok := f.typ.(field.Looker)
		if !ok || !f.def.Live {
			continue
		}
		relKey, lookedUp := lk.LookedUp(f.def)
		rel, ok := v.byKey[relKey]
		if !ok {
			continue
		}
		if !e.formInWorkspace(ctx, v.Workspace, rel.def.Form) {
			for _, r := range recs {
				delete(r.Data, f.def.Key)
			}
			continue
		}
		seen := map[string]bool{}
		var ids []any
		for _, r := range recs {
			for _, id := range idsOf(r.Data[rel.def.Key]) {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		if len(ids) == 0 {
			continue
		}
		values := map[string]any{}
		for start := 0; start < len(ids); start += store.MaxListValues {
			end := min(start+store.MaxListValues, len(ids))
			flt := store.Where(store.FieldID, store.OpIn, ids[start:end])
			page, err := e.st.Find(ctx, recordColl(rel.def.Form), store.Query{Filter: &flt, Limit: end - start})
			if err != nil {
				return mapStoreErr(err)
			}
			for _, d := range page.Docs {
				values[d.ID] = recordFrom(d).Data[lookedUp]
			}
		}
		for _, r := range recs {
			linked := idsOf(r.Data[rel.def.Key])
			switch {
			case len(linked) == 0:
				delete(r.Data, f.def.Key)
			case rel.def.Multiple:
				vals := make([]any, 0, len(linked))
				for _, id := range linked {
					if val, ok := values[id]; ok {
						vals = append(vals, val)
					}
				}
				r.Data[f.def.Key] = vals
			default:
				if val, ok := values[linked[0]]; ok {
					r.Data[f.def.Key] = val
				} else {
					delete(r.Data, f.def.Key)
				}
			}
		}
	}
	return nil
}

// hasLiveLookups reports whether reads of v need fillLiveLookups.
func (v *Version) hasLiveLookups() bool {
	for _, f := range v.fields {
		if _, ok := f.typ.(field.Looker); ok && f.def.Live {
			return true
		}
	}
	return false
}
