package field

import (
	"testing"
	"time"

	"github.com/formloom/formloom/engine/form"
)

func TestDatetimeNormalize(t *testing.T) {
	runNormalize(t, "datetime", []normCase{
		{name: "RFC 3339 UTC", raw: "2024-03-05T06:30:00Z", want: "2024-03-05T06:30:00.000000Z"},
		{name: "RFC 3339 offset", raw: "2024-03-05T14:30:00+08:00", want: "2024-03-05T06:30:00.000000Z"},
		{name: "fraction truncated to microseconds", raw: "2024-03-05T06:30:00.1234567Z", want: "2024-03-05T06:30:00.123456Z"},
		{name: "local minutes", raw: "2024-03-05 14:30", want: "2024-03-05T06:30:00.000000Z"},
		{name: "local seconds", raw: "2024-03-05 14:30:15", want: "2024-03-05T06:30:15.000000Z"},
		{name: "local T", raw: "2024-03-05T14:30", want: "2024-03-05T06:30:00.000000Z"},
		{name: "time.Time", raw: time.Date(2024, 3, 5, 6, 30, 0, 0, time.UTC), want: "2024-03-05T06:30:00.000000Z"},
		{name: "empty", raw: " ", want: nil},
		{name: "date only refused", raw: "2024-03-05", code: CodeDateTime},
		{name: "bad hour", raw: "2024-03-05 25:00", code: CodeDateTime},
		{name: "before year 1", raw: "0001-01-01T00:00:00+01:00", code: CodeDateTime},
		{name: "number", raw: 1.7e9, code: CodeType},
	})
}

func TestDatetimeExprFormatCells(t *testing.T) {
	typ, _ := Get("datetime")
	got := typ.ExprValue(testCtx(), &form.Field{}, "2024-03-05T06:30:00.000000Z").(time.Time)
	if got.Location() != shanghai || got.Hour() != 14 {
		t.Errorf("ExprValue = %v", got)
	}
	if got := format("datetime", form.Field{}, "2024-03-05T06:30:00.000000Z", "en"); got != "2024-03-05 14:30" {
		t.Errorf("Format = %q", got)
	}
	roundTrip(t, "datetime", form.Field{}, "2024-03-05T06:30:00.000000Z")
	roundTrip(t, "datetime", form.Field{}, "2024-03-05T06:30:00.250000Z")
	runFromCell(t, "datetime", []cellCase{
		{name: "slashes", cell: "2024/3/5 14:30", want: "2024-03-05T06:30:00.000000Z"},
		{name: "date only is local midnight", cell: "2024-03-05", want: "2024-03-04T16:00:00.000000Z"},
		{name: "bad", cell: "later", code: CodeDateTime},
	})
}
