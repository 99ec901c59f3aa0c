package expr

import "strings"

func init() {
	register("USCC_VALID", fnUSCCValid, new(func(string) bool))
}

// usccChars are the characters of a unified social credit code (统一社会信用代码,
// GB 32100-2015) in the order of their values 0..30: the digits and the
// capital letters without I, O, S, V and Z.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the weights of the first 17 characters (3^i mod 31).
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// fnUSCCValid reports whether a text is a well-formed unified social credit
// code: 18 characters of the code's alphabet (surrounding spaces and lower
// case tolerated) whose last one is the check character of the first 17.
// Empty text is not valid; a rule that allows an empty value says
// ISEMPTY(x) || USCC_VALID(x).
func fnUSCCValid(_ *runState, args []any) (any, error) {
	s, err := text(args[0])
	if err != nil {
		return nil, err
	}
	return USCCValid(s), nil
}

// USCCValid is the check behind USCC_VALID, for Go callers (sample data
// generators, importers).
func USCCValid(s string) bool {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccChars, s[i])
		if v < 0 {
			return false
		}
		sum += v * usccWeights[i]
	}
	check := (31 - sum%31) % 31
	return s[17] == usccChars[check]
}

// USCCCheckChar returns the check character of the first 17 characters of
// a code, or 0 when one of them is outside the code's alphabet.
func USCCCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccChars, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31]
}
