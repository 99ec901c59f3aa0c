package tabular

import (
	"bytes"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/formloom/formloom/engine"
)

// Limits on what an XLSX file may unpack to, against zip bombs.
const (
	xlsxUnzipLimit    = 256 << 20
	xlsxUnzipXMLLimit = 64 << 20
)

// readXLSX reads the first sheet's cells as stored (numbers unformatted).
func readXLSX(b []byte) (out [][]string, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fileErr(engine.CodeImportBroken, map[string]any{"reason": fmt.Sprint(p)})
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxUnzipXMLLimit})
	if err != nil {
		return nil, fileErr(engine.CodeImportBroken, map[string]any{"reason": shortReason(err)})
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileErr(engine.CodeImportNoSheet, nil)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fileErr(engine.CodeImportBroken, map[string]any{"reason": shortReason(err)})
	}
	defer rows.Close()
	nonBlank := 0
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileErr(engine.CodeImportBroken, map[string]any{"reason": shortReason(err)})
		}
		if len(cols) > engine.MaxImportColumns {
			return nil, fileErr(engine.CodeImportTooManyColumns, map[string]any{"max": engine.MaxImportColumns})
		}
		if !blankRow(cols) {
			if nonBlank++; nonBlank > engine.MaxImportRows+1 {
				return nil, fileErr(engine.CodeImportTooManyRows, map[string]any{"max": engine.MaxImportRows})
			}
		}
		out = append(out, cols)
	}
	if err := rows.Error(); err != nil {
		return nil, fileErr(engine.CodeImportBroken, map[string]any{"reason": shortReason(err)})
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
func excelTime(n float64) (time.Time, bool) {
	t, err := excelize.ExcelDateToTime(n, false)
	if err != nil {
		return time.Time{}, false
	}
	return t.Round(time.Second), true
}
