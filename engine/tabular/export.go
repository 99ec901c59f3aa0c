package tabular

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/formloom/formloom/engine"
)

// maxExcelCell is the longest text an Excel cell holds.
const maxExcelCell = 32767

// utf8BOM lets Excel (notably on Chinese Windows) read the CSV as UTF-8.
const utf8BOM = "\uFEFF"

// Write streams a prepared export to w in its format, reading the records
// page by page.
func Write(ctx context.Context, w io.Writer, x *engine.Export) error {
	switch x.Format() {
	case engine.FormatXLSX:
		return writeXLSX(ctx, w, x)
	default:
		return writeCSV(ctx, w, x)
	}
}

func writeCSV(ctx context.Context, w io.Writer, x *engine.Export) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(guardRow(x.Header())); err != nil {
		return err
	}
	err := x.EachRow(ctx, func(cells []string) error { return cw.Write(guardRow(cells)) })
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// guardRow defuses CSV injection: a spreadsheet would run a cell starting
// with = + - @ (or a tab or carriage return) as a formula, so such a cell
// gets a leading single quote, which spreadsheets show as text. Plain
// numbers ("-12.5") are left alone: they are harmless and stay numbers.
// Imports remove the quote again (see unguardCell).
func guardRow(cells []string) []string {
	for i, c := range cells {
		cells[i] = guardCell(c)
	}
	return cells
}

func guardCell(c string) string {
	if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return c
	}
	if _, err := strconv.ParseFloat(c, 64); err == nil {
		return c
	}
	return "'" + c
}

func writeXLSX(ctx context.Context, w io.Writer, x *engine.Export) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("tabular: export: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}}})
	if err != nil {
		return fmt.Errorf("tabular: export: %w", err)
	}
	header := x.Header()
	for i, label := range header {
		width := float64(min(max(utf8.RuneCountInString(label)*2+2, 12), 40))
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return fmt.Errorf("tabular: export: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("tabular: export: %w", err)
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("tabular: export: %w", err)
	}
	row := 1
	err = x.EachRow(ctx, func(cells []string) error {
		row++
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = xlsxValue(x.NumericColumn(i), c)
		}
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, vals)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("tabular: export: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("tabular: export: %w", err)
	}
	return nil
}

// xlsxValue is a number for numeric columns (so sums work in Excel) and
// text otherwise. Text cells are never evaluated as formulas, so they need
// no injection guard; text longer than Excel allows is cut.
func xlsxValue(numeric bool, s string) any {
	if s == "" {
		return nil
	}
	if numeric {
		if n, err := strconv.ParseFloat(s, 64); err == nil && len(s) < 16 {
			return n
		}
	}
	if len(s) > maxExcelCell && utf8.RuneCountInString(s) > maxExcelCell {
		s = string([]rune(s)[:maxExcelCell])
	}
	return s
}
