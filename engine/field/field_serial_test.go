package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestSerialDesign(t *testing.T) {
	runDesign(t, "serial", []designCase{
		{name: "nil is defaults", f: form.Field{}},
		{name: "valid", f: form.Field{Serial: &form.Serial{Prefix: "HT", DatePart: "YYYYMMDD", Width: 4, Reset: "day"}}},
		{name: "bad date part", f: form.Field{Serial: &form.Serial{DatePart: "YYMMDD"}}, codes: []string{"serial.datePart:serial_date_part"}},
		{name: "bad width", f: form.Field{Serial: &form.Serial{Width: 13}}, codes: []string{"serial.width:range"}},
		{name: "bad reset", f: form.Field{Serial: &form.Serial{Reset: "week"}}, codes: []string{"serial.reset:serial_reset"}},
		{name: "reset needs date part", f: form.Field{Serial: &form.Serial{DatePart: "YYYY", Reset: "month"}}, codes: []string{"serial.reset:serial_reset_date"}},
		{name: "prefix with newline", f: form.Field{Serial: &form.Serial{Prefix: "a\nb"}}, codes: []string{"serial.prefix:single_line"}},
		{name: "prefix too long", f: form.Field{Serial: &form.Serial{Prefix: "一二三四五六七八九十一二三四五六七八九十一"}}, codes: []string{"serial.prefix:max_length"}},
	})
}

func TestSerialValueAndPeriod(t *testing.T) {
	ctx := testCtx() // 2024-03-05 14:30 in Shanghai
	scenarios := []struct {
		s      *form.Serial
		n      int64
		want   string
		period string
	}{
		{nil, 7, "0007", ""},
		{&form.Serial{Prefix: "HT", DatePart: "YYYYMMDD", Width: 4, Reset: "day"}, 12, "HT202403050012", "20240305"},
		{&form.Serial{Prefix: "SO-", DatePart: "YYYYMM", Width: 3, Reset: "month"}, 1234, "SO-2024031234", "202403"},
		{&form.Serial{DatePart: "YYYY", Reset: "year"}, 5, "20240005", "2024"},
		{&form.Serial{Prefix: "L", Reset: "never"}, 5, "L0005", ""},
	}
	for _, s := range scenarios {
		f := &form.Field{Type: "serial", Serial: s.s}
		if got := SerialValue(ctx, f, s.n); got != s.want {
			t.Errorf("SerialValue(%+v, %d) = %q, want %q", s.s, s.n, got, s.want)
		}
		if got := SerialPeriod(ctx, f); got != s.period {
			t.Errorf("SerialPeriod(%+v) = %q, want %q", s.s, got, s.period)
		}
	}
}
