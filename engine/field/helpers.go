package field

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/formloom/formloom/engine/store"
)

// Codes of value problems (see engine/i18n/messages_field.go for the texts).
const (
	CodeRequired    = "required"
	CodeType        = "type"
	CodeMin         = "min"
	CodeMax         = "max"
	CodeNumberRange = "number_range"
	CodeInteger     = "integer"
	CodePrecision   = "precision"
	CodeMinLength   = "min_length"
	CodeMaxLength   = "max_length"
	CodeTooLarge    = "too_large"
	CodePattern     = "pattern"
	CodeSingleLine  = "single_line"
	CodeInvalidText = "invalid_text"
	// CodeInvalidEncoding: invalid UTF-8 or U+FFFD, the mark a broken
	// encoding leaves (JSON decoding turns invalid bytes and lone
	// surrogates such as "\ud800" into it).
	CodeInvalidEncoding = "invalid_encoding"
	CodeOption          = "option"
	CodeDuplicate       = "duplicate"
	CodeTooMany         = "too_many"
	CodeEmail           = "email"
	CodePhone           = "phone"
	CodeURL             = "url"
	CodeDate            = "date"
	CodeDateTime        = "datetime"
	CodeMoneyPrecision  = "money_precision"
	CodeCurrency        = "currency"
	CodeID              = "id"
	CodeUnknownField    = "unknown_field"
	CodeSystemField     = "system_field"
	CodeReadOnly        = "read_only"
	CodeTooManyRows     = "too_many_rows"
	CodeTooManyFiles    = "too_many_files"
	CodeFileTooLarge    = "file_too_large"
	CodeFileType        = "file_type"
	CodeFile            = "file"
	CodeRating          = "rating"
	CodeLatitude        = "latitude"
	CodeLongitude       = "longitude"
	CodeLocation        = "location"
)

// MaxNumber bounds the absolute value of stored numbers: beyond it float64
// no longer holds every integer, so sums and comparisons would drift.
const MaxNumber = 1e15

// maxNumberText bounds the length of a number given as text.
const maxNumberText = 64

// fail returns a single problem.
func fail(path, code string, params map[string]any) []Error {
	return []Error{{Path: path, Code: code, Params: params}}
}

// typeErr is the problem of a value of the wrong JSON type.
func typeErr(path, expected string) []Error {
	return fail(path, CodeType, map[string]any{"expected": expected})
}

// isEmpty reports the inputs that mean "no value": nil, "", [] and {}.
func isEmpty(raw any) bool {
	switch x := raw.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// subPath joins a key under path: "address" + "city" = "address.city".
func subPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// indexPath addresses a list element: "items" + 2 = "items[2]".
func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// readNumber reads a number input: float64, json.Number, Go integers, or a
// decimal string (surrounding spaces ignored). It returns the value and its
// plain decimal text without exponent (for counting decimals exactly).
func readNumber(raw any) (float64, string, bool) {
	switch x := raw.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, "", false
		}
		if math.Abs(x) > MaxNumber {
			// Still a number; the caller reports the range. Avoid a
			// 300-digit text for 1e300.
			return x, "", true
		}
		return x, strconv.FormatFloat(x, 'f', -1, 64), true
	case float32:
		return readNumber(float64(x))
	case int:
		return readNumber(float64(x))
	case int64:
		return readNumber(float64(x))
	case int32:
		return readNumber(float64(x))
	case json.Number:
		return parseNumberText(string(x))
	case string:
		return parseNumberText(strings.TrimSpace(x))
	}
	return 0, "", false
}

// parseNumberText parses [+-]digits[.digits][e[+-]digits] exactly.
func parseNumberText(s string) (float64, string, bool) {
	if len(s) == 0 || len(s) > maxNumberText {
		return 0, "", false
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	digits, exp := 0, false
	for dot := false; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		case (c == 'e' || c == 'E') && digits > 0:
			exp = true
			j := i + 1
			if j < len(s) && (s[j] == '+' || s[j] == '-') {
				j++
			}
			if j == len(s) {
				return 0, "", false
			}
			for ; j < len(s); j++ {
				if s[j] < '0' || s[j] > '9' {
					return 0, "", false
				}
			}
			i = len(s)
		default:
			return 0, "", false
		}
	}
	if digits == 0 {
		return 0, "", false
	}
	text := strings.TrimPrefix(s, "+")
	if exp {
		d, err := decimal.NewFromString(text)
		if err != nil || d.Exponent() < -60 || d.Exponent() > 60 {
			return 0, "", false
		}
		text = d.String()
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !isRangeErr(err) {
		return 0, "", false
	}
	if math.IsInf(f, 0) || math.Abs(f) > MaxNumber {
		return math.Copysign(MaxNumber*10, f), "", true
	}
	return f, text, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// decimalPlaces counts the significant digits after the point of a plain
// decimal text ("1.50" has 1).
func decimalPlaces(text string) int {
	dot := strings.IndexByte(text, '.')
	if dot < 0 {
		return 0
	}
	frac := strings.TrimRight(text[dot+1:], "0")
	return len(frac)
}

// checkNumber applies the range, Min/Max and Precision rules shared by
// number, percent and money amounts.
func checkNumber(path string, f float64, text string, min, max *float64, precision *int) []Error {
	if math.Abs(f) > MaxNumber {
		return fail(path, CodeNumberRange, map[string]any{"max": MaxNumber})
	}
	if precision != nil && decimalPlaces(text) > *precision {
		return fail(path, CodePrecision, map[string]any{"precision": *precision})
	}
	if min != nil && f < *min {
		return fail(path, CodeMin, map[string]any{"min": *min})
	}
	if max != nil && f > *max {
		return fail(path, CodeMax, map[string]any{"max": *max})
	}
	return nil
}

// textProblem checks that s is valid UTF-8 without U+FFFD (both
// CodeInvalidEncoding), NUL or other control characters (tab always
// allowed, newline only when multiline). It returns the problem code or "".
func textProblem(s string, multiline bool) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' || c == '\r':
				if !multiline {
					return CodeSingleLine
				}
			case c == '\t':
			case c < 0x20 || c == 0x7f:
				return CodeInvalidText
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError {
			return CodeInvalidEncoding
		}
		if r <= 0x9f { // C1 controls (unicode.Cc beyond ASCII)
			return CodeInvalidText
		}
		if !multiline && (r == '\u2028' || r == '\u2029') {
			return CodeSingleLine
		}
		i += size
	}
	return ""
}

// checkLength applies MinLength/MaxLength (in runes) with a default maximum.
func checkLength(path, s string, minLen, maxLen *int, defaultMax int) []Error {
	limit := defaultMax
	if maxLen != nil {
		limit = *maxLen
	}
	n := utf8.RuneCountInString(s)
	if n > limit {
		return fail(path, CodeMaxLength, map[string]any{"max": limit})
	}
	if minLen != nil && n < *minLen {
		return fail(path, CodeMinLength, map[string]any{"min": *minLen})
	}
	return nil
}

// validID reports whether s has the shape of a store document id.
func validID(s string) bool {
	if s == "" || len(s) > store.MaxIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// readID normalizes one id input.
func readID(path string, raw any) (any, []Error) {
	s, ok := raw.(string)
	if !ok {
		return nil, typeErr(path, "string")
	}
	if !validID(s) {
		return nil, fail(path, CodeID, nil)
	}
	return s, nil
}

// maxIDs bounds users, departments and multiple relations.
const maxIDs = 500

// readIDList normalizes a list of unique ids.
func readIDList(path string, raw any) (any, []Error) {
	list, ok := asList(raw)
	if !ok {
		return nil, typeErr(path, "array")
	}
	if len(list) > maxIDs {
		return nil, fail(path, CodeTooMany, map[string]any{"max": maxIDs})
	}
	out := make([]any, 0, len(list))
	var errs []Error
	for i, e := range list {
		p := indexPath(path, i)
		s, ok := e.(string)
		switch {
		case !ok:
			errs = append(errs, typeErr(p, "string")...)
		case !validID(s):
			errs = append(errs, fail(p, CodeID, nil)...)
		case containsString(out, s):
			errs = append(errs, fail(p, CodeDuplicate, map[string]any{"value": s})...)
		default:
			out = append(out, s)
		}
	}
	if errs != nil {
		return nil, errs
	}
	return out, nil
}

// asList accepts []any and []string.
func asList(raw any) ([]any, bool) {
	switch x := raw.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func containsString(list []any, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// storedStrings reads a stored list of strings, skipping anything else.
func storedStrings(stored any) []string {
	list, _ := asList(stored)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// storedNumber reads a stored number.
func storedNumber(stored any) (float64, bool) {
	f, _, ok := readNumber(stored)
	return f, ok
}

// formatNumber renders f with the given decimals (-1: as few as needed) and
// thousands separators: 1234567.5 -> "1,234,567.5".
func formatNumber(f float64, decimals int) string {
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// plainNumber renders f as the shortest decimal text without exponent.
func plainNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// splitCell splits a list typed into one cell on commas, Chinese commas,
// semicolons and line breaks, dropping empty items.
func splitCell(cell string) []any {
	parts := strings.FieldsFunc(cell, func(r rune) bool {
		return r == ',' || r == '，' || r == ';' || r == '；' || r == '、' || r == '\n' || r == '\r'
	})
	out := make([]any, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// zh reports whether lang selects Chinese.
func zh(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "zh") }

// nullable returns a schema accepting null or a value of the given JSON type.
func nullable(jsonType string, extra map[string]any) map[string]any {
	s := map[string]any{"type": []any{jsonType, "null"}}
	for k, v := range extra {
		s[k] = v
	}
	return s
}

// storedJSONCell renders structured values as JSON for a cell.
func storedJSONCell(stored any) string {
	if stored == nil {
		return ""
	}
	b, err := json.Marshal(stored)
	if err != nil {
		return ""
	}
	return string(b)
}

// jsonCell decodes a cell holding JSON (numbers as json.Number).
func jsonCell(cell string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(cell))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if dec.More() {
		return nil, false
	}
	return v, true
}

// idsToCell joins ids with commas, or writes a JSON list when an id holds
// a character splitCell would split on (ids are any printable ASCII).
func idsToCell(ids []string) string {
	for _, id := range ids {
		if strings.ContainsAny(id, ",;") || strings.HasPrefix(id, "[") {
			return storedJSONCell(stringsToAny(ids))
		}
	}
	return strings.Join(ids, ",")
}

// idsFromCell reads what idsToCell writes.
func idsFromCell(cell string) (any, bool) {
	s := strings.TrimSpace(cell)
	if strings.HasPrefix(s, "[") {
		return jsonCell(s)
	}
	return splitCell(s), true
}

// trimmedText reads a single string input: "" for empty input (nil, "",
// spaces), otherwise the trimmed string; a non-string is a type error.
func trimmedText(path string, raw any) (string, []Error) {
	if isEmpty(raw) {
		return "", nil
	}
	s, ok := raw.(string)
	if !ok {
		return "", typeErr(path, "string")
	}
	return strings.TrimSpace(s), nil
}
