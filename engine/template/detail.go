package template

import "encoding/json"

// Detail is a template as the gallery's detail page shows it: its summary,
// its forms with their fields, and the items of every part.
type Detail struct {
	Summary
	Forms []FormDetail            `json:"forms"`
	Parts map[string][]ItemDetail `json:"parts"`
}

// FormDetail is one form of a template.
type FormDetail struct {
	Key    string        `json:"key"`
	Name   string        `json:"name"`
	Fields []FieldDetail `json:"fields"`
}

// FieldDetail is one field of a template's form.
type FieldDetail struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Label string `json:"label"`
}

// ItemDetail is one item of a part: its key and name (the spec's "name"
// or "title", else the key).
type ItemDetail struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// DetailOf describes p.
func DetailOf(p *Package) Detail {
	d := Detail{Summary: p.Summary(), Forms: []FormDetail{}, Parts: map[string][]ItemDetail{}}
	for _, f := range p.Forms {
		fd := FormDetail{Key: f.Key, Name: f.Name, Fields: []FieldDetail{}}
		for _, x := range f.Definition.Fields {
			fd.Fields = append(fd.Fields, FieldDetail{Key: x.Key, Type: x.Type, Label: x.Label})
		}
		d.Forms = append(d.Forms, fd)
	}
	for kind, items := range p.Parts {
		list := make([]ItemDetail, 0, len(items))
		for _, it := range items {
			list = append(list, ItemDetail{Key: it.Key, Name: itemName(it.Spec, it.Key)})
		}
		d.Parts[kind] = list
	}
	return d
}

func itemName(spec json.RawMessage, key string) string {
	var m map[string]any
	if json.Unmarshal(spec, &m) == nil {
		for _, k := range []string{"name", "title"} {
			if s, ok := m[k].(string); ok && s != "" {
				return s
			}
		}
	}
	return key
}
