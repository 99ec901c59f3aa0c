package expr

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

func init() {
	register("TEXT", fnText, new(func(any, string) string))
}

// fnText formats a number ("0.00", "#,##0", "0%", "¥#,##0.00") or a date
// ("YYYY-MM-DD HH:mm:ss") as text.
func fnText(st *runState, args []any) (any, error) {
	format, err := text(args[1])
	if err != nil {
		return nil, err
	}
	switch x := args[0].(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case bool:
		return display(x, st.loc)
	case time.Time:
		return formatDate(x.In(st.loc), format), nil
	}
	f, err := number(args[0])
	if err != nil {
		return nil, err
	}
	return formatNumberPattern(f, format)
}

// formatNumberPattern applies a spreadsheet number format: 0 is a required
// digit, # an optional one, "," groups thousands, "." starts the decimals,
// "%" scales by 100; other characters are copied as written.
func formatNumberPattern(f float64, format string) (string, error) {
	first := strings.IndexAny(format, "0#")
	if first < 0 {
		return "", errors.New("number format needs 0 or #")
	}
	last := strings.LastIndexAny(format, "0#.,")
	prefix, core, suffix := format[:first], format[first:last+1], format[last+1:]
	if strings.Contains(format, "%") {
		f *= 100
	}
	intPat, fracPat, _ := strings.Cut(core, ".")
	fracPat = strings.ReplaceAll(fracPat, ",", "")
	maxFrac := len(fracPat)
	if maxFrac > 20 {
		return "", errors.New("number format has more than 20 decimals")
	}
	minFrac := strings.Count(fracPat, "0")
	minInt := strings.Count(intPat, "0")
	grouping := strings.Contains(intPat, ",")

	neg := f < 0
	if neg {
		f = -f
	}
	s := strconv.FormatFloat(roundHalfAway(f, maxFrac), 'f', maxFrac, 64)
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) > minFrac && strings.HasSuffix(frac, "0") {
		frac = frac[:len(frac)-1]
	}
	if minInt == 0 && whole == "0" {
		whole = ""
	}
	for len(whole) < minInt {
		whole = "0" + whole
	}
	if grouping && len(whole) > 3 {
		var b strings.Builder
		lead := len(whole) % 3
		b.WriteString(whole[:lead])
		for i := lead; i < len(whole); i += 3 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(whole[i : i+3])
		}
		whole = b.String()
	}
	out := prefix + whole
	if frac != "" {
		out += "." + frac
	}
	out += suffix
	if neg && strings.ContainsAny(out, "123456789") {
		out = "-" + out
	}
	return out, nil
}

// dateTokens are the date format tokens, longest first: Y/y year, M month,
// D/d day, H/h hour (24h), mm minute, ss second.
var dateTokens = []string{"YYYY", "yyyy", "YY", "yy", "MM", "DD", "dd", "HH", "hh", "mm", "ss", "M", "D", "d", "H", "h"}

// formatDate writes t with the tokens of dateTokens; other characters are
// copied as written, so "YYYY年M月D日" works.
func formatDate(t time.Time, format string) string {
	var b strings.Builder
	for i := 0; i < len(format); {
		tok := ""
		for _, cand := range dateTokens {
			if strings.HasPrefix(format[i:], cand) {
				tok = cand
				break
			}
		}
		if tok == "" {
			b.WriteByte(format[i])
			i++
			continue
		}
		i += len(tok)
		switch tok {
		case "YYYY", "yyyy":
			b.WriteString(strconv.Itoa(t.Year()))
		case "YY", "yy":
			b.WriteString(t.Format("06"))
		case "MM":
			b.WriteString(t.Format("01"))
		case "M":
			b.WriteString(strconv.Itoa(int(t.Month())))
		case "DD", "dd":
			b.WriteString(t.Format("02"))
		case "D", "d":
			b.WriteString(strconv.Itoa(t.Day()))
		case "HH", "hh":
			b.WriteString(t.Format("15"))
		case "H", "h":
			b.WriteString(strconv.Itoa(t.Hour()))
		case "mm":
			b.WriteString(t.Format("04"))
		case "ss":
			b.WriteString(t.Format("05"))
		}
	}
	return b.String()
}
