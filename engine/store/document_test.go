package store_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func TestNormalizeData(t *testing.T) {
	when := time.Date(2026, 11, 29, 8, 0, 0, 123456789, time.FixedZone("CST", 8*3600))
	in := map[string]any{
		"i": 1, "i8": int8(-2), "i16": int16(3), "i32": int32(4), "i64": int64(5),
		"u": uint(6), "u8": uint8(7), "u16": uint16(8), "u32": uint32(9), "u64": uint64(10),
		"f32": float32(0.5), "f": 1.25, "num": json.Number("12.5"),
		"b": true, "nil": nil, "s": "Straße 北京",
		"when": when,
		"strs": []string{"a"}, "floats": []float64{1.5},
		"list": []any{1, map[string]any{"k": int64(2)}, []any{"x"}},
		"obj":  map[string]any{"inner": map[string]any{"deep": 3}},
	}
	want := map[string]any{
		"i": 1.0, "i8": -2.0, "i16": 3.0, "i32": 4.0, "i64": 5.0,
		"u": 6.0, "u8": 7.0, "u16": 8.0, "u32": 9.0, "u64": 10.0,
		"f32": 0.5, "f": 1.25, "num": 12.5,
		"b": true, "nil": nil, "s": "Straße 北京",
		"when": "2026-11-29T00:00:00.123456Z",
		"strs": []any{"a"}, "floats": []any{1.5},
		"list": []any{1.0, map[string]any{"k": 2.0}, []any{"x"}},
		"obj":  map[string]any{"inner": map[string]any{"deep": 3.0}},
	}
	got, err := store.NormalizeData(in)
	if err != nil {
		t.Fatalf("NormalizeData: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NormalizeData =\n%#v\nwant\n%#v", got, want)
	}
	got["obj"].(map[string]any)["inner"].(map[string]any)["deep"] = "changed"
	if in["obj"].(map[string]any)["inner"].(map[string]any)["deep"] != 3 {
		t.Errorf("NormalizeData shares nested maps with its input")
	}
	if empty, err := store.NormalizeData(nil); err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("NormalizeData(nil) = %#v, %v, want an empty map", empty, err)
	}
}

func TestNormalizeDataRefuses(t *testing.T) {
	deep := map[string]any{"v": 1}
	for range 40 {
		deep = map[string]any{"a": deep}
	}
	tests := []struct {
		name string
		in   map[string]any
		key  string
	}{
		{"upper case key", map[string]any{"Name": 1}, "Name"},
		{"dollar key", map[string]any{"$set": 1}, "$set"},
		{"dotted key", map[string]any{"a.b": 1}, "a.b"},
		{"system key", map[string]any{"_id": "x"}, "_id"},
		{"nested dotted key", map[string]any{"a": map[string]any{"b.c": 1}}, "a.b.c"},
		{"bad key in list", map[string]any{"rows": []any{map[string]any{"$x": 1}}}, "$x"},
		{"NaN", map[string]any{"n": math.NaN()}, "n"},
		{"infinity", map[string]any{"n": math.Inf(1)}, "n"},
		{"float32 infinity", map[string]any{"n": float32(math.Inf(-1))}, "n"},
		{"bad json number", map[string]any{"n": json.Number("x")}, "n"},
		{"channel", map[string]any{"c": make(chan int)}, "c"},
		{"struct", map[string]any{"s": struct{ A int }{1}}, "s"},
		{"int slice", map[string]any{"s": []int{1}}, "s"},
		{"too deep", deep, "deeper"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := store.NormalizeData(tc.in)
			if !errors.Is(err, store.ErrInvalidInput) {
				t.Fatalf("error = %v, want ErrInvalidInput", err)
			}
			if !strings.Contains(err.Error(), tc.key) {
				t.Errorf("error %q does not name %q", err, tc.key)
			}
		})
	}
}

func TestNormalizeValueAllowsAnyKeys(t *testing.T) {
	v, err := store.NormalizeValue(map[string]any{"Any Key": 1})
	if err != nil || !reflect.DeepEqual(v, map[string]any{"Any Key": 1.0}) {
		t.Errorf("NormalizeValue = %#v, %v", v, err)
	}
}

func TestValidateID(t *testing.T) {
	for _, id := range []string{"a", "rec-1", "01jd8x", "A_B.c:d~", strings.Repeat("x", store.MaxIDLength)} {
		if err := store.ValidateID(id); err != nil {
			t.Errorf("ValidateID(%q) = %v", id, err)
		}
	}
	for _, id := range []string{"", " ", "a b", "a\x00", "é", "a\n", "\x7f", strings.Repeat("x", store.MaxIDLength+1)} {
		if err := store.ValidateID(id); !errors.Is(err, store.ErrInvalidInput) {
			t.Errorf("ValidateID(%q) = %v, want ErrInvalidInput", id, err)
		}
	}
}

func TestTimeFormat(t *testing.T) {
	a := time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("X", -5*3600))
	s := store.FormatTime(a)
	if s != "2026-01-02T08:04:05.000006Z" {
		t.Errorf("FormatTime = %q", s)
	}
	back, err := store.ParseTime(s)
	if err != nil || !back.Equal(a.Truncate(time.Microsecond)) || back.Location() != time.UTC {
		t.Errorf("ParseTime(%q) = %v, %v", s, back, err)
	}
	if _, err := store.ParseTime("2026-01-02"); !errors.Is(err, store.ErrInvalidInput) {
		t.Errorf("ParseTime of a date: %v, want ErrInvalidInput", err)
	}
	// Text order is time order.
	b := a.Add(time.Microsecond)
	c := a.Add(10 * time.Hour)
	if !(store.FormatTime(a) < store.FormatTime(b) && store.FormatTime(b) < store.FormatTime(c)) {
		t.Errorf("TimeLayout strings do not sort in time order")
	}
}
