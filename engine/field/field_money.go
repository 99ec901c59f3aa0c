package field

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// DefaultCurrency is the currency of money fields without Currency.
const DefaultCurrency = "CNY"

// currencyDecimals lists the ISO 4217 minor units that differ from 2.
var currencyDecimals = map[string]int{
	"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "PYG": 0, "UGX": 0, "XAF": 0, "XOF": 0, "IDR": 2,
	"BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "LYD": 3, "IQD": 3,
}

// currencySymbols are the symbols shown before amounts.
var currencySymbols = map[string]string{
	"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥", "HKD": "HK$", "TWD": "NT$", "KRW": "₩", "SGD": "S$",
}

func init() { Register(moneyType{}) }

// moneyType is an exact amount in the field's currency, stored as
// {"amount": number, "currency": "CNY"}.
type moneyType struct{}

func (moneyType) Name() string { return "money" }

// NumericCell: the cell is a plain number.
func (moneyType) NumericCell() {}

// Parts are the money parts queries may address.
func (moneyType) Parts(*form.Field) []string { return []string{"amount", "currency"} }

// IndexHint marks the type as a common sort column.
func (moneyType) IndexHint() IndexHint           { return IndexSort }
func (moneyType) Input() bool                    { return true }
func (moneyType) ExprType(*form.Field) expr.Type { return expr.Number }

// Operators apply to the amount: filters address "<key>.amount".
func (moneyType) Operators(*form.Field) []store.Op { return orderedOps }

// ValuePath implements ValuePather: money is compared by its amount.
func (moneyType) ValuePath() string { return "amount" }

// currencyOf returns the field's currency.
func currencyOf(f *form.Field) string {
	if f.Currency == "" {
		return DefaultCurrency
	}
	return f.Currency
}

// moneyDecimals returns the decimals allowed: the currency's minor units,
// or fewer when Precision says so.
func moneyDecimals(f *form.Field) int {
	d, ok := currencyDecimals[currencyOf(f)]
	if !ok {
		d = 2
	}
	if f.Precision != nil && *f.Precision >= 0 && *f.Precision < d {
		d = *f.Precision
	}
	return d
}

// validCurrency reports whether c looks like an ISO 4217 code.
func validCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

func (moneyType) CheckDesign(f *form.Field) []Error {
	var errs []Error
	if f.Currency != "" && !validCurrency(f.Currency) {
		errs = append(errs, designErr("currency", CodeCurrencyInvalid, map[string]any{"value": f.Currency}))
	}
	limit, ok := currencyDecimals[currencyOf(f)]
	if !ok {
		limit = 2
	}
	errs = append(errs, checkPrecision(f, limit)...)
	return append(append(errs, checkMinMax(f)...), checkBounds(f)...)
}

func (moneyType) Schema(f *form.Field) map[string]any {
	return nullable("object", map[string]any{
		"properties": map[string]any{
			"amount":   numberSchema(f.Min, f.Max),
			"currency": map[string]any{"const": currencyOf(f)},
		},
		"required":             []any{"amount", "currency"},
		"additionalProperties": false,
	})
}

func (moneyType) Normalize(_ Context, f *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	cur := currencyOf(f)
	amount := raw
	if m, ok := raw.(map[string]any); ok {
		for k, v := range m {
			switch k {
			case "amount":
			case "currency":
				c, ok := v.(string)
				if !ok {
					return nil, typeErr(subPath(path, "currency"), "string")
				}
				if strings.ToUpper(strings.TrimSpace(c)) != cur {
					return nil, fail(subPath(path, "currency"), CodeCurrency, map[string]any{"expected": cur, "currency": c})
				}
			default:
				return nil, fail(subPath(path, k), CodeUnknownField, map[string]any{"key": k})
			}
		}
		amount = m["amount"]
		path = subPath(path, "amount")
		if isEmpty(amount) {
			return nil, nil
		}
	}
	if s, ok := amount.(string); ok && strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, text, ok := readNumber(amount)
	if !ok {
		return nil, typeErr(path, "number")
	}
	if errs := checkNumber(path, v, text, nil, nil, nil); errs != nil {
		return nil, errs
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return nil, typeErr(path, "number")
	}
	places := moneyDecimals(f)
	if !d.Round(int32(places)).Equal(d) {
		return nil, fail(path, CodeMoneyPrecision, map[string]any{"currency": cur, "precision": places})
	}
	// text is the plain decimal d came from; ParseFloat rounds it
	// correctly without d.Float64's big.Rat detour.
	if v, err = strconv.ParseFloat(text, 64); err != nil {
		return nil, typeErr(path, "number")
	}
	if errs := checkNumber(path, v, text, f.Min, f.Max, nil); errs != nil {
		return nil, errs
	}
	return map[string]any{"amount": v + 0, "currency": cur}, nil
}

// storedAmount reads the amount of a stored money value.
func storedAmount(stored any) (float64, bool) {
	m, ok := stored.(map[string]any)
	if !ok {
		return 0, false
	}
	return storedNumber(m["amount"])
}

func (moneyType) ExprValue(_ Context, _ *form.Field, stored any) any {
	if v, ok := storedAmount(stored); ok {
		return v
	}
	return nil
}

func (moneyType) Format(_ Context, f *form.Field, stored any, _ string) string {
	v, ok := storedAmount(stored)
	if !ok {
		return ""
	}
	cur := currencyOf(f)
	places, ok := currencyDecimals[cur]
	if !ok {
		places = 2
	}
	num := formatNumber(v, places)
	if sym, ok := currencySymbols[cur]; ok {
		if strings.HasPrefix(num, "-") {
			return "-" + sym + num[1:]
		}
		return sym + num
	}
	return cur + " " + num
}

// ToCell writes the bare amount; the currency is the field's.
func (moneyType) ToCell(_ Context, _ *form.Field, stored any) string {
	if v, ok := storedAmount(stored); ok {
		return plainNumber(v)
	}
	return ""
}

// FromCell accepts "1234.5", "1,234.50", "¥1,234.50" and "CNY 1234.50".
func (t moneyType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	s := strings.TrimSpace(cell)
	cur := currencyOf(f)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = strings.TrimSpace(s[1:])
	}
	if len(s) > 3 && validCurrency(strings.ToUpper(s[:3])) && (s[3] == ' ' || s[3] >= '0' && s[3] <= '9') {
		if strings.ToUpper(s[:3]) != cur {
			return nil, fail(path, CodeCurrency, map[string]any{"expected": cur, "currency": s[:3]})
		}
		s = strings.TrimSpace(s[3:])
	} else {
		for _, sym := range []string{currencySymbols[cur], "¥", "￥"} {
			if sym != "" && strings.HasPrefix(s, sym) && (sym != "¥" && sym != "￥" || cur == "CNY" || cur == "JPY") {
				s = strings.TrimSpace(strings.TrimPrefix(s, sym))
				break
			}
		}
	}
	s, ok := stripThousands(s)
	if !ok {
		return nil, typeErr(path, "number")
	}
	if neg && s != "" {
		s = "-" + s
	}
	return t.Normalize(ctx, f, path, s)
}
