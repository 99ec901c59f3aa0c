package field

import (
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

func init() { Register(lookupType{}) }

// lookupType shows LookupField of the record linked by the relation field
// Relation. The engine copies the value on write (or reads it at display
// time when Live); clients never send it. Its type is that of the looked-up
// field, which this package cannot see, so it is Any here.
type lookupType struct{ untyped }

func (lookupType) Name() string { return "lookup" }

// LookedUp names the relation field and the field read through it.
func (lookupType) LookedUp(f *form.Field) (relation, field string) { return f.Relation, f.LookupField }

func (lookupType) CheckDesign(f *form.Field) []Error {
	var errs []Error
	if !ValidKey(f.Relation) {
		errs = append(errs, designErr("relation", CodeLookupRelation, nil))
	}
	if !ValidKey(f.LookupField) && !store.IsSystemField(f.LookupField) {
		errs = append(errs, designErr("lookupField", CodeLookupField, nil))
	}
	return errs
}
