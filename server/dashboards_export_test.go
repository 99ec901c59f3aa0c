package server_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/formloom/formloom/engine/store"
)

// TestChartExportXLSX: a chart's data downloads as an Excel workbook whose
// headers are the browser CSV's (zh-CN and en), with numbers as numbers and
// dates as dates in the workspace zone, computed as the caller (a member
// whose rows are their own gets only their figures), on both stores.
func TestChartExportXLSX(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(t *testing.T) store.Store
	}{
		{"sqlite", func(t *testing.T) store.Store {
			st := openSQLite(t, t.TempDir())
			t.Cleanup(func() { st.Close() })
			return st
		}},
		{"mongo", openMongo},
	} {
		t.Run(c.name, func(t *testing.T) { chartExportScenario(t, startDashboards(t, c.open(t))) })
	}
}

func chartExportScenario(t *testing.T, en *env) {
	rep := en.addMember("rep@example.com")
	app := en.do("POST", "/api/v1/apps", en.admin, map[string]any{"name": "销售"}, nil).expect(201).str("id")
	form := en.do("POST", "/api/v1/apps/"+app+"/forms", en.admin, map[string]any{"name": "机会", "definition": map[string]any{"fields": []any{
		map[string]any{"key": "title", "type": "text", "label": "名称"},
		map[string]any{"key": "stage", "type": "select", "label": "阶段", "options": []any{
			map[string]any{"value": "new", "label": "新建"}, map[string]any{"value": "offer", "label": "报价"},
			map[string]any{"value": "won", "label": "成交"}, map[string]any{"value": "lost", "label": "失败"}}},
		map[string]any{"key": "amount", "type": "number", "label": "金额"},
		map[string]any{"key": "due", "type": "date", "label": "截止日期"},
		map[string]any{"key": "meet", "type": "datetime", "label": "见面时间"},
	}}}, nil).expect(201)
	formID := form.str("id")
	pipeline := map[string]any{"field": "stage", "transitions": "any", "stages": []any{
		map[string]any{"value": "new", "probability": 10}, map[string]any{"value": "offer", "probability": 50},
		map[string]any{"value": "won", "probability": 100, "flag": "won"}, map[string]any{"value": "lost", "probability": 0, "flag": "lost"}}}
	d := en.do("PUT", "/api/v1/forms/"+formID+"/stages", en.admin, map[string]any{"pipeline": pipeline, "version": form.num("version")}, nil).expect(200)
	en.do("POST", "/api/v1/forms/"+formID+"/publish", en.admin, map[string]any{"version": d.num("draftVersion")}, nil).expect(201)
	// Members see only the records they own.
	own := en.do("POST", "/api/v1/forms/"+formID+"/permissions/sets", en.admin, map[string]any{"version": 0, "set": map[string]any{"name": "自己的", "preset": "manage_own",
		"actions": []any{"record.view", "record.create", "record.edit"}, "fieldDefault": "edit",
		"rows": map[string]any{"field": "ownedBy", "op": "eq", "value": "$me"}, "grants": []any{map[string]any{"kind": "everyone"}}}}, nil).expect(201)
	defaultSet := own.body["sets"].([]any)[0].(map[string]any)["id"].(string)
	en.do("DELETE", "/api/v1/forms/"+formID+"/permissions/sets/"+defaultSet+"?version="+strconv.FormatInt(own.num("version"), 10), en.admin, nil, nil).expect(200)
	for _, r := range []map[string]any{
		{"title": "a", "stage": "new", "amount": 100, "due": "2026-11-05", "meet": "2026-11-05T01:30:00Z"},
		{"title": "b", "stage": "new", "amount": 50.5, "due": "2026-11-20", "meet": "2026-11-06T15:00:00Z"},
		{"title": "c", "stage": "offer", "amount": 300},
	} {
		en.do("POST", "/api/v1/forms/"+formID+"/records", en.admin, map[string]any{"data": r}, nil).expect(201)
	}
	en.do("POST", "/api/v1/forms/"+formID+"/records", rep, map[string]any{"data": map[string]any{"title": "mine", "stage": "offer", "amount": 7}}, nil).expect(201)

	table := map[string]any{"id": "tbl", "title": "明细", "kind": "table", "form": formID, "groupBy": []any{map[string]any{"field": "stage"}, map[string]any{"field": "ownedBy"}},
		"measures": []any{map[string]any{"id": "n", "op": "count"}, map[string]any{"id": "total", "op": "sum", "field": "amount"},
			map[string]any{"id": "w", "label": "加权", "op": "weighted", "field": "amount", "weight": "amount", "scale": 0.01},
			map[string]any{"id": "earliest", "op": "min", "field": "due"}, map[string]any{"id": "latest", "op": "max", "field": "meet"},
			map[string]any{"id": "avg", "op": "expr", "expr": "total / n"}},
		"layout": map[string]any{"x": 0, "y": 0, "w": 12, "h": 4}}
	byMonth := map[string]any{"id": "month", "kind": "bar", "form": formID, "groupBy": []any{map[string]any{"field": "createdAt", "bucket": "month"}},
		"measures": []any{map[string]any{"id": "n", "op": "count"}}, "layout": map[string]any{"x": 0, "y": 4, "w": 6, "h": 4}}
	byDay := map[string]any{"id": "day", "title": "按截止日", "kind": "bar", "form": formID, "groupBy": []any{map[string]any{"field": "due"}},
		"measures": []any{map[string]any{"id": "n", "op": "count"}}, "layout": map[string]any{"x": 6, "y": 4, "w": 6, "h": 4}}
	funnel := map[string]any{"id": "funnel", "title": "漏斗", "kind": "funnel", "form": formID, "funnel": map[string]any{"amount": "amount", "owner": "ownedBy"},
		"layout": map[string]any{"x": 0, "y": 8, "w": 6, "h": 4}}
	db := en.do("POST", "/api/v1/apps/"+app+"/dashboards", en.admin, map[string]any{"title": "看板",
		"filters": []any{map[string]any{"id": "period", "kind": "date_range"}}, "charts": []any{table, byMonth, byDay, funnel}}, nil).expect(201)
	base := "/api/v1/dashboards/" + db.str("id") + "/charts/"
	zh := map[string]string{"Accept-Language": "zh-CN"}
	enLang := map[string]string{"Accept-Language": "en"}

	res := en.do("POST", base+"tbl/export", en.admin, map[string]any{}, zh).expect(200)
	if ct := res.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("content type %q", ct)
	}
	if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''%E6%98%8E%E7%BB%86.xlsx") {
		t.Fatalf("content disposition %q", cd)
	}
	f := openXLSX(t, res.raw)
	sheet := f.GetSheetName(0)
	if sheet != "明细" {
		t.Fatalf("sheet %q", sheet)
	}
	rows := sheetRows(t, f)
	wantHead := []string{"阶段", "所有者", "计数", "求和 金额", "加权", "最小值 截止日期", "最大值 见面时间", "total / n"}
	if strings.Join(rows[0], "|") != strings.Join(wantHead, "|") {
		t.Fatalf("zh header %q", rows[0])
	}
	// new: 2 records of the admin, 150.5; due from 2026-11-05; last meeting 2026-11-06 23:00 in Shanghai.
	if got := strings.Join(rows[1], "|"); got != "新建|管理员|2|150.5|125.5025|2026-11-05|2026-11-06 23:00|75.25" {
		t.Fatalf("first row %q", got)
	}
	for _, c := range []string{"C2", "D2", "E2", "H2"} {
		if typ, _ := f.GetCellType(sheet, c); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Fatalf("%s is %v, want a number", c, typ)
		}
		if raw, _ := f.GetCellValue(sheet, c, excelize.Options{RawCellValue: true}); raw == "" || strings.ContainsAny(raw, "|") {
			t.Fatalf("%s raw %q", c, raw)
		}
	}
	// A date cell holds an Excel serial, not text.
	if raw, _ := f.GetCellValue(sheet, "F2", excelize.Options{RawCellValue: true}); raw != "46331" {
		t.Fatalf("F2 raw %q, want the serial of 2026-11-05", raw)
	}
	if len(rows) != 4 {
		t.Fatalf("rows %q", rows)
	}

	// English headers; the empty value and labels of record properties.
	en2 := sheetRows(t, openXLSX(t, en.do("POST", base+"tbl/export", en.admin, map[string]any{"format": "xlsx"}, enLang).expect(200).raw))
	if got := strings.Join(en2[0], "|"); got != "阶段|Owner|Count|Sum 金额|加权|Minimum 截止日期|Maximum 见面时间|total / n" {
		t.Fatalf("en header %q", got)
	}
	month := sheetRows(t, openXLSX(t, en.do("POST", base+"month/export", en.admin, map[string]any{}, enLang).expect(200).raw))
	if got := strings.Join(month[0], "|"); got != "Created|Count" || len(month) < 2 || len(month[1][0]) != 7 {
		t.Fatalf("by month %q", month)
	}
	n := 0
	for _, r := range month[1:] {
		k, _ := strconv.Atoi(r[1])
		n += k
	}
	if n != 4 {
		t.Fatalf("by month %q", month)
	}
	day := en.do("POST", base+"day/export", en.admin, map[string]any{}, zh).expect(200)
	dayRows := sheetRows(t, openXLSX(t, day.raw))
	if got := strings.Join(dayRows[0], "|") + "/" + strings.Join(dayRows[1], "|") + "/" + strings.Join(dayRows[len(dayRows)-1], "|"); got != "截止日期|计数/2026-11-05|1/（空）|2" {
		t.Fatalf("by day %q", dayRows)
	}
	fun := sheetRows(t, openXLSX(t, en.do("POST", base+"funnel/export", en.admin, map[string]any{}, zh).expect(200).raw))
	if got := strings.Join(fun[0], "|"); got != "阶段|当前|到达|转化率|金额" {
		t.Fatalf("funnel header %q", got)
	}
	// The first stage has no conversion; the next one's is a percentage.
	if got := strings.Join(fun[1], "|") + "/" + strings.Join(fun[2], "|"); got != "新建|2|4||150.5/报价|2|2|50.0%|307" {
		t.Fatalf("funnel first stage %q", got)
	}

	// The funnel's leaderboard is a second sheet.
	ff := openXLSX(t, en.do("POST", base+"funnel/export", en.admin, map[string]any{}, zh).expect(200).raw)
	if names := ff.GetSheetList(); len(names) != 2 || names[0] != "漏斗" || names[1] != "排行榜" {
		t.Fatalf("funnel sheets %q", names)
	}
	lead, err := ff.GetRows("排行榜")
	if err != nil || len(lead) != 3 || strings.Join(lead[0], "|") != "负责人|赢单|赢单金额|输单|进行中|加权金额|赢率" || lead[1][0] == "" {
		t.Fatalf("leaderboard %q (%v)", lead, err)
	}
	// The member's export holds only their own record.
	mine := sheetRows(t, openXLSX(t, en.do("POST", base+"tbl/export", rep, map[string]any{}, zh).expect(200).raw))
	if len(mine) != 2 || mine[1][0] != "报价" || mine[1][1] != "成员" || mine[1][3] != "7" {
		t.Fatalf("member's rows %q", mine)
	}
	// The dashboard filters apply; bad input is refused per field; unknown charts are 404; no session is 401.
	none := sheetRows(t, openXLSX(t, en.do("POST", base+"tbl/export", en.admin, map[string]any{"filters": map[string]any{"period": map[string]any{"from": "2000-01-01", "to": "2000-01-31"}}}, zh).expect(200).raw))
	if len(none) != 1 {
		t.Fatalf("filtered rows %q", none)
	}
	bad := en.do("POST", base+"tbl/export", en.admin, map[string]any{"format": "pdf"}, zh).expect(422)
	if s := string(bad.raw); !strings.Contains(s, `"path":"format"`) || !strings.Contains(s, "pdf") {
		t.Fatalf("bad format: %s", s)
	}
	en.do("POST", base+"tbl/export", en.admin, map[string]any{"filters": map[string]any{"period": map[string]any{"from": "soon"}}}, nil).expect(422)
	en.do("POST", base+"nope/export", en.admin, map[string]any{}, nil).expect(404)
	en.do("POST", base+"tbl/export", "", map[string]any{}, nil).expect(401)
}

func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a workbook (%d bytes): %v", len(b), err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func sheetRows(t *testing.T, f *excelize.File) [][]string {
	t.Helper()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
