package field

import (
	"time"

	"github.com/formloom/formloom/engine/form"
)

// Capabilities are optional interfaces a field Type implements when its
// values need more from the engine than normalizing and rendering: the
// engine asks a type what it can do (t.(field.Referencer)) instead of
// switching on type names, so a new type brings its behaviour with it and
// copies of one rule cannot drift apart (PocketBase's field interfaces are
// the model). ValuePather, in field.go, is one of them.

// RefKind names what a reference field points at.
type RefKind int

// The kinds of reference the pipeline resolves in the actor's workspace.
const (
	// RefRecords are records of the form f.Form.
	RefRecords RefKind = iota + 1
	// RefMembers are user ids of members of the workspace.
	RefMembers
	// RefDepartments are department ids of the workspace.
	RefDepartments
)

// Referencer is implemented by field types whose stored value is one id or
// a list of ids of things that must exist in the actor's workspace; the
// pipeline checks them before any lookup, formula or rule reads them.
type Referencer interface {
	RefKind(f *form.Field) RefKind
}

// FileInfo is what the file store recorded for an upload (sniffed content
// type, size in bytes, name).
type FileInfo struct {
	Name        string
	ContentType string
	Size        int64
}

// FileChecker is implemented by field types whose value lists uploaded
// files. CheckFile judges one upload, described by what the file store
// recorded, against the field's limits with the same rules Normalize applies
// to the client's description; path locates the file in the value.
type FileChecker interface {
	CheckFile(f *form.Field, path string, info FileInfo) []Error
}

// Looker is implemented by field types whose value is copied from a related
// record: LookedUp returns the key of the relation field (of the same form)
// and the key of the field read from the related record. Lookups with
// f.Live are read at display time instead of copied on write.
type Looker interface {
	LookedUp(f *form.Field) (relation, field string)
}

// Sequencer is implemented by field types the engine numbers on creation
// from a store counter: SequencePeriod is the counter's bucket at ctx.Now
// ("" when it never resets) and SequenceValue renders the n-th value.
type Sequencer interface {
	SequencePeriod(ctx Context, f *form.Field) string
	SequenceValue(ctx Context, f *form.Field, n int64) string
}

// IndexHint tells the engine which store indexes a field type wants.
type IndexHint int

// Index hints.
const (
	// IndexAlways: the field is always indexed, because records are found
	// by its value (relations, serial numbers).
	IndexAlways IndexHint = iota + 1
	// IndexSort: lists are commonly sorted by the field, so indexed fields
	// get composite indexes with it (numbers, amounts, dates).
	IndexSort
)

// Indexer is implemented by field types that want store indexes beyond
// those a design asks for.
type Indexer interface {
	IndexHint() IndexHint
}

// Container is implemented by field types whose value holds rows of the
// nested fields f.Fields (subforms): the engine checks each row's required
// fields and references.
type Container interface {
	Rows(stored any) []map[string]any
}

// Composite is implemented by field types whose value is an object with
// named parts that queries may address ("address.city", "budget.amount").
type Composite interface {
	Parts(f *form.Field) []string
}

// NumericCell is implemented by field types whose ToCell text is a plain
// decimal number, which spreadsheet exports keep as a number so that sums
// work.
type NumericCell interface {
	NumericCell()
}

// DateCeller is implemented by field types that read the serial date
// numbers spreadsheets store for typed dates: DateCell renders the wall
// time t as the cell text FromCell reads.
type DateCeller interface {
	DateCell(t time.Time) string
}

// Chooser is implemented by field types whose values are chosen from the
// design's options (select, multiselect): expressions compare them with
// option values, and the checker knows the options.
type Chooser interface {
	Choices(f *form.Field) []form.Option
}

// Formula is implemented by field types the engine computes from an
// expression of the design: FormulaSource returns it.
type Formula interface {
	FormulaSource(f *form.Field) string
}
