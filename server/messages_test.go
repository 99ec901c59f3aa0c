package server

import (
	"github.com/formloom/formloom/engine/field"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/i18n"
)

// TestServerMessagesInBothLanguages checks every server code registered by
// messages.go has a zh-CN and an en text, and that the codes the error
// mapper answers with are among them.
func TestServerMessagesInBothLanguages(t *testing.T) {
	n := 0
	for _, lang := range []string{i18n.ZhCN, i18n.En} {
		other := i18n.En
		if lang == i18n.En {
			other = i18n.ZhCN
		}
		for _, c := range i18n.Codes(lang) {
			if !strings.HasPrefix(c, "server_") {
				continue
			}
			n++
			if !i18n.Has(other, c) {
				t.Errorf("server code %q has a %s text but none in %s", c, lang, other)
			}
		}
	}
	if n == 0 {
		t.Fatal("no server_ codes registered")
	}
	for _, c := range []string{"not_found", "conflict", "invalid", "internal", "unauthenticated", "import_rejected"} {
		if !i18n.Has(i18n.ZhCN, "server_"+c) || !i18n.Has(i18n.En, "server_"+c) {
			t.Errorf("server_%s is not registered", c)
		}
	}
}

// TestFieldMessageNamesTheField: an error whose path ends in a filter's
// "field" names the field it holds, not the word "field".
func TestFieldMessageNamesTheField(t *testing.T) {
	got := fieldMessage("en", field.Error{Path: "filter.and[0].field", Code: "unknown_field", Params: map[string]any{"field": "budget"}})
	if got != "Unknown field “budget”" {
		t.Fatalf("filter error message = %q", got)
	}
	if got := fieldMessage("en", field.Error{Path: "company", Code: "unknown_field"}); got != "Unknown field “company”" {
		t.Fatalf("record error message = %q", got)
	}
}
