package field

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// FuzzNormalize sends arbitrary JSON through every type's Normalize (and
// the raw bytes through FromCell): nothing may panic, and every accepted
// value must be storable and normalize to itself.
func FuzzNormalize(f *testing.F) {
	for _, seed := range []string{
		`null`, `""`, `"x"`, `12.5`, `-0`, `1e400`, `true`, `[]`, `{}`, `["a","a"]`,
		`{"amount":"1.005","currency":"CNY"}`, `"2024-02-30"`, `"+86 138 1234 5678"`,
		`[{"id":"r1","qty":2,"price":"9.9"}]`, `[{"id":"f","name":"a.png","size":1,"content_type":"image/png"}]`,
		`{"lat":91,"lng":0}`, `"<p onclick=x>hi</p>"`, `"15%"`, `{"province":"浙江省"}`,
	} {
		f.Add([]byte(seed))
	}
	ctx := testCtx()
	f.Fuzz(func(t *testing.T, data []byte) {
		var raws []any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var withNumbers any
		if dec.Decode(&withNumbers) == nil {
			raws = append(raws, withNumbers)
		}
		var plain any
		if json.Unmarshal(data, &plain) == nil {
			raws = append(raws, plain)
		}
		for _, name := range allTypes {
			typ, _ := Get(name)
			fd := sampleField(name)
			for _, raw := range raws {
				v, errs := typ.Normalize(ctx, &fd, "f", raw)
				checkAccepted(t, typ, name, v, errs, raw)
			}
			v, errs := typ.FromCell(ctx, &fd, "f", string(data))
			checkAccepted(t, typ, name, v, errs, string(data))
		}
	})
}

func checkAccepted(t *testing.T, typ Type, name string, v any, errs []Error, raw any) {
	t.Helper()
	if errs != nil {
		if v != nil {
			t.Fatalf("%s: value %#v returned with errors %v", name, v, errs)
		}
		for _, e := range errs {
			if e.Code == "" {
				t.Fatalf("%s: error without code: %#v", name, e)
			}
		}
		return
	}
	if v == nil {
		return
	}
	if _, err := store.NormalizeData(map[string]any{"f": v}); err != nil {
		t.Fatalf("%s: accepted %#v from %#v, not storable: %v", name, v, raw, err)
	}
	ctx := testCtx()
	fd := sampleField(name)
	again, errs := typ.Normalize(ctx, &fd, "f", v)
	if errs != nil || !reflect.DeepEqual(again, v) {
		t.Fatalf("%s: not idempotent: %#v -> %#v, %v (from %#v)", name, v, again, errs, raw)
	}
	_ = typ.Format(ctx, &fd, v, "zh-CN")
	_ = typ.Format(ctx, &fd, v, "en")
	_ = typ.ExprValue(ctx, &fd, v)
	cell := typ.ToCell(ctx, &fd, v)
	if back, errs := typ.FromCell(ctx, &fd, "f", cell); errs != nil || !reflect.DeepEqual(back, v) {
		t.Fatalf("%s: cell round trip %#v -> %q -> %#v, %v", name, v, cell, back, errs)
	}
}
