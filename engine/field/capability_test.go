package field

import (
	"slices"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/form"
)

// TestCapabilities pins which types declare which capability, since the
// engine decides by them what a field needs (reference checks, file checks,
// lookups, numbering, indexes, rows, parts).
func TestCapabilities(t *testing.T) {
	has := func(name string) map[string]bool {
		typ, ok := Get(name)
		if !ok {
			t.Fatalf("no type %q", name)
		}
		_, ref := typ.(Referencer)
		_, file := typ.(FileChecker)
		_, look := typ.(Looker)
		_, seq := typ.(Sequencer)
		_, idx := typ.(Indexer)
		_, rows := typ.(Container)
		_, parts := typ.(Composite)
		_, num := typ.(NumericCell)
		_, dates := typ.(DateCeller)
		_, choose := typ.(Chooser)
		_, formula := typ.(Formula)
		return map[string]bool{"ref": ref, "file": file, "look": look, "seq": seq, "idx": idx, "rows": rows, "parts": parts,
			"num": num, "dates": dates, "choose": choose, "formula": formula}
	}
	want := map[string][]string{
		"relation": {"ref", "idx"}, "user": {"ref"}, "users": {"ref"}, "department": {"ref"}, "departments": {"ref"},
		"attachment": {"file"}, "image": {"file"}, "signature": {"file"},
		"lookup": {"look"}, "serial": {"seq", "idx"}, "subform": {"rows"},
		"number": {"idx", "num"}, "money": {"idx", "parts", "num"}, "percent": {"idx"}, "rating": {"idx", "num"},
		"date": {"idx", "dates"}, "datetime": {"idx", "dates"},
		"address": {"parts"}, "location": {"parts"}, "select": {"choose"}, "multiselect": {"choose"}, "formula": {"formula"},
	}
	for _, name := range Names() {
		got := has(name)
		for c, ok := range got {
			if ok != slices.Contains(want[name], c) {
				t.Errorf("%s: capability %s = %v", name, c, ok)
			}
		}
	}
	kinds := map[string]RefKind{"relation": RefRecords, "user": RefMembers, "users": RefMembers, "department": RefDepartments, "departments": RefDepartments}
	for name, k := range kinds {
		typ, _ := Get(name)
		if got := typ.(Referencer).RefKind(&form.Field{Type: name}); got != k {
			t.Errorf("%s: RefKind = %v, want %v", name, got, k)
		}
	}
	serial, _ := Get("serial")
	f := &form.Field{Type: "serial", Serial: &form.Serial{Prefix: "HT", DatePart: "YYYYMM", Width: 3, Reset: "month"}}
	ctx := Context{Now: time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)}
	seq := serial.(Sequencer)
	if p, v := seq.SequencePeriod(ctx, f), seq.SequenceValue(ctx, f, 7); p != "202403" || v != "HT202403007" {
		t.Errorf("serial sequence: period %q, value %q", p, v)
	}
}

// TestCheckFileUsesTheNormalizeRule: Accept entries by extension, by exact
// type and by type/*, and image-only types, judge an upload as Normalize
// judges a description.
func TestCheckFileUsesTheNormalizeRule(t *testing.T) {
	tests := []struct {
		typ    string
		accept []string
		info   FileInfo
		want   string
	}{
		{"attachment", []string{".txt"}, FileInfo{Name: "会议纪要.txt", ContentType: "text/plain", Size: 10}, ""},
		{"attachment", []string{".txt"}, FileInfo{Name: "NOTES.TXT", ContentType: "text/plain", Size: 10}, ""},
		{"attachment", []string{"text/plain"}, FileInfo{Name: "a.log", ContentType: "text/plain; charset=utf-8", Size: 10}, ""},
		{"attachment", []string{"image/*"}, FileInfo{Name: "a.png", ContentType: "image/png", Size: 10}, ""},
		{"attachment", []string{".txt"}, FileInfo{Name: "a.png", ContentType: "image/png", Size: 10}, CodeFileType},
		{"image", nil, FileInfo{Name: "a.txt", ContentType: "text/plain", Size: 10}, CodeFileType},
		{"signature", nil, FileInfo{Name: "s.png", ContentType: "image/png", Size: 3 << 20}, CodeFileTooLarge},
		{"attachment", nil, FileInfo{Name: "x", ContentType: "nonsense", Size: 1}, CodeFileType},
	}
	for _, tt := range tests {
		typ, _ := Get(tt.typ)
		errs := typ.(FileChecker).CheckFile(&form.Field{Type: tt.typ, Accept: tt.accept}, "docs[0]", tt.info)
		got := ""
		if len(errs) > 0 {
			got = errs[0].Code
			if errs[0].Path != "docs[0]" {
				t.Errorf("path %q", errs[0].Path)
			}
		}
		if got != tt.want {
			t.Errorf("%s accept %v, %+v: %q, want %q", tt.typ, tt.accept, tt.info, got, tt.want)
		}
	}
}
