package field

import (
	"strings"
	"unicode/utf8"

	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// Codes of design problems (see engine/i18n/messages_field.go for the texts).
const (
	CodeKeyInvalid          = "key_invalid"
	CodeKeyDuplicate        = "key_duplicate"
	CodeKeyReserved         = "key_reserved"
	CodeKeySystem           = "key_system"
	CodeLabelRequired       = "label_required"
	CodeLabelTooLong        = "label_too_long"
	CodeTypeUnknown         = "type_unknown"
	CodeRange               = "range"
	CodeMinMax              = "min_max"
	CodePatternInvalid      = "pattern_invalid"
	CodeOptionsMissing      = "options_missing"
	CodeOptionValueRequired = "option_value_required"
	CodeOptionLabelRequired = "option_label_required"
	CodeOptionDuplicate     = "option_duplicate"
	CodeDisplayInvalid      = "display_invalid"
	CodeCurrencyInvalid     = "currency_invalid"
	CodeRelationForm        = "relation_form"
	CodeLookupRelation      = "lookup_relation"
	CodeLookupField         = "lookup_field"
	CodeSubformFields       = "subform_fields"
	CodeSubformNested       = "subform_nested"
	CodeFormulaExpression   = "formula_expression"
	CodeSerialDatePart      = "serial_date_part"
	CodeSerialReset         = "serial_reset"
	CodeSerialResetDate     = "serial_reset_date"
	CodeAcceptInvalid       = "accept_invalid"
	CodeDefaultNotAllowed   = "default_not_allowed"
)

// MaxLabelLength bounds field labels, in runes.
const MaxLabelLength = 100

// MaxFields bounds the fields of a form or of a subform row.
const MaxFields = 500

// ValidKey reports whether key is a valid field key: ^[a-z][a-z0-9_]{0,62}$.
func ValidKey(key string) bool { return store.ValidKey(key) }

// SubformRowID is the key of the stable id every subform row carries; no
// field of a subform may use it.
const SubformRowID = "id"

// CheckFields validates a list of field designs: keys valid, unique, not in
// reserved and not system names (starting with "_"); labels present; types
// registered; each type's CheckDesign (a subform checks its own fields the
// same way); lookups naming a relation field of the same list; fixed
// defaults that normalize. Paths are "fields[2].key", nested as
// "fields[2].fields[0].label".
func CheckFields(fields []form.Field, reserved []string) []Error {
	var errs []Error
	if len(fields) > MaxFields {
		errs = append(errs, Error{Path: "fields", Code: CodeTooMany, Params: map[string]any{"max": MaxFields}})
	}
	seen := make(map[string]bool, len(fields))
	for i := range fields {
		f := &fields[i]
		at := indexPath("fields", i)
		switch {
		case strings.HasPrefix(f.Key, "_"):
			errs = append(errs, Error{Path: at + ".key", Code: CodeKeySystem, Params: map[string]any{"key": f.Key}})
		case !ValidKey(f.Key):
			errs = append(errs, Error{Path: at + ".key", Code: CodeKeyInvalid, Params: map[string]any{"key": f.Key}})
		case isReserved(f.Key, reserved):
			errs = append(errs, Error{Path: at + ".key", Code: CodeKeyReserved, Params: map[string]any{"key": f.Key}})
		case seen[f.Key]:
			errs = append(errs, Error{Path: at + ".key", Code: CodeKeyDuplicate, Params: map[string]any{"key": f.Key}})
		}
		seen[f.Key] = true
		label := strings.TrimSpace(f.Label)
		if label == "" {
			errs = append(errs, Error{Path: at + ".label", Code: CodeLabelRequired})
		} else if utf8.RuneCountInString(label) > MaxLabelLength {
			errs = append(errs, Error{Path: at + ".label", Code: CodeLabelTooLong, Params: map[string]any{"max": MaxLabelLength}})
		}
		t, ok := Get(f.Type)
		if !ok {
			errs = append(errs, Error{Path: at + ".type", Code: CodeTypeUnknown, Params: map[string]any{"type": f.Type}})
			continue
		}
		for _, e := range t.CheckDesign(f) {
			e.Path = subPath(at, e.Path)
			errs = append(errs, e)
		}
		if f.Type == "lookup" && f.Relation != "" && !hasRelation(fields, f.Relation) {
			errs = append(errs, Error{Path: at + ".relation", Code: CodeLookupRelation, Params: map[string]any{"key": f.Relation}})
		}
		if f.Default != nil {
			if !t.Input() {
				errs = append(errs, Error{Path: at + ".default", Code: CodeDefaultNotAllowed})
			} else if _, verrs := t.Normalize(Context{}, f, at+".default", f.Default); verrs != nil {
				errs = append(errs, verrs...)
			}
		}
	}
	return errs
}

func isReserved(key string, reserved []string) bool {
	for _, r := range reserved {
		if r == key {
			return true
		}
	}
	return false
}

func hasRelation(fields []form.Field, key string) bool {
	for i := range fields {
		if fields[i].Key == key && fields[i].Type == "relation" {
			return true
		}
	}
	return false
}

// designErr returns a single design problem.
func designErr(prop, code string, params map[string]any) Error {
	return Error{Path: prop, Code: code, Params: params}
}

// checkMinMax checks min <= max.
func checkMinMax(f *form.Field) []Error {
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		return []Error{designErr("min", CodeMinMax, nil)}
	}
	return nil
}

// checkLengths checks 0 <= minLength <= maxLength <= limit.
func checkLengths(f *form.Field, limit int) []Error {
	var errs []Error
	if f.MinLength != nil && (*f.MinLength < 0 || *f.MinLength > limit) {
		errs = append(errs, designErr("minLength", CodeRange, map[string]any{"min": 0, "max": limit}))
	}
	if f.MaxLength != nil && (*f.MaxLength < 1 || *f.MaxLength > limit) {
		errs = append(errs, designErr("maxLength", CodeRange, map[string]any{"min": 1, "max": limit}))
	}
	if errs == nil && f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
		errs = append(errs, designErr("minLength", CodeMinMax, nil))
	}
	return errs
}

// checkPrecision checks 0 <= precision <= limit.
func checkPrecision(f *form.Field, limit int) []Error {
	if f.Precision != nil && (*f.Precision < 0 || *f.Precision > limit) {
		return []Error{designErr("precision", CodeRange, map[string]any{"min": 0, "max": limit})}
	}
	return nil
}

// maxPatternLength bounds a Pattern, whose compile cost grows with it.
const maxPatternLength = 500

// checkPattern checks that Pattern compiles (as RE2, anchored).
func checkPattern(f *form.Field) []Error {
	if f.Pattern == "" {
		return nil
	}
	if len(f.Pattern) > maxPatternLength {
		return []Error{designErr("pattern", CodeMaxLength, map[string]any{"max": maxPatternLength})}
	}
	if _, err := compilePattern(f.Pattern); err != nil {
		return []Error{designErr("pattern", CodePatternInvalid, map[string]any{"error": err.Error()})}
	}
	return nil
}

// maxOptions bounds the options of a select.
const maxOptions = 1000

// checkOptions checks that options exist, have values and labels, and that
// values are unique and at most 200 characters.
func checkOptions(f *form.Field) []Error {
	if len(f.Options) == 0 {
		return []Error{designErr("options", CodeOptionsMissing, nil)}
	}
	if len(f.Options) > maxOptions {
		return []Error{designErr("options", CodeTooMany, map[string]any{"max": maxOptions})}
	}
	var errs []Error
	seen := make(map[string]bool, len(f.Options))
	for i, o := range f.Options {
		at := indexPath("options", i)
		switch {
		case o.Value == "":
			errs = append(errs, designErr(at+".value", CodeOptionValueRequired, nil))
		case textProblem(o.Value, false) != "":
			errs = append(errs, designErr(at+".value", CodeInvalidText, nil))
		case utf8.RuneCountInString(o.Value) > 200:
			errs = append(errs, designErr(at+".value", CodeMaxLength, map[string]any{"max": 200}))
		case seen[o.Value]:
			errs = append(errs, designErr(at+".value", CodeOptionDuplicate, map[string]any{"value": o.Value}))
		}
		seen[o.Value] = true
		if strings.TrimSpace(o.Label) == "" {
			errs = append(errs, designErr(at+".label", CodeOptionLabelRequired, nil))
		}
	}
	return errs
}

// checkDisplay checks the Display of a select against allowed values.
func checkDisplay(f *form.Field, allowed ...string) []Error {
	if f.Display == "" {
		return nil
	}
	for _, a := range allowed {
		if f.Display == a {
			return nil
		}
	}
	return []Error{designErr("display", CodeDisplayInvalid, map[string]any{"value": f.Display})}
}
