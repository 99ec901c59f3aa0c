package field

import (
	"encoding/json"
	"testing"

	"github.com/formloom/formloom/engine/form"
)

// crmFields is a 20-field opportunity form, one of most kinds.
var crmFields = []form.Field{
	{Key: "name", Type: "text", Label: "商机名称", MaxLength: ptr(100)},
	{Key: "company", Type: "text", Label: "公司"},
	{Key: "code", Type: "text", Label: "统一社会信用代码", Pattern: `[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}`},
	{Key: "phone", Type: "phone", Label: "电话"},
	{Key: "email", Type: "email", Label: "邮箱"},
	{Key: "website", Type: "url", Label: "网站"},
	{Key: "stage", Type: "select", Label: "阶段", Options: stageOptions},
	{Key: "tags", Type: "multiselect", Label: "标签", Options: tagOptions},
	{Key: "amount", Type: "money", Label: "金额", Min: ptr(0.0)},
	{Key: "probability", Type: "percent", Label: "赢率", Min: ptr(0.0), Max: ptr(1.0)},
	{Key: "rating", Type: "rating", Label: "客户价值"},
	{Key: "close_date", Type: "date", Label: "预计成交日期"},
	{Key: "next_follow_up", Type: "datetime", Label: "下次跟进"},
	{Key: "owner", Type: "user", Label: "负责人"},
	{Key: "team", Type: "users", Label: "协作人"},
	{Key: "department", Type: "department", Label: "部门"},
	{Key: "customer", Type: "relation", Label: "客户", Form: "customers"},
	{Key: "key_account", Type: "boolean", Label: "重点客户"},
	{Key: "address", Type: "address", Label: "地址"},
	{Key: "notes", Type: "textarea", Label: "备注"},
}

const crmRecord = `{
 "name": "华东区 ERP 升级项目", "company": "杭州某某科技有限公司", "code": "91330100MA2XXXXX0X",
 "phone": "+86 138-1234-5678", "email": "Li.Lei@Example.com", "website": "https://example.com",
 "stage": "proposal", "tags": ["risk", "hot"], "amount": "1280000.00", "probability": "60%",
 "rating": 4, "close_date": "2024-06-30", "next_follow_up": "2024-03-08 10:00",
 "owner": "u_1001", "team": ["u_1002", "u_1003"], "department": "d_sales_east", "customer": "c_88",
 "key_account": true, "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"},
 "notes": "客户关注实施周期\n需要技术交流"
}`

// normalizeRecord runs every field of the record through its type.
func normalizeRecord(ctx Context, fields []form.Field, in map[string]any) (map[string]any, []Error) {
	out := make(map[string]any, len(fields))
	var errs []Error
	for i := range fields {
		f := &fields[i]
		typ, _ := Get(f.Type)
		v, e := typ.Normalize(ctx, f, f.Key, in[f.Key])
		errs = append(errs, e...)
		if v != nil {
			out[f.Key] = v
		}
	}
	return out, errs
}

func decodeRecord(tb testing.TB) map[string]any {
	var in map[string]any
	if err := json.Unmarshal([]byte(crmRecord), &in); err != nil {
		tb.Fatal(err)
	}
	return in
}

func TestCRMRecord(t *testing.T) {
	ctx := testCtx()
	out, errs := normalizeRecord(ctx, crmFields, decodeRecord(t))
	if errs != nil {
		t.Fatalf("errors: %v", errs)
	}
	checks := map[string]any{
		"phone": "13812345678", "email": "li.lei@example.com", "probability": 0.6,
		"next_follow_up": "2024-03-08T02:00:00.000000Z", "code": "91330100MA2XXXXX0X",
	}
	for k, want := range checks {
		if out[k] != want {
			t.Errorf("%s = %#v, want %#v", k, out[k], want)
		}
	}
	if len(out) != 20 {
		t.Errorf("%d fields stored, want 20", len(out))
	}
}

// BenchmarkNormalizeCRMRecord measures the per-field normalization of a
// 20-field record (the pipeline's JSON Schema pass is not included).
func BenchmarkNormalizeCRMRecord(b *testing.B) {
	in := decodeRecord(b)
	ctx := testCtx()
	ctx.Patterns = NewPatternCache()
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := normalizeRecord(ctx, crmFields, in); errs != nil {
			b.Fatal(errs)
		}
	}
}

// BenchmarkNormalizeByField splits the CRM record figure by field.
func BenchmarkNormalizeByField(b *testing.B) {
	in := decodeRecord(b)
	ctx := testCtx()
	ctx.Patterns = NewPatternCache()
	for i := range crmFields {
		f := &crmFields[i]
		typ, _ := Get(f.Type)
		b.Run(f.Key, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, errs := typ.Normalize(ctx, f, f.Key, in[f.Key]); errs != nil {
					b.Fatal(errs)
				}
			}
		})
	}
}
