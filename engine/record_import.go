package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/i18n"
	"github.com/formloom/formloom/engine/store"
)

// Limits of one import request.
const (
	// MaxImportBytes bounds the uploaded file.
	MaxImportBytes = 10 << 20
	// MaxImportRows bounds the data rows: all rows are written in one unit
	// of work, each record taking three of its store.MaxUnitWrites items
	// (the record, its history entry, its event).
	MaxImportRows = store.MaxUnitWrites / 3 / 1000 * 1000
	// MaxImportColumns bounds the columns of the header.
	MaxImportColumns = 300
	// maxImportErrors bounds the row errors one report lists.
	maxImportErrors = 1000
)

// ImportOptions adjust one import.
type ImportOptions struct {
	// DryRun validates every row and writes nothing.
	DryRun bool
	// SkipAutomations is passed to every write (see WriteOptions).
	SkipAutomations bool
}

// ImportColumn says what became of one column of the file.
type ImportColumn struct {
	// Index is the column's position, from 1.
	Index int `json:"index"`
	// Header is the column's header as written in the file.
	Header string `json:"header"`
	// Field is the key of the field the column fills; empty when ignored.
	Field string `json:"field,omitempty"`
	// Ignored is set for a column that is not imported, with Reason, a
	// message code (import_unknown_column, import_computed_column,
	// import_system_column, import_archived_column, import_empty_header).
	Ignored bool   `json:"ignored,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// ImportRowError is one problem of one row.
type ImportRowError struct {
	// Row is the row number as a spreadsheet shows it (the header is row 1).
	Row int
	// Column is the header of the column holding the value, or the field's
	// label when the file has no column for it; empty for form-level rules.
	Column string
	// Error is the problem, its path relative to the record ("items[2].price").
	Error field.Error
}

// ImportReport is the outcome of an import. When Errors is not empty
// nothing was written; Created counts the records written (0 on a dry run).
type ImportReport struct {
	Format          ExportFormat
	Rows            int
	Created         int
	DryRun          bool
	SkipAutomations bool
	Columns         []ImportColumn
	Errors          []ImportRowError
	// ErrorsTruncated is set when more errors were found than listed.
	ErrorsTruncated bool
	// IDs are the ids of the created records, in row order.
	IDs []string
}

// Table is a spreadsheet read into text cells; engine/tabular reads CSV
// and XLSX files into it (the engine core links no file codec).
type Table struct {
	// Format is the format of the file read.
	Format ExportFormat
	// Header is the first row; it names fields by label or key.
	Header []string
	// Rows are the data rows, blank rows left out; cells are as typed
	// (an export's formula guard already removed).
	Rows [][]string
	// RowNumbers[i] is the spreadsheet row number of Rows[i] (the header is
	// row 1, blank rows count), so errors name the row the user sees.
	RowNumbers []int
	// SerialDate, when set, reads a spreadsheet serial date number (XLSX
	// stores typed dates so) into its wall time; ok is false for a number
	// that is no date. Date fields then accept such cells.
	SerialDate func(n float64) (t time.Time, ok bool)
}

// ImportTable creates one record per row of the table read returns, through
// the write pipeline, with Source "import". The form is checked before read
// runs, so a form the actor cannot see is not found whatever the file. It is
// all or nothing: every row is checked first, and if any fails the report
// lists each problem by row and column and nothing is written; otherwise all
// records, their history entries and events are committed in one unit of
// work. File problems (format, encoding, size, header) are a validation
// error on "file", from read or from the header's mapping.
//
// Serial numbers are drawn while checking rows, so a dry run or a refused
// import leaves gaps in them, as any failed write does.
func (e *Engine) ImportTable(ctx context.Context, a Actor, formID string, read func() (Table, error), opts ImportOptions) (ImportReport, error) {
	a.Source = SourceImport
	d, err := e.Authorize(ctx, a, ActRecordImport, Resource{Form: formID})
	if err != nil {
		return ImportReport{}, err
	}
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return ImportReport{}, err
	}
	t, err := read()
	if err != nil {
		return ImportReport{}, err
	}
	if err := t.check(); err != nil {
		return ImportReport{}, err
	}
	rep := ImportReport{Format: t.Format, DryRun: opts.DryRun, SkipAutomations: opts.SkipAutomations}
	cols, err := mapColumns(v, d.Mask, t.Header)
	if err != nil {
		return ImportReport{}, err
	}
	rep.Columns = cols
	w, err := e.newWrite(ctx, a, v, nil)
	if err != nil {
		return ImportReport{}, err
	}
	w.ctx.Patterns = field.NewPatternCache()
	rows := make([]importRow, 0, len(t.Rows))
	for i, cells := range t.Rows {
		if err := ctx.Err(); err != nil {
			return ImportReport{}, err
		}
		rowNo := t.RowNumbers[i]
		data, errs, err := w.importRow(ctx, v, cols, cells, t.SerialDate)
		if err != nil {
			return ImportReport{}, err
		}
		if len(errs) > 0 {
			// A row's problem on a field the importer may not see is
			// reported without naming it.
			errs = validationFields(hideErrors(invalid(errs...), d.Mask))
		}
		for _, fe := range errs {
			rep.addError(v, cols, rowNo, fe)
		}
		if len(errs) == 0 {
			rows = append(rows, importRow{n: rowNo, data: data})
		}
	}
	rep.Rows = len(t.Rows)
	if err := e.checkUniqueRows(ctx, v, formID, rows, &rep, cols); err != nil {
		return ImportReport{}, err
	}
	if len(rep.Errors) > 0 || rep.ErrorsTruncated || opts.DryRun {
		return rep, nil
	}
	u := store.UnitOfWork{Actor: a.UserID, At: w.ctx.Now}
	wo := WriteOptions{SkipAutomations: opts.SkipAutomations}
	for _, row := range rows {
		id := store.NewID()
		doc := store.Document{ID: id, Data: w.doc(row.data)}
		if err := w.staysInRows(ctx, d, doc); err != nil {
			if !errors.Is(err, ErrInvalid) {
				return ImportReport{}, err
			}
			for _, fe := range validationFields(err) {
				rep.addError(v, cols, row.n, fe)
			}
			continue
		}
		changes := diff(nil, row.data)
		one := w.unit(store.Write{Op: store.OpInsert, Collection: recordColl(formID), Doc: doc}, EventRecordCreated, id, 1, changes, wo)
		if err := w.writing(ctx, &one, RecordCreate, id, row.data, changes, wo, true); err != nil {
			if errors.Is(err, ErrInvalid) {
				// A veto of a row is reported with the row, as any problem of it.
				for _, fe := range validationFields(err) {
					rep.addError(v, cols, row.n, fe)
				}
				continue
			}
			return ImportReport{}, err
		}
		u.Writes = append(u.Writes, one.Writes...)
		u.Events = append(u.Events, one.Events...)
		u.Enqueue = append(u.Enqueue, one.Enqueue...)
		rep.IDs = append(rep.IDs, id)
	}
	if len(rep.Errors) > 0 || rep.ErrorsTruncated {
		rep.IDs = nil
		return rep, nil
	}
	if _, err := e.st.Commit(ctx, u); err != nil {
		return ImportReport{}, w.commitErr(err)
	}
	rep.Created = len(rows)
	return rep, nil
}

// check refuses a table beyond the import limits or without rows.
func (t *Table) check() error {
	switch {
	case len(t.Header) == 0:
		return fileErr(CodeImportNoHeader, nil)
	case len(t.Rows) == 0:
		return fileErr(CodeImportNoRows, nil)
	case len(t.Rows) > MaxImportRows:
		return fileErr(CodeImportTooManyRows, map[string]any{"max": MaxImportRows})
	case len(t.RowNumbers) != len(t.Rows):
		return fmt.Errorf("%w: table has %d rows and %d row numbers", ErrInvalid, len(t.Rows), len(t.RowNumbers))
	}
	return nil
}

type importRow struct {
	n    int
	data map[string]any
}

func fileErr(code string, params map[string]any) error {
	return invalid(fieldErr("file", code, params))
}

// importRow reads one row's cells through each field's FromCell, then runs
// the write pipeline up to (not including) the commit.
func (w *write) importRow(ctx context.Context, v *Version, cols []ImportColumn, cells []string, serialDate func(float64) (time.Time, bool)) (map[string]any, []field.Error, error) {
	input := map[string]any{}
	var errs []field.Error
	for i, c := range cols {
		if c.Ignored || i >= len(cells) {
			continue
		}
		f := v.byKey[c.Field]
		cell := cells[i]
		if serialDate != nil {
			cell = dateCell(f.typ, cell, serialDate)
		}
		if strings.TrimSpace(cell) == "" {
			continue
		}
		val, ferrs := f.typ.FromCell(w.ctx, f.def, f.def.Key, cell)
		if len(ferrs) > 0 {
			errs = append(errs, ferrs...)
			continue
		}
		if val != nil {
			input[f.def.Key] = val
		}
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	data, err := w.run(ctx, input)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			return nil, ve.Fields, nil
		}
		return nil, nil, err
	}
	return data, nil, nil
}

func (rep *ImportReport) addError(v *Version, cols []ImportColumn, row int, fe field.Error) {
	if len(rep.Errors) >= maxImportErrors {
		rep.ErrorsTruncated = true
		return
	}
	key := fe.Path
	if i := strings.IndexAny(key, ".["); i >= 0 {
		key = key[:i]
	}
	column := ""
	for _, c := range cols {
		if !c.Ignored && c.Field == key {
			column = c.Header
			break
		}
	}
	if column == "" {
		if f, ok := v.byKey[key]; ok {
			column = columnLabel(f.def)
		}
	}
	rep.Errors = append(rep.Errors, ImportRowError{Row: row, Column: column, Error: fe})
}

// dateCell turns the serial number a spreadsheet stores for a date typed
// into a cell into text the date fields read.
func dateCell(t field.Type, cell string, serialDate func(float64) (time.Time, bool)) string {
	dc, ok := t.(field.DateCeller)
	if !ok {
		return cell
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
	if err != nil || n <= 0 || n > 2958465 {
		return cell
	}
	tm, ok := serialDate(n)
	if !ok {
		return cell
	}
	return dc.DateCell(tm)
}

// mapColumns matches header cells to fields, by key or label, ignoring case
// and surrounding spaces. A column of a field the actor may not change
// (read-only or hidden under their permission) refuses the import with a
// read_only_permission error on that column, as a single write would.
func mapColumns(v *Version, m *FieldMask, header []string) ([]ImportColumn, error) {
	if len(header) > MaxImportColumns {
		return nil, fileErr(CodeImportTooManyColumns, map[string]any{"max": MaxImportColumns})
	}
	byName := map[string]*cfield{}
	for _, f := range v.fields {
		if l := norm(f.def.Label); l != "" {
			if _, taken := byName[l]; !taken {
				byName[l] = f
			}
		}
	}
	for _, f := range v.fields {
		byName[norm(f.def.Key)] = f // a key wins over another field's label
	}
	system := map[string]bool{}
	for _, p := range systemColumns {
		system[norm(p)] = true
		for _, lang := range []string{i18n.ZhCN, i18n.En} {
			system[norm(i18n.T(lang, "export_column_"+p, nil))] = true
		}
	}
	for _, p := range []string{"version", "formVersion", "updatedBy", "deletedAt"} {
		system[norm(p)] = true
	}
	archived := map[string]bool{}
	for i := range v.Archived {
		for _, lang := range []string{i18n.ZhCN, i18n.En} {
			archived[norm(archivedLabel(lang, columnLabel(&v.Archived[i])))] = true
		}
		archived[norm(v.Archived[i].Key)] = true
	}
	cols := make([]ImportColumn, len(header))
	var denied []field.Error
	seen := map[string]int{}
	mapped := 0
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, utf8BOM))
		c := ImportColumn{Index: i + 1, Header: h}
		n := norm(h)
		f, ok := byName[n]
		switch {
		case n == "":
			c.Ignored, c.Reason = true, CodeImportEmptyHeader
		case ok && !f.typ.Input():
			c.Ignored, c.Reason, c.Field = true, CodeImportComputedColumn, ""
		case ok && !m.CanEdit(f.def.Key):
			denied = append(denied, fieldErr(fmt.Sprintf("columns[%d]", i), CodeReadOnlyPermission, map[string]any{"column": h}))
		case ok:
			if j, dup := seen[f.def.Key]; dup {
				return nil, fileErr(CodeImportDuplicateColumn, map[string]any{"column": i + 1, "other": j, "field": h})
			}
			seen[f.def.Key] = i + 1
			c.Field = f.def.Key
			mapped++
		case system[n]:
			c.Ignored, c.Reason = true, CodeImportSystemColumn
		case archived[n]:
			c.Ignored, c.Reason = true, CodeImportArchivedColumn
		default:
			c.Ignored, c.Reason = true, CodeImportUnknownColumn
		}
		cols[i] = c
	}
	if len(denied) > 0 {
		return nil, invalid(denied...)
	}
	if mapped == 0 {
		return nil, fileErr(CodeImportNoColumns, nil)
	}
	return cols, nil
}

// utf8BOM starts UTF-8 files that Excel (notably on Chinese Windows) should read as UTF-8.
const utf8BOM = "\uFEFF"

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// checkUniqueRows reports values of unique fields repeated within the file
// or already used by a live record, naming the rows, so the commit does not
// fail on them without saying where.
func (e *Engine) checkUniqueRows(ctx context.Context, v *Version, formID string, rows []importRow, rep *ImportReport, cols []ImportColumn) error {
	for _, f := range v.fields {
		if !f.def.Unique {
			continue
		}
		first := map[string]int{}
		byValue := map[string][]int{}
		var values []any
		for _, r := range rows {
			val, ok := uniqueValue(f, r.data[f.def.Key])
			if !ok {
				continue
			}
			k := fmt.Sprintf("%T:%v", val, val)
			if n, dup := first[k]; dup {
				rep.addError(v, cols, r.n, fieldErr(f.def.Key, CodeImportDuplicateValue, map[string]any{"row": n}))
				continue
			}
			first[k] = r.n
			byValue[k] = append(byValue[k], r.n)
			values = append(values, val)
		}
		for start := 0; start < len(values); start += store.MaxListValues {
			chunk := values[start:min(start+store.MaxListValues, len(values))]
			docs, err := e.findAll(ctx, recordColl(formID), store.Where(dataPath(f), store.OpIn, chunk), nil)
			if err != nil {
				return mapStoreErr(err)
			}
			for _, d := range docs {
				val, ok := uniqueValue(f, recordFrom(d).Data[f.def.Key])
				if !ok {
					continue
				}
				for _, n := range byValue[fmt.Sprintf("%T:%v", val, val)] {
					rep.addError(v, cols, n, fieldErr(f.def.Key, CodeImportUniqueExists, nil))
				}
			}
		}
	}
	return nil
}

// uniqueValue is the scalar a unique index compares (the value below the
// stored one for types with a field.ValuePather: a money field's amount).
func uniqueValue(f *cfield, v any) (any, bool) {
	if vp, ok := f.typ.(field.ValuePather); ok {
		m, _ := v.(map[string]any)
		v = m[vp.ValuePath()]
	}
	switch v.(type) {
	case string, float64, bool:
		return v, true
	}
	return nil, false
}
