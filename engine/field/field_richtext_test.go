package field

import (
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

func TestRichtextNormalize(t *testing.T) {
	runNormalize(t, "richtext", []normCase{
		{name: "kept markup", raw: "<p>Hello <b>world</b></p>", want: "<p>Hello <b>world</b></p>"},
		{name: "script removed", raw: `<p>hi</p><script>alert(1)</script>`, want: "<p>hi</p>"},
		{name: "handler removed", raw: `<img src="https://x.test/a.png" onerror="alert(1)">`, want: `<img src="https://x.test/a.png">`},
		{name: "javascript link removed", raw: `<a href="javascript:alert(1)">x</a>`, want: "x"},
		{name: "empty paragraph is empty", raw: "<p><br></p>", want: nil},
		{name: "only script is empty", raw: "<script>x</script>", want: nil},
		{name: "number refused", raw: 1.0, code: CodeType},
		{name: "too large", raw: strings.Repeat("a", MaxRichtextBytes+1), code: CodeTooLarge},
	})
}

func TestRichtextFormatAndOps(t *testing.T) {
	if got := format("richtext", form.Field{}, "<p>A &amp; B</p><p>C</p>", "en"); got != "A & B C" {
		t.Errorf("Format = %q", got)
	}
	typ, _ := Get("richtext")
	if ops := typ.Operators(&form.Field{}); len(ops) != 3 || ops[0] != store.OpContains {
		t.Errorf("Operators = %v", ops)
	}
	runDesign(t, "richtext", []designCase{{name: "nothing to check"}})
	roundTrip(t, "richtext", form.Field{}, "<p>x</p>")
}
