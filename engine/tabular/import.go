package tabular

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// Import reads a CSV or XLSX file (the first sheet) whose first row names
// fields by label or key, and imports its rows with engine.ImportTable: all
// or nothing, through the write pipeline. File problems (format, encoding,
// size, header) are a validation error on "file".
func Import(ctx context.Context, e *engine.Engine, a engine.Actor, formID string, r io.Reader, opts engine.ImportOptions) (engine.ImportReport, error) {
	return e.ImportTable(ctx, a, formID, func() (engine.Table, error) { return Read(r) }, opts)
}

// Read reads a CSV or XLSX file of at most engine.MaxImportBytes into a
// table. Problems are validation errors on "file"; a damaged file never
// panics.
func Read(r io.Reader) (engine.Table, error) {
	b, err := io.ReadAll(io.LimitReader(r, engine.MaxImportBytes+1))
	if err != nil {
		return engine.Table{}, fmt.Errorf("tabular: read: %w", err)
	}
	if len(b) > engine.MaxImportBytes {
		return engine.Table{}, fileErr(engine.CodeImportTooLarge, map[string]any{"max": engine.MaxImportBytes >> 20})
	}
	return readTable(b)
}

func fileErr(code string, params map[string]any) error {
	return &engine.ValidationError{Fields: []field.Error{{Path: "file", Code: code, Params: params}}}
}

// readTable reads a CSV or XLSX file into a header and data rows, skipping
// blank rows but counting them in the row numbers.
func readTable(b []byte) (t engine.Table, err error) {
	format, err := sniffFormat(b)
	if err != nil {
		return t, err
	}
	var recs [][]string
	if format == engine.FormatXLSX {
		recs, err = readXLSX(b)
		t.SerialDate = excelTime
	} else {
		recs, err = readCSV(b)
	}
	if err != nil {
		return t, err
	}
	t.Format = format
	if len(recs) == 0 || blankRow(recs[0]) {
		return t, fileErr(engine.CodeImportNoHeader, nil)
	}
	t.Header = recs[0]
	for i, r := range recs[1:] {
		if blankRow(r) {
			continue
		}
		if len(t.Rows) == engine.MaxImportRows {
			return t, fileErr(engine.CodeImportTooManyRows, map[string]any{"max": engine.MaxImportRows})
		}
		for j, c := range r {
			r[j] = unguardCell(c)
		}
		t.Rows = append(t.Rows, r)
		t.RowNumbers = append(t.RowNumbers, i+2)
	}
	if len(t.Rows) == 0 {
		return t, fileErr(engine.CodeImportNoRows, nil)
	}
	return t, nil
}

func blankRow(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// unguardCell removes the quote an export put before a cell that starts
// like a formula (see guardCell).
func unguardCell(c string) string {
	if len(c) > 1 && c[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(c[1])) {
		return c[1:]
	}
	return c
}

// sniffFormat tells an XLSX file (a zip) from text.
func sniffFormat(b []byte) (engine.ExportFormat, error) {
	switch {
	case len(bytes.TrimSpace(b)) == 0:
		return "", fileErr(engine.CodeImportEmpty, nil)
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return engine.FormatXLSX, nil
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", fileErr(engine.CodeImportXLS, nil)
	}
	return engine.FormatCSV, nil
}
