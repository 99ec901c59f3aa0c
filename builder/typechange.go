package builder

// compatible lists the type changes allowed at publish: every value stored
// under the old type is already a valid value of the new type, so records
// stay readable without rewriting them. Any other change of type on a
// published field is refused; the designer adds a new field instead and the
// old one is archived with its data.
var compatible = map[string][]string{
	"text":     {"textarea", "richtext"},
	"textarea": {"richtext"},
	"select":   {"text"},
	"email":    {"text"},
	"phone":    {"text"},
	"url":      {"text"},
	"rating":   {"number"},
}

// typeChangeAllowed reports whether a published field may change from one type to another.
func typeChangeAllowed(from, to string) bool {
	if from == to {
		return true
	}
	for _, t := range compatible[from] {
		if t == to {
			return true
		}
	}
	return false
}

// allowedTargets lists the types a field of type from may become.
func allowedTargets(from string) []string { return append([]string(nil), compatible[from]...) }
