package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/formloom/formloom/engine"
)

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
				return nil, fileErr(engine.CodeImportCSVSyntax, map[string]any{"line": pe.StartLine, "reason": pe.Err.Error()})
			}
			return nil, fileErr(engine.CodeImportFormat, nil)
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
		if len(out) > engine.MaxImportRows+64 && countNonBlank(out) > engine.MaxImportRows+1 {
			return nil, fileErr(engine.CodeImportTooManyRows, map[string]any{"max": engine.MaxImportRows})
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
			return "", fileErr(engine.CodeImportEncoding, nil)
		}
		return string(out), nil
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", fileErr(engine.CodeImportFormat, nil)
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return "", fileErr(engine.CodeImportEncoding, nil)
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
