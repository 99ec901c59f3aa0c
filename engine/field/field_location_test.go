package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestLocationNormalize(t *testing.T) {
	runNormalize(t, "location", []normCase{
		{name: "point", raw: map[string]any{"lat": 22.54, "lng": 113.95}, want: map[string]any{"lat": 22.54, "lng": 113.95}},
		{name: "with text", raw: map[string]any{"lat": jsonNum("39.9"), "lng": jsonNum("116.4"), "text": " 天安门 "}, want: map[string]any{"lat": 39.9, "lng": 116.4, "text": "天安门"}},
		{name: "empty", raw: map[string]any{}, want: nil},
		{name: "missing lng", raw: map[string]any{"lat": 1.0}, code: CodeLocation},
		{name: "text only", raw: map[string]any{"text": "x"}, code: CodeLocation},
		{name: "lat range", raw: map[string]any{"lat": 90.5, "lng": 0.0}, code: CodeLatitude, path: "f.lat"},
		{name: "lng range", raw: map[string]any{"lat": 0.0, "lng": -181.0}, code: CodeLongitude, path: "f.lng"},
		{name: "string coordinate", raw: map[string]any{"lat": "1", "lng": 0.0}, code: CodeType, path: "f.lat"},
		{name: "unknown key", raw: map[string]any{"lat": 0.0, "lng": 0.0, "alt": 1.0}, code: CodeUnknownField, path: "f.alt"},
		{name: "list", raw: []any{1.0, 2.0}, code: CodeType},
	})
}

func TestLocationFormatCells(t *testing.T) {
	if got := format("location", form.Field{}, map[string]any{"lat": 1.5, "lng": 2.0}, "en"); got != "1.5, 2" {
		t.Errorf("Format = %q", got)
	}
	if got := format("location", form.Field{}, map[string]any{"lat": 1.5, "lng": 2.0, "text": "HQ"}, "en"); got != "HQ" {
		t.Errorf("Format = %q", got)
	}
	roundTrip(t, "location", form.Field{}, map[string]any{"lat": 22.54, "lng": 113.95, "text": "深圳"})
	runFromCell(t, "location", []cellCase{
		{name: "pair", cell: "22.5, 113.9", want: map[string]any{"lat": 22.5, "lng": 113.9}},
		{name: "one number", cell: "22.5", code: CodeLocation},
		{name: "words", cell: "a, b", code: CodeType},
	})
}
