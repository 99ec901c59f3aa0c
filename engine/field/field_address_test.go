package field

import (
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestAddressNormalize(t *testing.T) {
	full := map[string]any{"province": "广东省", "city": "深圳市", "district": "南山区", "detail": "科技园路 1 号"}
	runNormalize(t, "address", []normCase{
		{name: "full", raw: full, want: full},
		{name: "trimmed, empties dropped", raw: map[string]any{"province": " 北京市 ", "city": "", "detail": nil}, want: map[string]any{"province": "北京市"}},
		{name: "all empty", raw: map[string]any{"city": " "}, want: nil},
		{name: "empty object", raw: map[string]any{}, want: nil},
		{name: "unknown key", raw: map[string]any{"street": "x"}, code: CodeUnknownField, path: "f.street"},
		{name: "not a string", raw: map[string]any{"city": 1.0}, code: CodeType, path: "f.city"},
		{name: "too long region", raw: map[string]any{"city": strings.Repeat("市", 65)}, code: CodeMaxLength, path: "f.city"},
		{name: "too long detail", raw: map[string]any{"detail": strings.Repeat("a", 201)}, code: CodeMaxLength, path: "f.detail"},
		{name: "newline", raw: map[string]any{"detail": "a\nb"}, code: CodeSingleLine, path: "f.detail"},
		{name: "string refused", raw: "北京", code: CodeType},
	})
}

func TestAddressFormatCellsExpr(t *testing.T) {
	v := map[string]any{"province": "广东省", "city": "深圳市", "district": "南山区", "detail": "科技园路 1 号"}
	if got := format("address", form.Field{}, v, "zh-CN"); got != "广东省深圳市南山区 科技园路 1 号" {
		t.Errorf("Format zh = %q", got)
	}
	if got := format("address", form.Field{}, v, "en"); got != "科技园路 1 号, 南山区, 深圳市, 广东省" {
		t.Errorf("Format en = %q", got)
	}
	roundTrip(t, "address", form.Field{}, v)
	roundTrip(t, "address", form.Field{}, map[string]any{"city": "上海市", "detail": "a/b 路"})
	runFromCell(t, "address", []cellCase{
		{name: "plain line is detail", cell: "人民路 8 号", want: map[string]any{"detail": "人民路 8 号"}},
		{name: "json", cell: `{"city":"杭州市"}`, want: map[string]any{"city": "杭州市"}},
		{name: "bad json", cell: `{"city":`, code: CodeType},
	})
	typ, _ := Get("address")
	ev := typ.ExprValue(testCtx(), &form.Field{}, map[string]any{"city": "杭州市"}).(map[string]any)
	if ev["city"] != "杭州市" || ev["province"] != "" {
		t.Errorf("ExprValue = %v", ev)
	}
}
