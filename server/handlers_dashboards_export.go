package server

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/report"
)

// ChartExportInput asks for one chart's data as a file: the viewer's
// filter values (as for chart data) and the format, "xlsx" (the default
// and, for now, the only one: the browser writes the CSV itself).
type ChartExportInput struct {
	Filters map[string]report.FilterValue `json:"filters"`
	Format  string                        `json:"format"`
}

// exportChart answers a chart's data as an Excel workbook: the columns of
// the browser's CSV (group keys then measures by label, in the request's
// language), numbers as numbers, dates as dates, computed as the caller.
func (s *Server) exportChart(c *fiber.Ctx) error {
	d, err := s.dashboards()
	if err != nil {
		return err
	}
	var in ChartExportInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Format != "" && in.Format != "xlsx" {
		return &engine.ValidationError{Fields: []field.Error{{Path: "format", Code: engine.CodeOption, Params: map[string]any{"value": in.Format}}}}
	}
	sheet, err := d.Export(c.UserContext(), actor(c), c.Params("id"), c.Params("chart"), in.Filters, lang(c))
	if err != nil {
		return err
	}
	body, err := chartWorkbook(sheet)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, attachment(sheet.Title+".xlsx"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}

// sheetUnsafe are the characters Excel refuses in a sheet name.
var sheetUnsafe = regexp.MustCompile(`[\[\]:*?/\\']`)

// chartWorkbook writes an export sheet (and its further sheets) as an
// .xlsx file: on each sheet a bold, frozen header row, columns wide enough
// for their header, and number formats for percentages, dates and times
// (other numbers are General, as typed).
func chartWorkbook(sh report.ExportSheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}}})
	if err != nil {
		return nil, fmt.Errorf("chart export: %w", err)
	}
	styles := map[string]int{}
	for format, code := range map[string]string{report.FormatPercent: "0.0%", report.FormatDate: "yyyy-mm-dd", report.FormatDateTime: "yyyy-mm-dd hh:mm"} {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return nil, fmt.Errorf("chart export: %w", err)
		}
		styles[format] = id
	}
	used := map[string]bool{}
	for i, s := range append([]report.ExportSheet{sh}, sh.More...) {
		name := sheetName(s.Title, i, used)
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return nil, fmt.Errorf("chart export: %w", err)
		}
		if err := writeSheet(f, name, s, head, styles); err != nil {
			return nil, fmt.Errorf("chart export: %w", err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("chart export: %w", err)
	}
	return buf.Bytes(), nil
}

// sheetName is a title Excel accepts as a sheet name (at most 31
// characters, none of []:*?/\'), unique in the workbook.
func sheetName(title string, i int, used map[string]bool) string {
	name := sheetUnsafe.ReplaceAllString(title, "_")
	if utf8.RuneCountInString(name) > 28 {
		name = string([]rune(name)[:28])
	}
	if name == "" {
		name = fmt.Sprintf("Sheet%d", i+1)
	}
	for n := 2; used[strings.ToLower(name)]; n++ {
		name = fmt.Sprintf("%s %d", strings.TrimSuffix(name, fmt.Sprintf(" %d", n-1)), n)
	}
	used[strings.ToLower(name)] = true
	return name
}

func writeSheet(f *excelize.File, name string, sh report.ExportSheet, head int, styles map[string]int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, label := range sh.Header {
		width := float64(min(max(utf8.RuneCountInString(label)*2+2, 12), 40))
		if i < len(sh.Formats) && sh.Formats[i] == report.FormatDateTime {
			width = max(width, 18)
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(sh.Header))
	for i, h := range sh.Header {
		cells[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for r, row := range sh.Rows {
		cells := make([]any, len(row))
		for i, v := range row {
			style := 0
			if i < len(sh.Formats) {
				style = styles[sh.Formats[i]]
			}
			switch x := v.(type) {
			case nil:
				cells[i] = nil
			case string:
				// Text cells are never evaluated as formulas; Excel holds at most 32767 characters.
				if utf8.RuneCountInString(x) > 32767 {
					x = string([]rune(x)[:32767])
				}
				cells[i] = x
			case float64, time.Time:
				cells[i] = excelize.Cell{StyleID: style, Value: x}
			default:
				cells[i] = fmt.Sprint(x)
			}
		}
		at, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(at, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}
