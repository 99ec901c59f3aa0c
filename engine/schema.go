package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/i18n"
)

// refusingLoader refuses every external reference: a form schema is
// self-contained, and file or network references must never be followed.
type refusingLoader struct{}

func (refusingLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema references to %q are not allowed", url)
}

// compileSchema builds the JSON Schema 2020-12 of a form version: an object
// whose properties are the fields' fragments (archived fields accept any
// value they had) and nothing else.
func compileSchema(id string, fields []*cfield, archived []form.Field) (*jsonschema.Schema, error) {
	props := map[string]any{}
	for _, f := range fields {
		props[f.def.Key] = f.typ.Schema(f.def)
	}
	for _, a := range archived {
		if _, ok := props[a.Key]; !ok {
			props[a.Key] = true
		}
	}
	doc := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(refusingLoader{})
	url := "urn:formloom:form:" + id
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("engine: schema of %s: %w", id, err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("engine: schema of %s: %w", id, err)
	}
	return sch, nil
}

var schemaPrinter = message.NewPrinter(language.English)

// schemaErrors flattens a validation error into per-field errors.
func schemaErrors(err error) []field.Error {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []field.Error{{Path: "", Code: CodeSchema, Params: map[string]any{"reason": err.Error()}}}
	}
	var out []field.Error
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			kw := e.ErrorKind.KeywordPath()
			code := CodeSchema
			if len(kw) > 0 && i18n.Has(i18n.En, CodeSchema+"_"+kw[len(kw)-1]) {
				code = CodeSchema + "_" + kw[len(kw)-1]
			}
			out = append(out, field.Error{Path: instancePath(e.InstanceLocation), Code: code,
				Params: map[string]any{"reason": e.ErrorKind.LocalizedString(schemaPrinter)}})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out
}

// instancePath renders ["items","2","price"] as "items[2].price".
func instancePath(loc []string) string {
	var b strings.Builder
	for _, s := range loc {
		if _, err := strconv.Atoi(s); err == nil {
			b.WriteString("[" + s + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}
