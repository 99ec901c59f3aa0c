package engine

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/i18n"
)

// ExportFormat is the file format of an export or import.
type ExportFormat string

// File formats of exports and imports.
const (
	FormatCSV  ExportFormat = "csv"
	FormatXLSX ExportFormat = "xlsx"
)

// MaxExportRows bounds one export; a query matching more rows is refused
// before anything is written, so the user narrows the filter instead of
// receiving a silently cut file.
const MaxExportRows = 100_000

// exportPageSize is how many records one store read of an export fetches.
const exportPageSize = 500

// systemColumns are the record properties an export appends, in order;
// imports recognise and ignore them by key or by label.
var systemColumns = []string{"id", "createdAt", "createdBy", "updatedAt"}

// Export is a prepared export: the query is checked and the rows counted,
// so errors are known before the first byte is written. It hands out the
// header and the cells of every row; engine/tabular writes them as CSV or
// XLSX (the engine core links no file codec).
type Export struct {
	// Rows is how many records the query matched when prepared.
	Rows int64
	// Filename is a suggested file name: form name, date and extension.
	Filename string
	// ContentType is the MIME type of the file.
	ContentType string

	e      *Engine
	a      Actor
	formID string
	q      RecordQuery
	format ExportFormat
	cols   []exportCol
	fctx   field.Context
}

// exportCol is one column: a field (current or archived) or a record property.
type exportCol struct {
	label   string
	def     *form.Field
	typ     field.Type
	prop    string
	numeric bool
}

// PrepareExport checks an export of the records q selects (its filter,
// sort and recycle-bin choice; limit, offset and cursor are ignored, the
// export covers every match) and counts them. More than MaxExportRows
// matches is a validation error on "filter". lang ("zh-CN" or "en") names
// the system and archived columns.
func (e *Engine) PrepareExport(ctx context.Context, a Actor, formID string, q RecordQuery, format ExportFormat, lang string) (*Export, error) {
	if err := e.allow(ctx, a, ActRecordExport, Resource{Form: formID}); err != nil {
		return nil, err
	}
	view, err := e.viewDecision(ctx, a, formID)
	if err != nil {
		return nil, err
	}
	var ctype, ext string
	switch format {
	case FormatCSV:
		ctype, ext = "text/csv; charset=utf-8", "csv"
	case FormatXLSX:
		ctype, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
	default:
		return nil, invalid(fieldErr("format", CodeExportFormat, map[string]any{"format": string(format)}))
	}
	q = RecordQuery{Filter: q.Filter, Sort: q.Sort, Deleted: q.Deleted, Limit: 1, Total: true}
	page, err := e.QueryRecords(ctx, a, formID, q)
	if err != nil {
		return nil, err
	}
	if *page.Total > MaxExportRows {
		return nil, invalid(fieldErr("filter", CodeExportTooManyRows, map[string]any{"max": MaxExportRows, "rows": *page.Total}))
	}
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return nil, err
	}
	fm, err := e.Form(ctx, a, formID)
	if err != nil {
		return nil, err
	}
	loc, err := e.Location(ctx, a.Workspace)
	if err != nil {
		return nil, err
	}
	now := e.now()
	x := &Export{Rows: *page.Total, ContentType: ctype, e: e, a: a, formID: formID, q: q, format: format,
		fctx: field.Context{Location: loc, Now: now}, cols: exportColumns(v, view.Mask, lang)}
	x.Filename = fmt.Sprintf("%s-%s.%s", safeFilename(fm.Name), now.In(loc).Format("20060102-1504"), ext)
	return x, nil
}

// exportColumns lists current fields in design order, then archived fields
// with a suffix, then the record properties. Fields the mask hides are
// absent, and so are archived fields for an actor with any field limit.
func exportColumns(v *Version, m *FieldMask, lang string) []exportCol {
	var cols []exportCol
	for _, f := range v.fields {
		if m.CanView(f.def.Key) {
			cols = append(cols, exportCol{label: columnLabel(f.def), def: f.def, typ: f.typ, numeric: numericCell(f.typ)})
		}
	}
	for i := range v.Archived {
		if m != nil {
			break
		}
		def := &v.Archived[i]
		t, ok := field.Get(def.Type)
		if !ok {
			continue
		}
		cols = append(cols, exportCol{label: archivedLabel(lang, columnLabel(def)), def: def, typ: t, numeric: numericCell(t)})
	}
	for _, p := range systemColumns {
		cols = append(cols, exportCol{label: i18n.T(lang, "export_column_"+p, nil), prop: p})
	}
	return cols
}

func columnLabel(f *form.Field) string {
	if l := strings.TrimSpace(f.Label); l != "" {
		return l
	}
	return f.Key
}

func archivedLabel(lang, label string) string {
	return i18n.T(lang, "export_archived_label", map[string]any{"label": label})
}

// numericCell reports whether cells of type t are plain numbers.
func numericCell(t field.Type) bool {
	_, ok := t.(field.NumericCell)
	return ok
}

// Format is the file format asked for.
func (x *Export) Format() ExportFormat { return x.format }

// NumericColumn reports whether the cells of column i are plain numbers
// (number, money and rating fields), which a spreadsheet keeps as numbers.
func (x *Export) NumericColumn(i int) bool { return i >= 0 && i < len(x.cols) && x.cols[i].numeric }

// EachRow calls fn with the cells of every matching record, reading the
// records page by page; fn may keep the slice.
func (x *Export) EachRow(ctx context.Context, fn func(cells []string) error) error {
	return x.rows(ctx, func(cells []string, _ Record) error { return fn(cells) })
}

// rows calls fn with the cells of every matching record.
func (x *Export) rows(ctx context.Context, fn func(cells []string, rec Record) error) error {
	q := x.q
	q.Total = false
	q.Limit = exportPageSize
	n := 0
	for {
		page, err := x.e.QueryRecords(ctx, x.a, x.formID, q)
		if err != nil {
			return err
		}
		for _, r := range page.Items {
			if n++; n > MaxExportRows {
				return nil
			}
			if err := fn(x.cells(r), r); err != nil {
				return err
			}
		}
		if page.NextCursor == "" || len(page.Items) == 0 {
			return nil
		}
		q.Cursor = page.NextCursor
	}
}

func (x *Export) cells(r Record) []string {
	out := make([]string, len(x.cols))
	for i, c := range x.cols {
		switch c.prop {
		case "":
			if v, ok := r.Data[c.def.Key]; ok && v != nil {
				out[i] = c.typ.ToCell(x.fctx, c.def, v)
			}
		case "id":
			out[i] = r.ID
		case "createdAt":
			out[i] = cellTime(r.CreatedAt, x.fctx.Location)
		case "createdBy":
			out[i] = r.CreatedBy
		case "updatedAt":
			out[i] = cellTime(r.UpdatedAt, x.fctx.Location)
		}
	}
	return out
}

func cellTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04:05")
}

// Header returns the column labels.
func (x *Export) Header() []string {
	h := make([]string, len(x.cols))
	for i, c := range x.cols {
		h[i] = c.label
	}
	return h
}

// safeFilename keeps a form name usable as a file name on every system.
func safeFilename(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		return "records"
	}
	if utf8.RuneCountInString(name) > 80 {
		name = string([]rune(name)[:80])
	}
	return name
}
