package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/i18n"
	"github.com/formloom/formloom/engine/store"
)

// Formats of an ExportSheet column, for a spreadsheet to show its cells.
const (
	FormatText     = ""
	FormatNumber   = "number"
	FormatPercent  = "percent"  // a share 0..1
	FormatDate     = "date"     // a calendar date
	FormatDateTime = "datetime" // an instant, as wall time of the workspace zone
)

// ExportSheet is a chart's data laid out as a sheet: the columns of the
// browser's CSV export (group keys then measures, by label; a funnel's
// stage, count, reached, conversion and amount), in the request's
// language. A cell is nil (empty), a string, a float64 or a time.Time
// (a date at midnight UTC, an instant as the workspace zone's wall time
// in UTC, so a spreadsheet shows the zone's clock).
type ExportSheet struct {
	// Title names the chart: its title, else its kind.
	Title   string
	Header  []string
	Formats []string
	Rows    [][]any
	// More are further sheets: a funnel's leaderboard.
	More []ExportSheet
}

// Export computes one chart of a dashboard for the actor (exactly as
// ChartData does: their row filters, the dashboard filters chosen) and
// lays it out as a table labelled in lang.
func (s *Dashboards) Export(ctx context.Context, a engine.Actor, id, chartID string, values map[string]FilterValue, lang string) (ExportSheet, error) {
	db, err := s.Get(ctx, a, id)
	if err != nil {
		return ExportSheet{}, err
	}
	if err := checkValues(db, values); err != nil {
		return ExportSheet{}, err
	}
	c, ok := chartOf(db, chartID)
	if !ok {
		return ExportSheet{}, fmt.Errorf("%w: chart %q", engine.ErrNotFound, chartID)
	}
	cd, err := s.chartData(ctx, a, db, c, values)
	if err != nil {
		return ExportSheet{}, err
	}
	v, err := s.e.CurrentVersion(ctx, a, c.Form)
	if err != nil {
		return ExportSheet{}, err
	}
	loc, err := s.e.Location(ctx, a.Workspace)
	if err != nil {
		return ExportSheet{}, err
	}
	return exportSheet(c, cd, v, loc, lang), nil
}

// exportSheet lays chart data out as a table (see ExportSheet).
func exportSheet(c Chart, cd ChartData, v *engine.Version, loc *time.Location, lang string) ExportSheet {
	t := func(code string) string { return i18n.T(lang, "report_export_"+code, nil) }
	title := c.Title
	if title == "" {
		title = t("kind_" + c.Kind)
	}
	out := ExportSheet{Title: title, Rows: [][]any{}}
	if cd.Funnel != nil {
		out.Header = []string{t("stage"), t("count"), t("reached"), t("conversion"), t("amount")}
		out.Formats = []string{FormatText, FormatNumber, FormatNumber, FormatPercent, FormatNumber}
		for _, st := range cd.Funnel.Stages {
			label := st.Label
			if label == "" {
				label = st.Value
			}
			out.Rows = append(out.Rows, []any{label, float64(st.Count), float64(st.Reached), optNum(st.Conversion), optNum(st.Amount)})
		}
		if len(cd.Funnel.Leaders) > 0 {
			lead := ExportSheet{Title: t("leaders"), Rows: [][]any{},
				Header:  []string{t("owner"), t("won"), t("wonAmount"), t("lost"), t("open"), t("weighted"), t("winRate")},
				Formats: []string{FormatText, FormatNumber, FormatNumber, FormatNumber, FormatNumber, FormatNumber, FormatPercent}}
			for _, l := range cd.Funnel.Leaders {
				var owner any = l.Label
				if l.Label == "" {
					owner = keyCell(ChartKey{}, "", l.Owner, loc, t)
				}
				lead.Rows = append(lead.Rows, []any{owner, float64(l.Won), l.WonAmount, float64(l.Lost), float64(l.Open), l.Weighted, optNum(l.WinRate)})
			}
			out.More = append(out.More, lead)
		}
		return out
	}
	keyTypes := make([]string, len(cd.Keys))
	for i, k := range cd.Keys {
		label, typ := fieldLabel(v, k.Field, t)
		keyTypes[i] = typ
		out.Header = append(out.Header, label)
		switch {
		case k.Bucket != store.BucketNone:
			out.Formats = append(out.Formats, FormatText)
		case typ == "date":
			out.Formats = append(out.Formats, FormatDate)
		case typ == "datetime":
			out.Formats = append(out.Formats, FormatDateTime)
		default:
			out.Formats = append(out.Formats, FormatText)
		}
	}
	measureTypes := make([]string, len(cd.Measures))
	for j, id := range cd.Measures {
		m, ok := measureOf(c, id)
		out.Header = append(out.Header, measureLabel(m, ok, id, v, t))
		format := FormatNumber
		if ok && (m.Op == MeasureMin || m.Op == MeasureMax) {
			// The min or max of a date field is a date.
			if _, typ := fieldLabel(v, m.Field, t); typ == "date" || typ == "datetime" {
				measureTypes[j], format = typ, typ
			}
		}
		out.Formats = append(out.Formats, format)
	}
	for _, r := range cd.Rows {
		row := make([]any, 0, len(r.Keys)+len(r.Values))
		for i, k := range r.Keys {
			if i >= len(cd.Keys) {
				break
			}
			row = append(row, keyCell(cd.Keys[i], keyTypes[i], k, loc, t))
		}
		for j, val := range r.Values {
			if j >= len(measureTypes) {
				break
			}
			row = append(row, valueCell(measureTypes[j], val, loc))
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// systemKeys are the record properties a chart groups by, with their types.
var systemKeys = map[string]string{"createdAt": "datetime", "updatedAt": "datetime", "createdBy": "user", "updatedBy": "user", "ownedBy": "user"}

// fieldLabel names a group key or measure field: the form field's label
// (a money amount "price.amount" by its field), a record property's
// text, else the key; and its type ("" when unknown).
func fieldLabel(v *engine.Version, key string, t func(string) string) (string, string) {
	if key == "" {
		return "", ""
	}
	if f, ok := v.Field(key); ok {
		return f.Label, string(f.Type)
	}
	if base, ok := strings.CutSuffix(key, ".amount"); ok {
		if f, ok := v.Field(base); ok {
			return f.Label, string(f.Type)
		}
	}
	if typ, ok := systemKeys[key]; ok {
		return t(key), typ
	}
	return key, ""
}

func measureOf(c Chart, id string) (Measure, bool) {
	for _, m := range c.Measures {
		if m.ID == id {
			return m, true
		}
	}
	return Measure{}, false
}

// measureLabel names a measure as the browser does: its label, else its
// function and field ("求和 金额"), an expression by its text.
func measureLabel(m Measure, ok bool, id string, v *engine.Version, t func(string) string) string {
	switch {
	case !ok:
		return id
	case m.Label != "":
		return m.Label
	case m.Op == MeasureCount:
		return t("op_count")
	case m.Op == MeasureExpr:
		if m.Expr != "" {
			return m.Expr
		}
		return id
	}
	label, _ := fieldLabel(v, m.Field, t)
	return strings.TrimSpace(t("op_"+m.Op) + " " + label)
}

// keyCell is a group key's cell: an option's or member's name, a date,
// a bucket as is ("2026-11"), "(empty)" for none.
func keyCell(k ChartKey, typ string, val any, loc *time.Location, t func(string) string) any {
	if val == nil || val == "" {
		return t("empty")
	}
	s, isText := val.(string)
	if !isText {
		if f, ok := val.(float64); ok {
			return f
		}
		return fmt.Sprint(val)
	}
	if l, ok := k.Labels[s]; ok && l != "" {
		return l
	}
	if k.Bucket != store.BucketNone {
		return s
	}
	if tm, ok := timeCell(typ, s, loc); ok {
		return tm
	}
	return s
}

// valueCell is a measure's cell: a number, a date (the min or max of a
// date field), nil for none.
func valueCell(typ string, val any, loc *time.Location) any {
	switch x := val.(type) {
	case nil:
		return nil
	case float64:
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case string:
		if tm, ok := timeCell(typ, x, loc); ok {
			return tm
		}
		return x
	default:
		return fmt.Sprint(x)
	}
}

// timeCell reads a date ("2026-10-22", as midnight UTC) or an instant (as
// the zone's wall time, written in UTC so no spreadsheet shifts it).
func timeCell(typ, s string, loc *time.Location) (time.Time, bool) {
	switch typ {
	case "date":
		d, err := time.Parse(time.DateOnly, s)
		return d, err == nil
	case "datetime":
		at, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, false
		}
		w := at.In(loc)
		return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC), true
	}
	return time.Time{}, false
}

func optNum(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
