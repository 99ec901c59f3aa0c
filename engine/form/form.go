// Package form is the design model of a form: its fields, options, rules and
// layout, as JSON. It is pure data: the field registry (engine/field) gives
// each type its behaviour, and the builder validates designs against it.
package form

import "encoding/json"

// Definition is a form design: the draft a user edits or an immutable
// published version.
type Definition struct {
	// Fields in display order.
	Fields []Field `json:"fields"`
	// Columns of the layout, 1 to 4.
	Columns int `json:"columns,omitempty"`
	// SubmitRules are form-level validations checked on every write.
	SubmitRules []SubmitRule `json:"submitRules,omitempty"`
	// Extensions hold the settings capabilities keep with the form,
	// by name ("stages": the stage pipeline of engine/workflow). They are
	// published with the version, so a record written with version N is
	// checked against N's settings; a capability checks its own when the
	// version is published (engine.DefinitionExtension).
	Extensions map[string]json.RawMessage `json:"extensions,omitempty"`
}

// Field is one field of a form. Type is a registered field type identifier:
// text textarea richtext number money percent rating date datetime select
// multiselect boolean email phone url user users department departments
// relation lookup subform serial address location attachment image
// signature formula.
type Field struct {
	Key         string `json:"key"`
	Type        string `json:"type"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
	// Unique asks for a unique index over live records.
	Unique bool `json:"unique,omitempty"`
	// Indexed asks for a secondary index (filters and sorts on it stay fast).
	Indexed bool `json:"indexed,omitempty"`

	// Default is a fixed default value; DefaultExpression computes one.
	Default           any    `json:"default,omitempty"`
	DefaultExpression string `json:"defaultExpression,omitempty"`
	// VisibleWhen hides the field (and skips its validation) when false.
	VisibleWhen string `json:"visibleWhen,omitempty"`
	// RequiredWhen makes the field required when true.
	RequiredWhen string `json:"requiredWhen,omitempty"`

	// Text and number limits.
	MinLength *int     `json:"minLength,omitempty"`
	MaxLength *int     `json:"maxLength,omitempty"`
	Pattern   string   `json:"pattern,omitempty"`
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
	// Precision is the number of decimals of number, money and percent.
	Precision *int `json:"precision,omitempty"`

	// Options of select and multiselect; Display is "radio", "checkbox" or "dropdown".
	Options []Option `json:"options,omitempty"`
	Display string   `json:"display,omitempty"`

	// Currency of money fields (ISO 4217, default CNY).
	Currency string `json:"currency,omitempty"`

	// Form is the target form id of relation fields; DisplayField the
	// target field shown for a related record. Multiple allows several.
	Form         string `json:"form,omitempty"`
	DisplayField string `json:"displayField,omitempty"`
	Multiple     bool   `json:"multiple,omitempty"`

	// Lookup fields read LookupField of the record linked by Relation
	// (a relation field key of this form); Live reads it at display time
	// instead of copying it on write.
	Relation    string `json:"relation,omitempty"`
	LookupField string `json:"lookupField,omitempty"`
	Live        bool   `json:"live,omitempty"`

	// Fields of a subform's rows.
	Fields []Field `json:"fields,omitempty"`

	// Serial number pattern.
	Serial *Serial `json:"serial,omitempty"`

	// Expression computes a formula field.
	Expression string `json:"expression,omitempty"`

	// File limits of attachment, image and signature fields.
	MaxFiles     int      `json:"maxFiles,omitempty"`
	MaxFileBytes int64    `json:"maxFileBytes,omitempty"`
	Accept       []string `json:"accept,omitempty"`
}

// Option is one choice of a select field.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Color string `json:"color,omitempty"`
}

// Serial describes a serial number: Prefix, then the date part (a Go-free
// pattern: "YYYY", "YYYYMM", "YYYYMMDD" or empty), then the counter padded
// to Width digits. Reset restarts the counter every "day", "month", "year"
// or "never".
type Serial struct {
	Prefix   string `json:"prefix,omitempty"`
	DatePart string `json:"datePart,omitempty"`
	Width    int    `json:"width,omitempty"`
	Reset    string `json:"reset,omitempty"`
}

// SubmitRule is a form-level validation: Expression must be true, otherwise
// the write fails with Message (per language, "zh-CN" and "en") on Field
// (or on the form when empty).
type SubmitRule struct {
	Expression string            `json:"expression"`
	Message    map[string]string `json:"message"`
	Field      string            `json:"field,omitempty"`
}

// FieldByKey returns the top-level field with key k.
func (d *Definition) FieldByKey(k string) (*Field, bool) {
	for i := range d.Fields {
		if d.Fields[i].Key == k {
			return &d.Fields[i], true
		}
	}
	return nil, false
}
