package field

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/form"
)

// shanghai is the workspace zone of the tests (fixed, so no tzdata is needed).
var shanghai = time.FixedZone("CST", 8*3600)

// testCtx is a context with a deterministic row id generator.
func testCtx() Context {
	n := 0
	return Context{
		Location: shanghai,
		Now:      time.Date(2024, 3, 5, 14, 30, 0, 0, shanghai),
		NewID:    func() string { n++; return "row" + strconv.Itoa(n) },
	}
}

func ptr[T any](v T) *T { return &v }

// normCase is one Normalize scenario: want is the stored value, or code
// (and optionally path) the first expected problem.
type normCase struct {
	name string
	f    form.Field
	raw  any
	want any
	code string
	path string
}

func runNormalize(t *testing.T, typeName string, scenarios []normCase) {
	t.Helper()
	typ, ok := Get(typeName)
	if !ok {
		t.Fatalf("type %q not registered", typeName)
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			f := s.f
			f.Type = typeName
			if f.Key == "" {
				f.Key = "f"
			}
			got, errs := typ.Normalize(testCtx(), &f, "f", s.raw)
			if s.code != "" {
				if len(errs) == 0 {
					t.Fatalf("Normalize(%#v) = %#v, want error %q", s.raw, got, s.code)
				}
				if errs[0].Code != s.code {
					t.Fatalf("Normalize(%#v) error = %v, want code %q", s.raw, errs, s.code)
				}
				wantPath := s.path
				if wantPath == "" {
					wantPath = "f"
				}
				if errs[0].Path != wantPath {
					t.Errorf("error path = %q, want %q", errs[0].Path, wantPath)
				}
				if got != nil {
					t.Errorf("value %#v returned with errors", got)
				}
				return
			}
			if errs != nil {
				t.Fatalf("Normalize(%#v) errors: %v", s.raw, errs)
			}
			if !reflect.DeepEqual(got, s.want) {
				t.Fatalf("Normalize(%#v) = %#v (%T), want %#v (%T)", s.raw, got, got, s.want, s.want)
			}
			if got != nil {
				again, errs := typ.Normalize(testCtx(), &f, "f", got)
				if errs != nil || !reflect.DeepEqual(again, got) {
					t.Errorf("not idempotent: Normalize(%#v) = %#v, %v", got, again, errs)
				}
			}
		})
	}
}

// designCase is one CheckDesign scenario: codes lists "path:code" of every
// expected problem, in order (none for a valid design).
type designCase struct {
	name  string
	f     form.Field
	codes []string
}

func runDesign(t *testing.T, typeName string, scenarios []designCase) {
	t.Helper()
	typ, _ := Get(typeName)
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			f := s.f
			f.Type = typeName
			var got []string
			for _, e := range typ.CheckDesign(&f) {
				got = append(got, e.Path+":"+e.Code)
			}
			if !reflect.DeepEqual(got, s.codes) {
				t.Errorf("CheckDesign = %v, want %v", got, s.codes)
			}
		})
	}
}

// cellCase is one FromCell scenario.
type cellCase struct {
	name string
	f    form.Field
	cell string
	want any
	code string
}

func runFromCell(t *testing.T, typeName string, scenarios []cellCase) {
	t.Helper()
	typ, _ := Get(typeName)
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			f := s.f
			f.Type = typeName
			f.Key = "f"
			got, errs := typ.FromCell(testCtx(), &f, "f", s.cell)
			if s.code != "" {
				if len(errs) == 0 || errs[0].Code != s.code {
					t.Fatalf("FromCell(%q) = %#v, %v; want code %q", s.cell, got, errs, s.code)
				}
				return
			}
			if errs != nil || !reflect.DeepEqual(got, s.want) {
				t.Fatalf("FromCell(%q) = %#v, %v; want %#v", s.cell, got, errs, s.want)
			}
		})
	}
}

// roundTrip checks ToCell then FromCell gives the stored value back.
func roundTrip(t *testing.T, typeName string, f form.Field, stored any) {
	t.Helper()
	typ, _ := Get(typeName)
	f.Type = typeName
	f.Key = "f"
	cell := typ.ToCell(testCtx(), &f, stored)
	got, errs := typ.FromCell(testCtx(), &f, "f", cell)
	if errs != nil || !reflect.DeepEqual(got, stored) {
		t.Errorf("%s round trip of %#v via %q = %#v, %v", typeName, stored, cell, got, errs)
	}
}

// format renders stored with the type's Format.
func format(typeName string, f form.Field, stored any, lang string) string {
	typ, _ := Get(typeName)
	f.Type = typeName
	return typ.Format(testCtx(), &f, stored, lang)
}

func jsonNum(s string) json.Number { return json.Number(s) }
