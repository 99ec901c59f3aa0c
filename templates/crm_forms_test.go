package templates

import (
	"encoding/json"
	"errors"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// crmForm is the part of a template form file this test reads.
type crmForm struct {
	Key        string          `json:"key"`
	Name       string          `json:"name"`
	Definition form.Definition `json:"definition"`
}

func readCRMForms(t *testing.T) map[string]crmForm {
	t.Helper()
	names, err := fs.Glob(FS(), "crm/forms/*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no CRM forms: %v", err)
	}
	out := map[string]crmForm{}
	for _, n := range names {
		raw, err := fs.ReadFile(FS(), n)
		if err != nil {
			t.Fatal(err)
		}
		var f crmForm
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if want := strings.TrimSuffix(path.Base(n), ".json"); f.Key != want {
			t.Errorf("%s: key %q, want %q", n, f.Key, want)
		}
		out[f.Key] = f
	}
	return out
}

// TestCRMFormsValidate checks every CRM form design with the builder's
// own validation (the one publishing applies), and that every relation
// names a form of the template and every lookup a field of the form its
// relation links to.
func TestCRMFormsValidate(t *testing.T) {
	forms := readCRMForms(t)
	for _, want := range []string{"lead", "customer", "contact", "opportunity", "follow_up", "quote", "contract", "payment", "product"} {
		if _, ok := forms[want]; !ok {
			t.Errorf("form %s missing", want)
		}
	}
	b := builder.New(nil)
	for key, f := range forms {
		if err := b.Check(f.Definition); err != nil {
			var ve *engine.ValidationError
			if errors.As(err, &ve) {
				for _, fe := range ve.Fields {
					t.Errorf("%s: %s: %s (%v) %s", key, fe.Path, fe.Code, fe.Params, fe.Message("zh-CN"))
				}
				continue
			}
			t.Errorf("%s: %v", key, err)
		}
		checkRefs(t, key, f.Definition.Fields, forms, f.Definition.Fields)
	}
}

func checkRefs(t *testing.T, key string, fields []form.Field, forms map[string]crmForm, scope []form.Field) {
	for _, fd := range fields {
		switch fd.Type {
		case "relation":
			target, ok := forms[fd.Form]
			if !ok {
				t.Errorf("%s.%s: relation to unknown form %q", key, fd.Key, fd.Form)
			} else if fd.DisplayField != "" {
				if _, ok := target.Definition.FieldByKey(fd.DisplayField); !ok {
					t.Errorf("%s.%s: display field %q not in %s", key, fd.Key, fd.DisplayField, fd.Form)
				}
			}
		case "lookup":
			var rel *form.Field
			for i := range scope {
				if scope[i].Key == fd.Relation {
					rel = &scope[i]
				}
			}
			if rel == nil {
				t.Errorf("%s.%s: lookup through unknown relation %q", key, fd.Key, fd.Relation)
				continue
			}
			if target, ok := forms[rel.Form]; ok {
				if _, ok := target.Definition.FieldByKey(fd.LookupField); !ok {
					t.Errorf("%s.%s: lookup field %q not in %s", key, fd.Key, fd.LookupField, rel.Form)
				}
			}
		case "subform":
			checkRefs(t, key+"."+fd.Key, fd.Fields, forms, fd.Fields)
		}
	}
}

// TestCRMEnglishOverlay checks that the en overlay names every form, field,
// option, role and part item of the CRM, so an English install shows no
// Chinese label.
func TestCRMEnglishOverlay(t *testing.T) {
	raw, err := fs.ReadFile(FS(), "crm/i18n/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]json.RawMessage
	if err := json.Unmarshal(raw, &en); err != nil {
		t.Fatal(err)
	}
	var forms map[string]struct {
		Name    string                       `json:"name"`
		Fields  map[string]string            `json:"fields"`
		Options map[string]map[string]string `json:"options"`
	}
	if err := json.Unmarshal(en["forms"], &forms); err != nil {
		t.Fatal(err)
	}
	var walk func(key string, fields []form.Field)
	walk = func(key string, fields []form.Field) {
		o := forms[key]
		for _, fd := range fields {
			if o.Fields[fd.Key] == "" {
				t.Errorf("en: %s.%s has no label", key, fd.Key)
			}
			for _, opt := range fd.Options {
				if o.Options[fd.Key][opt.Value] == "" {
					t.Errorf("en: %s.%s option %s has no label", key, fd.Key, opt.Value)
				}
			}
			walk(key, fd.Fields)
		}
	}
	for key, f := range readCRMForms(t) {
		if forms[key].Name == "" {
			t.Errorf("en: form %s has no name", key)
		}
		walk(key, f.Definition.Fields)
	}
	var roles map[string]string
	_ = json.Unmarshal(en["roles"], &roles)
	var roleList []struct{ Key string }
	b, _ := fs.ReadFile(FS(), "crm/roles.json")
	_ = json.Unmarshal(b, &roleList)
	for _, r := range roleList {
		if roles[r.Key] == "" {
			t.Errorf("en: role %s has no name", r.Key)
		}
	}
	for _, kind := range []string{"flows", "automations", "alerts", "views", "dashboards", "webhooks"} {
		b, err := fs.ReadFile(FS(), "crm/"+kind+".json")
		if err != nil {
			t.Fatal(err)
		}
		var items []struct{ Key string }
		_ = json.Unmarshal(b, &items)
		var tr map[string]map[string]string
		_ = json.Unmarshal(en[kind], &tr)
		for _, it := range items {
			if len(tr[it.Key]) == 0 {
				t.Errorf("en: %s item %s is not translated", kind, it.Key)
			}
		}
	}
}
