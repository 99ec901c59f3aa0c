package store_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

func TestSplitPath(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"name", []string{"name"}},
		{"customer.address.city", []string{"customer", "address", "city"}},
		{"a1_b", []string{"a1_b"}},
		{"a.b.c.d.e.f.g.h", []string{"a", "b", "c", "d", "e", "f", "g", "h"}},
		{store.FieldID, []string{store.FieldID}},
		{store.FieldDeletedAt, []string{store.FieldDeletedAt}},
	}
	for _, tc := range tests {
		got, err := store.SplitPath(tc.path)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitPath(%q) = %v, %v, want %v", tc.path, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", ".", "a.", ".a", "a..b", "$a", "a.$b", "a$", "a\x00b", "A", "1a", "_x", "a._id", "a-b", "a b", "a.b.c.d.e.f.g.h.i", "é", strings.Repeat("a", 64)} {
		if _, err := store.SplitPath(bad); !errors.Is(err, store.ErrInvalidFilter) {
			t.Errorf("SplitPath(%q) = %v, want ErrInvalidFilter", bad, err)
		}
	}
}

func TestValidKeyAndCollection(t *testing.T) {
	for _, ok := range []string{"a", "deals", "a_1", strings.Repeat("a", 63)} {
		if !store.ValidKey(ok) || store.ValidateCollection(ok) != nil {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "A", "1a", "_a", "a-b", "a.b", "a$", strings.Repeat("a", 64), "système"} {
		if store.ValidKey(bad) {
			t.Errorf("ValidKey(%q) = true", bad)
		}
		if err := store.ValidateCollection(bad); !errors.Is(err, store.ErrInvalidInput) {
			t.Errorf("ValidateCollection(%q) = %v, want ErrInvalidInput", bad, err)
		}
	}
	for _, f := range store.SystemFields {
		if !store.IsSystemField(f) || store.ValidKey(f) {
			t.Errorf("system field %q must be a system field and never a data key", f)
		}
	}
	if store.IsSystemField("_other") {
		t.Errorf("IsSystemField(_other) = true")
	}
}
