package field

import (
	"testing"
	"time"

	"github.com/formloom/formloom/engine/form"
)

func TestDateNormalize(t *testing.T) {
	runNormalize(t, "date", []normCase{
		{name: "plain", raw: "2024-03-05", want: "2024-03-05"},
		{name: "leap day", raw: "2024-02-29", want: "2024-02-29"},
		{name: "RFC 3339 in workspace zone", raw: "2024-03-04T20:00:00Z", want: "2024-03-05"},
		{name: "RFC 3339 same day", raw: "2024-03-05T10:00:00+08:00", want: "2024-03-05"},
		{name: "time.Time", raw: time.Date(2024, 3, 4, 17, 0, 0, 0, time.UTC), want: "2024-03-05"},
		{name: "empty", raw: "", want: nil},
		{name: "not a leap year", raw: "2023-02-29", code: CodeDate},
		{name: "no padding refused", raw: "2024-3-5", code: CodeDate},
		{name: "slashes refused", raw: "2024/03/05", code: CodeDate},
		{name: "words", raw: "tomorrow", code: CodeDate},
		{name: "year zero", raw: "0000-01-01", code: CodeDate},
		{name: "number", raw: 20240305.0, code: CodeType},
	})
}

func TestDateExprFormatCells(t *testing.T) {
	typ, _ := Get("date")
	got := typ.ExprValue(testCtx(), &form.Field{}, "2024-03-05")
	if want := time.Date(2024, 3, 5, 0, 0, 0, 0, shanghai); !got.(time.Time).Equal(want) || got.(time.Time).Location() != shanghai {
		t.Errorf("ExprValue = %v, want %v", got, want)
	}
	if typ.ExprValue(testCtx(), &form.Field{}, nil) != nil {
		t.Errorf("ExprValue(nil) not nil")
	}
	if got := format("date", form.Field{}, "2024-03-05", "zh-CN"); got != "2024-03-05" {
		t.Errorf("Format = %q", got)
	}
	roundTrip(t, "date", form.Field{}, "2024-03-05")
	runFromCell(t, "date", []cellCase{
		{name: "slashes", cell: "2024/3/5", want: "2024-03-05"},
		{name: "unpadded", cell: "2024-3-5", want: "2024-03-05"},
		{name: "dots", cell: "2024.03.05", want: "2024-03-05"},
		{name: "chinese", cell: "2024年3月5日", want: "2024-03-05"},
		{name: "bad", cell: "5 March", code: CodeDate},
	})
}
