package builder

import (
	"encoding/json"
	"reflect"
	"sort"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// Diff lists what changed between two designs, field by field, in the order
// of the new design (removed fields last).
func Diff(prev, next form.Definition) []engine.Change {
	old := map[string]form.Field{}
	for _, f := range prev.Fields {
		old[f.Key] = f
	}
	seen := map[string]bool{}
	var out []engine.Change
	for _, f := range next.Fields {
		seen[f.Key] = true
		o, ok := old[f.Key]
		if !ok {
			out = append(out, engine.Change{Kind: "added", Field: f.Key, To: f.Type})
			continue
		}
		if props := changedProps(o, f); len(props) > 0 {
			c := engine.Change{Kind: "changed", Field: f.Key, Props: props}
			if o.Type != f.Type {
				c.From, c.To = o.Type, f.Type
			}
			out = append(out, c)
		}
	}
	for _, f := range prev.Fields {
		if !seen[f.Key] {
			out = append(out, engine.Change{Kind: "removed", Field: f.Key, From: f.Type})
		}
	}
	if !reflect.DeepEqual(prev.SubmitRules, next.SubmitRules) {
		out = append(out, engine.Change{Kind: "changed", Field: "", Props: []string{"submitRules"}})
	}
	out = append(out, extensionChanges(prev, next)...)
	return out
}

// changedProps names the JSON properties that differ between two versions of a field.
func changedProps(a, b form.Field) []string {
	var ma, mb map[string]any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &ma)
	_ = json.Unmarshal(jb, &mb)
	var props []string
	for k, va := range ma {
		if !reflect.DeepEqual(va, mb[k]) {
			props = append(props, k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			props = append(props, k)
		}
	}
	sort.Strings(props)
	return props
}

// extensionChanges lists the capability settings (form.Definition.Extensions)
// that differ, like submit rules: a change of the form ("" field) whose
// property is "extensions.<name>", so a publish that only changes a stage
// pipeline is a change.
func extensionChanges(prev, next form.Definition) []engine.Change {
	names := map[string]bool{}
	for k := range prev.Extensions {
		names[k] = true
	}
	for k := range next.Extensions {
		names[k] = true
	}
	var props []string
	for k := range names {
		if !jsonEqual(prev.Extensions[k], next.Extensions[k]) {
			props = append(props, "extensions."+k)
		}
	}
	if len(props) == 0 {
		return nil
	}
	sort.Strings(props)
	return []engine.Change{{Kind: "changed", Field: "", Props: props}}
}

// jsonEqual compares two JSON texts by value (key order and spacing aside).
func jsonEqual(a, b json.RawMessage) bool {
	var va, vb any
	if len(a) > 0 && json.Unmarshal(a, &va) != nil {
		return false
	}
	if len(b) > 0 && json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}
