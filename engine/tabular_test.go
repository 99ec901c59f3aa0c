// The CSV and Excel codecs of engine/tabular are tested here, with the
// engine's own fixture, so the two packages share one set of test helpers.

package engine_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/tabular"
)

// leadsForm uses every field type an import can fill without other data
// (relations and departments need records and departments of their own),
// plus a formula and a serial, which imports leave to the engine.
func leadsForm() form.Definition {
	return form.Definition{Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司", Required: true},
		{Key: "notes", Type: "textarea", Label: "备注"},
		{Key: "email", Type: "email", Label: "邮箱", Unique: true},
		{Key: "phone", Type: "phone", Label: "电话"},
		{Key: "site", Type: "url", Label: "网址"},
		{Key: "amount", Type: "number", Label: "金额"},
		{Key: "budget", Type: "money", Label: "预算"},
		{Key: "rate", Type: "percent", Label: "赢率"},
		{Key: "stars", Type: "rating", Label: "评级"},
		{Key: "vip", Type: "boolean", Label: "重点客户"},
		{Key: "met", Type: "date", Label: "首次接触"},
		{Key: "call", Type: "datetime", Label: "回访时间"},
		{Key: "stage", Type: "select", Label: "阶段", Options: []form.Option{{Value: "new", Label: "新线索"}, {Value: "won", Label: "赢单"}}},
		{Key: "tags", Type: "multiselect", Label: "标签", Options: []form.Option{{Value: "a", Label: "甲"}, {Value: "b", Label: "乙"}}},
		{Key: "addr", Type: "address", Label: "地址"},
		{Key: "owner", Type: "user", Label: "负责人"},
		{Key: "items", Type: "subform", Label: "明细", Fields: []form.Field{
			{Key: "product", Type: "text", Label: "产品", Required: true},
			{Key: "price", Type: "number", Label: "单价"},
		}},
		{Key: "double", Type: "formula", Label: "双倍金额", Expression: "amount * 2"},
		{Key: "code", Type: "serial", Label: "编号", Serial: &form.Serial{Prefix: "L-", Width: 3}},
	}}
}

func leadInput(f *fixture, company string, n int) map[string]any {
	return map[string]any{
		"company": company, "notes": "第一行\n第二行, 含逗号 \"引号\"", "email": fmt.Sprintf("lead%d@example.com", n),
		"phone": "13800138000", "site": "https://example.com/a?b=1", "amount": -12.5 + float64(n), "budget": "1234.56",
		"rate": 0.155, "stars": 4, "vip": true, "met": "2024-03-01", "call": "2024-03-02T09:30:00+08:00",
		"stage": "won", "tags": []any{"a", "b"}, "addr": map[string]any{"province": "广东省", "city": "深圳市", "detail": "南山区 1 号"},
		"owner": f.member.UserID, "items": []any{map[string]any{"product": "CRM", "price": 100}},
	}
}

// importable are the keys an import round-trips.
var importable = []string{"company", "notes", "email", "phone", "site", "amount", "budget", "rate", "stars", "vip", "met", "call", "stage", "tags", "addr", "owner"}

func export(t *testing.T, f *fixture, formID string, q engine.RecordQuery, format engine.ExportFormat, lang string) []byte {
	t.Helper()
	x, err := f.e.PrepareExport(f.ctx, f.member, formID, q, format, lang)
	if err != nil {
		t.Fatalf("prepare export: %v", describe(err))
	}
	var buf bytes.Buffer
	if err := tabular.Write(f.ctx, &buf, x); err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes()
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV has no UTF-8 BOM: %q", b[:min(len(b), 20)])
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func countRecords(t *testing.T, f *fixture, formID string) int64 {
	t.Helper()
	p, err := f.e.QueryRecords(f.ctx, f.member, formID, engine.RecordQuery{Limit: 1, Total: true})
	if err != nil {
		t.Fatal(err)
	}
	return *p.Total
}

func TestExportImportRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		def := leadsForm()
		withLegacy := leadsForm()
		withLegacy.Fields = append(withLegacy.Fields, form.Field{Key: "legacy", Type: "text", Label: "旧来源"})
		src := f.publish(t, f.admin, withLegacy)
		in1 := leadInput(f, "=HYPERLINK(\"http://evil\")", 1)
		in1["legacy"] = "展会"
		var originals []engine.Record
		for i, in := range []map[string]any{in1, leadInput(f, "华为", 2)} {
			r, err := f.e.CreateRecord(f.ctx, f.member, src, in, engine.WriteOptions{})
			if err != nil {
				t.Fatalf("create %d: %v", i, describe(err))
			}
			originals = append(originals, r)
		}
		if err := f.republish(t, f.admin, src, def); err != nil {
			t.Fatal(describe(err))
		}

		csvFile := export(t, f, src, engine.RecordQuery{Sort: []store.SortKey{{Field: "amount"}}}, engine.FormatCSV, "zh-CN")
		recs := readCSV(t, csvFile)
		if len(recs) != 3 {
			t.Fatalf("CSV has %d rows: %q", len(recs), recs)
		}
		head := strings.Join(recs[0], "|")
		if !strings.HasPrefix(head, "公司|备注|邮箱") || !strings.Contains(head, "|旧来源（已归档）|数据 ID|提交时间|提交人|更新时间") {
			t.Errorf("header = %s", head)
		}
		if recs[1][0] != `'=HYPERLINK("http://evil")` || recs[2][0] != "华为" {
			t.Errorf("company cells = %q, %q: formula not guarded", recs[1][0], recs[2][0])
		}
		if got := recs[1][len(recs[1])-5]; got != "展会" {
			t.Errorf("archived cell = %q", got)
		}
		if recs[1][5] != "-11.5" {
			t.Errorf("a negative number is not guarded: %q", recs[1][5])
		}
		en := readCSV(t, export(t, f, src, engine.RecordQuery{}, engine.FormatCSV, "en"))
		if !strings.Contains(strings.Join(en[0], "|"), "旧来源 (archived)|Record ID|Created at") {
			t.Errorf("English header = %q", en[0])
		}

		xlsxFile := export(t, f, src, engine.RecordQuery{Sort: []store.SortKey{{Field: "amount"}}}, engine.FormatXLSX, "zh-CN")
		xf, err := excelize.OpenReader(bytes.NewReader(xlsxFile))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := xf.GetRows(xf.GetSheetName(0))
		if err != nil || len(rows) != 3 || rows[1][0] != `=HYPERLINK("http://evil")` {
			t.Fatalf("xlsx rows = %q, %v", rows, err)
		}
		if typ, _ := xf.GetCellType(xf.GetSheetName(0), "F2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("amount cell type = %v, want a number", typ)
		}
		if formula, _ := xf.GetCellFormula(xf.GetSheetName(0), "A2"); formula != "" {
			t.Errorf("a text cell became a formula: %q", formula)
		}

		// Into its own form, the archived column is recognised (and skipped).
		same, err := tabular.Import(f.ctx, f.e, f.member, src, bytes.NewReader(csvFile), engine.ImportOptions{DryRun: true})
		if err != nil {
			t.Fatal(describe(err))
		}
		for _, c := range same.Columns {
			if c.Header == "旧来源（已归档）" && c.Reason != "import_archived_column" {
				t.Errorf("archived column = %+v", c)
			}
		}
		if len(same.Errors) != 2 || same.Errors[0].Error.Code != "import_unique_exists" {
			t.Errorf("re-importing into the same form: %+v", same.Errors)
		}

		for _, tc := range []struct {
			name string
			file []byte
		}{{"csv", csvFile}, {"xlsx", xlsxFile}} {
			t.Run(tc.name, func(t *testing.T) {
				dst := f.publish(t, f.admin, def)
				dry, err := tabular.Import(f.ctx, f.e, f.member, dst, bytes.NewReader(tc.file), engine.ImportOptions{DryRun: true})
				if err != nil || len(dry.Errors) > 0 || dry.Rows != 2 || dry.Created != 0 {
					t.Fatalf("dry run: %+v %v", dry, describe(err))
				}
				if n := countRecords(t, f, dst); n != 0 {
					t.Fatalf("a dry run wrote %d records", n)
				}
				reasons := map[string]string{}
				for _, c := range dry.Columns {
					reasons[c.Header] = c.Reason
				}
				if reasons["双倍金额"] != "import_computed_column" || reasons["旧来源（已归档）"] != "import_unknown_column" ||
					reasons["数据 ID"] != "import_system_column" || reasons["公司"] != "" {
					t.Errorf("column reasons = %v", reasons)
				}
				rep, err := tabular.Import(f.ctx, f.e, f.member, dst, bytes.NewReader(tc.file), engine.ImportOptions{SkipAutomations: true})
				if err != nil || len(rep.Errors) > 0 || rep.Created != 2 {
					t.Fatalf("import: %+v %v", rep, describe(err))
				}
				page, err := f.e.QueryRecords(f.ctx, f.member, dst, engine.RecordQuery{Sort: []store.SortKey{{Field: "amount"}}})
				if err != nil || len(page.Items) != 2 {
					t.Fatalf("imported records: %v %v", page.Items, err)
				}
				for i, got := range page.Items {
					want := originals[i]
					for _, k := range importable {
						if !reflect.DeepEqual(got.Data[k], want.Data[k]) {
							t.Errorf("row %d %s = %#v, want %#v", i, k, got.Data[k], want.Data[k])
						}
					}
					gi, _ := got.Data["items"].([]any)
					wi, _ := want.Data["items"].([]any)
					if len(gi) != 1 || len(wi) != 1 || gi[0].(map[string]any)["product"] != "CRM" || gi[0].(map[string]any)["price"] != 100.0 {
						t.Errorf("items = %#v", got.Data["items"])
					}
					if got.Data["double"] != want.Data["double"] || got.Data["code"] == nil {
						t.Errorf("computed fields: double %v code %v", got.Data["double"], got.Data["code"])
					}
					if _, ok := got.Data["legacy"]; ok {
						t.Errorf("archived column imported")
					}
					h, err := f.e.History(f.ctx, f.member, dst, got.ID)
					if err != nil || len(h) != 1 || h[0].Source != "import" {
						t.Errorf("history = %+v %v", h, err)
					}
				}
				events, err := f.e.Store().ReadEvents(f.ctx, 0, 1000)
				if err != nil {
					t.Fatal(err)
				}
				off := 0
				for _, ev := range events {
					if ev.Type == "record.created" && ev.Collection != "" && ev.Payload["form"] == dst {
						if ev.Payload["source"] != "import" || ev.Payload["automations_off"] != true {
							t.Errorf("event payload = %v", ev.Payload)
						}
						off++
					}
				}
				if off != 2 {
					t.Errorf("%d record.created events for the import", off)
				}
			})
		}
	})
}

func TestImportAllOrNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, leadsForm())
		if _, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "旧", "email": "taken@example.com"}, engine.WriteOptions{}); err != nil {
			t.Fatal(describe(err))
		}
		file := "Company,金额,EMAIL,阶段,未知列\n" +
			"甲,1,a@example.com,新线索,x\n" +
			"\n" +
			"乙,abc,b@example.com,新线索,x\n" +
			",3,c@example.com,赢单,x\n" +
			"丁,4,a@example.com,赢单,x\n" +
			"戊,5,taken@example.com,赢单,x\n" +
			"己,6,f@example.com,不存在,x\n"
		rep, err := tabular.Import(f.ctx, f.e, f.member, formID, strings.NewReader(file), engine.ImportOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		got := map[string]bool{}
		for _, e := range rep.Errors {
			got[fmt.Sprintf("%d %s %s", e.Row, e.Column, e.Error.Code)] = true
		}
		for _, want := range []string{"4 金额 type", "5 Company required", "8 阶段 option", "6 EMAIL import_duplicate_value"} {
			if !got[want] {
				t.Errorf("missing error %q in %v", want, got)
			}
		}
		if !got["7 EMAIL import_unique_exists"] && !got["7 EMAIL unique"] {
			t.Errorf("existing unique value not reported: %v", got)
		}
		if rep.Created != 0 || countRecords(t, f, formID) != 1 {
			t.Fatalf("a failed import wrote records: %+v", rep)
		}
		if c := rep.Columns[4]; !c.Ignored || c.Reason != "import_unknown_column" {
			t.Errorf("unknown column = %+v", c)
		}
		msg := rep.Errors[0].Error.Message("zh-CN")
		if msg == "" || msg == rep.Errors[0].Error.Code {
			t.Errorf("message not localized: %q", msg)
		}

		fixed := "公司,金额,邮箱\n甲,1,a@example.com\n乙,2,b@example.com\n"
		rep, err = tabular.Import(f.ctx, f.e, f.member, formID, strings.NewReader(fixed), engine.ImportOptions{})
		if err != nil || rep.Created != 2 || countRecords(t, f, formID) != 3 {
			t.Fatalf("fixed file: %+v %v", rep, describe(err))
		}
	})
}

func TestImportFileProblems(t *testing.T) {
	f := newFixture(t)
	formID := f.publish(t, f.admin, leadsForm())
	many := &strings.Builder{}
	many.WriteString("公司\n")
	for i := range engine.MaxImportRows + 1 {
		fmt.Fprintf(many, "c%d\n", i)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("公司,金额\n华为,1\n")
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name string
		file string
		code string
	}{
		{"empty", "", "import_empty"},
		{"binary", "\x00\x01\x02garbage\x00", "import_format"},
		{"broken zip", "PK\x03\x04 this is not a zip", "import_broken"},
		{"old excel", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", "import_xls"},
		{"header only", "公司,金额\n", "import_no_rows"},
		{"no known column", "foo,bar\n1,2\n", "import_no_columns"},
		{"same field twice", "公司,company\n甲,乙\n", "import_duplicate_column"},
		{"bad quotes", "公司,金额\n\"甲,1\n乙\"x,2\n", "import_csv_syntax"},
		{"too many rows", many.String(), "import_too_many_rows"},
		{"too large", "公司\n" + strings.Repeat("x", engine.MaxImportBytes), "import_too_large"},
		{"too many columns", strings.Repeat("a,", engine.MaxImportColumns) + "公司\n1\n", "import_too_many_columns"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tabular.Import(f.ctx, f.e, f.member, formID, strings.NewReader(tc.file), engine.ImportOptions{})
			if got := fieldErrors(t, err); got["file"] != tc.code {
				t.Errorf("errors = %v, want file: %s", got, tc.code)
			}
		})
	}
	rep, err := tabular.Import(f.ctx, f.e, f.member, formID, strings.NewReader(gbk), engine.ImportOptions{})
	if err != nil || rep.Created != 1 {
		t.Fatalf("GBK CSV: %+v %v", rep, describe(err))
	}
	semi := "\uFEFF公司;金额\n\"华;为\";2\n"
	rep, err = tabular.Import(f.ctx, f.e, f.member, formID, strings.NewReader(semi), engine.ImportOptions{})
	if err != nil || rep.Created != 1 {
		t.Fatalf("semicolon CSV: %+v %v", rep, describe(err))
	}
	if _, err := f.e.PrepareExport(f.ctx, f.member, formID, engine.RecordQuery{}, "pdf", "en"); fieldErrors(t, err)["format"] != "export_format" {
		t.Errorf("export pdf: %v", err)
	}
	filter := store.Where("nope", store.OpEq, 1)
	if _, err := f.e.PrepareExport(f.ctx, f.member, formID, engine.RecordQuery{Filter: &filter}, engine.FormatCSV, "en"); !errors.Is(err, engine.ErrInvalid) {
		var ve *engine.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("export with a bad filter: %v", err)
		}
	}
}

// TestImportXLSXDates reads dates typed into Excel, which it stores as
// serial numbers, and names rows as the sheet shows them.
func TestImportXLSXDates(t *testing.T) {
	f := newFixture(t)
	formID := f.publish(t, f.admin, leadsForm())
	x := excelize.NewFile()
	sh := x.GetSheetName(0)
	_ = x.SetSheetRow(sh, "A1", &[]any{"公司", "首次接触", "金额"})
	_ = x.SetSheetRow(sh, "A2", &[]any{"甲", 45352, 1})
	_ = x.SetSheetRow(sh, "A4", &[]any{"乙", 45353, "abc"})
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	rep, err := tabular.Import(f.ctx, f.e, f.member, formID, bytes.NewReader(buf.Bytes()), engine.ImportOptions{})
	if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Row != 4 || rep.Errors[0].Column != "金额" {
		t.Fatalf("report: %+v %v", rep, describe(err))
	}
	_ = x.SetCellValue(sh, "C4", 2)
	buf.Reset()
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	rep, err = tabular.Import(f.ctx, f.e, f.member, formID, bytes.NewReader(buf.Bytes()), engine.ImportOptions{})
	if err != nil || rep.Created != 2 {
		t.Fatalf("report: %+v %v", rep, describe(err))
	}
	r, err := f.e.Record(f.ctx, f.member, formID, rep.IDs[0])
	if err != nil || r.Data["met"] != "2024-03-01" {
		t.Errorf("date from an Excel serial = %v %v", r.Data["met"], err)
	}
}

func TestExportRowLimitAndRecycleBin(t *testing.T) {
	f := newFixture(t)
	formID := f.publish(t, f.admin, leadsForm())
	r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "删"}, engine.WriteOptions{})
	if err != nil {
		t.Fatal(describe(err))
	}
	if _, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "留"}, engine.WriteOptions{}); err != nil {
		t.Fatal(describe(err))
	}
	if err := f.e.DeleteRecord(f.ctx, f.member, formID, r.ID, 0); err != nil {
		t.Fatal(err)
	}
	bin := readCSV(t, export(t, f, formID, engine.RecordQuery{Deleted: store.OnlyDeleted}, engine.FormatCSV, "zh-CN"))
	if len(bin) != 2 || bin[1][0] != "删" {
		t.Errorf("recycle bin export = %q", bin)
	}
	// Many pages: more records than one store read.
	var csvIn strings.Builder
	csvIn.WriteString("公司\n")
	for i := range 1200 {
		fmt.Fprintf(&csvIn, "c%04d\n", i)
	}
	if rep, err := tabular.Import(f.ctx, f.e, f.member, formID, strings.NewReader(csvIn.String()), engine.ImportOptions{}); err != nil || rep.Created != 1200 {
		t.Fatalf("import: %v", describe(err))
	}
	all := readCSV(t, export(t, f, formID, engine.RecordQuery{Sort: []store.SortKey{{Field: "company"}}}, engine.FormatCSV, "zh-CN"))
	if len(all) != 1202 || all[1][0] != "c0000" || all[1200][0] != "c1199" {
		t.Errorf("paged export: %d rows, first %q", len(all), all[1][0])
	}
}
