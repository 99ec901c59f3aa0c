package sqlitestore

import (
	"database/sql/driver"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/formloom/formloom/engine/store"
	"modernc.org/sqlite"
)

// SQL functions the compiler uses. The driver registers functions
// process-wide, so they are installed once, at init, under an fl_ prefix.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("fl_icontains", 2, icontainsFunc)
	sqlite.MustRegisterDeterministicScalarFunction("fl_bucket", 3, bucketFunc)
}

// icontainsFunc is fl_icontains(haystack, needle): a case-insensitive
// substring test under Unicode simple case folding. Non-text is no match.
func icontainsFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	h, ok1 := textArg(args[0])
	n, ok2 := textArg(args[1])
	if !ok1 || !ok2 {
		return int64(0), nil
	}
	if strings.Contains(foldString(h), foldString(n)) {
		return int64(1), nil
	}
	return int64(0), nil
}

func textArg(v driver.Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	}
	return "", false
}

// foldString maps every rune to the smallest rune of its simple-folding
// orbit, so two strings equal under simple folding become identical.
func foldString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	// Keep ASCII letters in lower case so the ASCII fast path agrees.
	if min >= 'A' && min <= 'Z' {
		return min + ('a' - 'A')
	}
	return min
}

var zoneCache sync.Map // IANA name -> *time.Location

// loadZone is time.LoadLocation, cached.
func loadZone(zone string) (*time.Location, error) {
	if l, ok := zoneCache.Load(zone); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(zone)
	if err != nil {
		return nil, err
	}
	zoneCache.Store(zone, l)
	return l, nil
}

// bucketFunc is fl_bucket(value, bucket, zone): the date-bucket group key of
// a stored date or time string, rendered by store.BucketValue; NULL for
// values that are not dates.
func bucketFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	v, ok := textArg(args[0])
	if !ok {
		return nil, nil
	}
	b, _ := textArg(args[1])
	zone, _ := textArg(args[2])
	loc := time.UTC
	if zone != "" {
		l, err := loadZone(zone)
		if err != nil {
			return nil, err
		}
		loc = l
	}
	key, ok := store.BucketValue(v, store.Bucket(b), loc)
	if !ok {
		return nil, nil
	}
	return key, nil
}

// foldFree reports whether no rune of s has another rune in its simple
// folding orbit (CJK, digits, punctuation): then a string contains s under
// folding exactly when it contains s byte for byte, since folding only maps
// runes within their orbits and UTF-8 never matches inside a rune.
func foldFree(s string) bool {
	for _, r := range s {
		if unicode.SimpleFold(r) != r {
			return false
		}
	}
	return true
}

// asciiLike turns an ASCII needle into a LIKE pattern (ESCAPE '\') that
// every string containing it under simple folding matches. LIKE folds
// ASCII letters only; the two runes outside ASCII whose orbits hold ASCII
// letters are ſ (s, S) and the Kelvin sign (k, K), so those letters become
// "_" (any one rune) and exact is false: the caller confirms with
// fl_icontains. ok is false for a needle with a rune outside ASCII.
func asciiLike(needle string) (pat string, exact, ok bool) {
	var b strings.Builder
	b.Grow(len(needle) + 4)
	b.WriteByte('%')
	exact = true
	for i := 0; i < len(needle); i++ {
		switch c := needle[i]; {
		case c >= utf8.RuneSelf:
			return "", false, false
		case c == '%' || c == '_' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == 'k' || c == 'K' || c == 's' || c == 'S':
			b.WriteByte('_')
			exact = false
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('%')
	return b.String(), exact, true
}
