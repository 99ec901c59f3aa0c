package engine

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// table is a file read into a header and data rows. rowNumbers[i] is the
// spreadsheet row number of rows[i]: blank rows are skipped but counted,
// so errors name the row the user sees.
type table struct {
	format     ExportFormat
	header     []string
	rows       [][]string
	rowNumbers []int
}

// Limits on what an XLSX file may unpack to, against zip bombs.
const (
	xlsxUnzipLimit    = 256 << 20
	xlsxUnzipXMLLimit = 64 << 20
)

// readTable reads a CSV or XLSX file. Problems are validation errors on
// "file"; a damaged file never panics.
func readTable(b []byte) (t table, err error) {
	format, err := sniffFormat(b)
	if err != nil {
		return t, err
	}
	var recs [][]string
	if format == FormatXLSX {
		recs, err = readXLSX(b)
	} else {
		recs, err = readCSV(b)
	}
	if err != nil {
		return t, err
	}
	t.format = format
	if len(recs) == 0 || blankRow(recs[0]) {
		return t, fileErr(CodeImportNoHeader, nil)
	}
	t.header = recs[0]
	for i, r := range recs[1:] {
		if blankRow(r) {
			continue
		}
		if len(t.rows) == MaxImportRows {
			return t, fileErr(CodeImportTooManyRows, map[string]any{"max": MaxImportRows})
		}
		t.rows = append(t.rows, r)
		t.rowNumbers = append(t.rowNumbers, i+2)
	}
	if len(t.rows) == 0 {
		return t, fileErr(CodeImportNoRows, nil)
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

// readCSV decodes UTF-8 (with or without a BOM), UTF-16 with a BOM, or
// GB18030/GBK, which Excel on Chinese Windows writes by default, and reads
// RFC 4180 records separated by commas, semicolons or tabs.
func readCSV(b []byte) ([][]string, error) {
	text, err := decodeText(b)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sniffDelimiter(text)
	r.FieldsPerRecord = -1
	var out [][]string
	// encoding/csv skips blank lines; keep them as empty rows so row
	// numbers match what a spreadsheet shows.
	nextLine, prevOff, newlines := 1, int64(0), 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fileErr(CodeImportCSVSyntax, map[string]any{"line": pe.StartLine, "reason": pe.Err.Error()})
			}
			return nil, fileErr(CodeImportFormat, nil)
		}
		// Blank lines before this record become empty rows (a multi-line
		// cell is still one row).
		line, _ := r.FieldPos(0)
		for i := nextLine; i < line; i++ {
			out = append(out, nil)
		}
		off := r.InputOffset()
		newlines += strings.Count(text[prevOff:off], "\n")
		nextLine, prevOff = newlines+1, off
		if len(out) > MaxImportRows+64 && countNonBlank(out) > MaxImportRows+1 {
			return nil, fileErr(CodeImportTooManyRows, map[string]any{"max": MaxImportRows})
		}
		out = append(out, rec)
	}
}

func countNonBlank(rows [][]string) int {
	n := 0
	for _, r := range rows {
		if !blankRow(r) {
			n++
		}
	}
	return n
}

func decodeText(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(b)
		if err != nil || !utf8.Valid(out) {
			return "", fileErr(CodeImportEncoding, nil)
		}
		return string(out), nil
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", fileErr(CodeImportFormat, nil)
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return "", fileErr(CodeImportEncoding, nil)
	}
	return string(out), nil
}

// sniffDelimiter picks the separator of the first line, outside quotes.
func sniffDelimiter(text string) rune {
	line, _, _ := strings.Cut(text, "\n")
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{'\t', ';'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// readXLSX reads the first sheet's cells as stored (numbers unformatted).
func readXLSX(b []byte) (out [][]string, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fileErr(CodeImportBroken, map[string]any{"reason": fmt.Sprint(p)})
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxUnzipXMLLimit})
	if err != nil {
		return nil, fileErr(CodeImportBroken, map[string]any{"reason": shortReason(err)})
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileErr(CodeImportNoSheet, nil)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fileErr(CodeImportBroken, map[string]any{"reason": shortReason(err)})
	}
	defer rows.Close()
	nonBlank := 0
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileErr(CodeImportBroken, map[string]any{"reason": shortReason(err)})
		}
		if len(cols) > MaxImportColumns {
			return nil, fileErr(CodeImportTooManyColumns, map[string]any{"max": MaxImportColumns})
		}
		if !blankRow(cols) {
			if nonBlank++; nonBlank > MaxImportRows+1 {
				return nil, fileErr(CodeImportTooManyRows, map[string]any{"max": MaxImportRows})
			}
		}
		out = append(out, cols)
	}
	if err := rows.Error(); err != nil {
		return nil, fileErr(CodeImportBroken, map[string]any{"reason": shortReason(err)})
	}
	return out, nil
}

func shortReason(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// excelTime converts an Excel serial date (1900 system) to a wall time.
func excelTime(n float64) (time.Time, error) {
	t, err := excelize.ExcelDateToTime(n, false)
	if err != nil {
		return time.Time{}, fmt.Errorf("engine: excel date %v: %w", n, err)
	}
	return t.Round(time.Second), nil
}
