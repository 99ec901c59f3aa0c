package templates_test

import (
	"context"
	"io/fs"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/template"
	"github.com/formloom/formloom/templates"
)

// Every shipped template parses (its structure and references); a
// template that does not would be left out of the gallery.
func TestShippedTemplatesParse(t *testing.T) {
	svc := template.New(nil, templates.FS(), template.Options{})
	list, err := svc.List(context.Background(), engine.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fsDirs()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(entries) {
		t.Fatalf("%d templates listed, %d directories with a template.json", len(list), len(entries))
	}
	for _, key := range entries {
		if _, err := svc.Load(key); err != nil {
			t.Errorf("template %s: %v", key, err)
		}
	}
}

// fsDirs lists the directories of templates.FS with a template.json.
func fsDirs() ([]string, error) {
	entries, err := fs.ReadDir(templates.FS(), ".")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if _, err := fs.Stat(templates.FS(), e.Name()+"/template.json"); e.IsDir() && err == nil {
			out = append(out, e.Name())
		}
	}
	return out, nil
}
