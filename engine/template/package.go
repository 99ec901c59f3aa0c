package template

import (
	"encoding/json"
	"regexp"
	"sort"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// FormatVersion is the template format this package reads and writes.
const FormatVersion = 1

// Package is one app template: its metadata, forms, roles, the items of
// the registered parts, optional sample data and translations. Parts refer
// to each other by key, never by id.
type Package struct {
	Format   int                              `json:"format"`
	Template Meta                             `json:"template"`
	Forms    []FormSpec                       `json:"forms"`
	Roles    []RoleSpec                       `json:"roles,omitempty"`
	Parts    map[string][]engine.TemplateItem `json:"parts,omitempty"`
	Sample   *Sample                          `json:"sample,omitempty"`
	I18n     map[string]*Overlay              `json:"i18n,omitempty"`
}

// Meta is template.json: what the gallery shows and the app to create.
type Meta struct {
	Format      int               `json:"format,omitempty"`
	Key         string            `json:"key"`
	Version     string            `json:"version"`
	Name        map[string]string `json:"name"`
	Description map[string]string `json:"description,omitempty"`
	Icon        string            `json:"icon,omitempty"`
	Color       string            `json:"color,omitempty"`
	App         AppSpec           `json:"app"`
}

// AppSpec is the app a template creates.
type AppSpec struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Icon        string `json:"icon,omitempty"`
	// Forms is the order of the app's forms (form keys) as the app page
	// lists them; forms it leaves out follow, in the package's order. A
	// template directory's forms are otherwise in file name order.
	Forms []string `json:"forms,omitempty"`
}

// orderForms puts p's forms in the order Template.App.Forms gives (the
// others after, as they were).
func (p *Package) orderForms() {
	if len(p.Template.App.Forms) == 0 {
		return
	}
	pos := map[string]int{}
	for i, k := range p.Template.App.Forms {
		if _, dup := pos[k]; !dup {
			pos[k] = i
		}
	}
	sort.SliceStable(p.Forms, func(i, j int) bool {
		pi, oi := pos[p.Forms[i].Key]
		pj, oj := pos[p.Forms[j].Key]
		if oi && oj {
			return pi < pj
		}
		return oi && !oj
	})
}

// FormSpec is one form: its design with references to other forms by key,
// and its permission sets with roles by key.
type FormSpec struct {
	Key         string          `json:"key"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Definition  form.Definition `json:"definition"`
	Permissions *FormPerms      `json:"permissions,omitempty"`
}

// FormPerms are a form's permission sets. A grant of kind role holds the
// role's key; of kind department, the department's name; member grants
// are not part of templates.
type FormPerms struct {
	Sets []engine.PermissionSet `json:"sets"`
}

// RoleSpec is a workspace role; an existing role of the same name is reused.
type RoleSpec struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Sample is the sample data installed on request.
type Sample struct {
	Members []SampleMember            `json:"members,omitempty"`
	Records map[string][]SampleRecord `json:"records,omitempty"`
	// Notes, written by an export, say which records were left out of the
	// sample or which values cleared, and why; an install ignores them.
	Notes []SampleNote `json:"notes,omitempty"`
}

// SampleNote is one thing an export left out of its sample: a record
// ("dropped", a required value could not travel: Field names it) or a
// value ("cleared", a link to a record outside the app or the sample's
// bound, or a value such as a file that does not travel).
type SampleNote struct {
	Record string `json:"record"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

// SampleMember is a placeholder member (an account without a password,
// who cannot sign in until invited).
type SampleMember struct {
	Key        string   `json:"key"`
	Name       string   `json:"name"`
	Email      string   `json:"email"`
	Roles      []string `json:"roles,omitempty"`
	Department string   `json:"department,omitempty"`
	// Head makes the member a head (负责人) of Department, so approvals
	// and escalations that go to "the head of the department" reach them.
	Head bool `json:"head,omitempty"`
}

// SampleRecord is one sample record: its values (with $ref, $member,
// $daysAgo and $daysFromNow), how many days ago it was created, its
// owner (a sample member's key; the installer when empty) and later
// changes.
type SampleRecord struct {
	Key     string         `json:"key"`
	DaysAgo int            `json:"daysAgo,omitempty"`
	Owner   string         `json:"owner,omitempty"`
	Values  map[string]any `json:"values"`
	Changes []SampleChange `json:"changes,omitempty"`
}

// SampleChange is a later update of a sample record.
type SampleChange struct {
	DaysAgo int            `json:"daysAgo,omitempty"`
	Values  map[string]any `json:"values"`
}

// Overlay translates a template's labels into one language; stored values
// (option values, keys) never change. Parts holds, per part kind, per item
// key, top-level string properties of the item's spec to replace.
type Overlay struct {
	App   *AppSpec                             `json:"app,omitempty"`
	Forms map[string]FormOverlay               `json:"forms,omitempty"`
	Roles map[string]string                    `json:"roles,omitempty"`
	Parts map[string]map[string]map[string]any `json:"-"`
}

// FormOverlay translates a form: its name, field labels and option labels.
type FormOverlay struct {
	Name        string                       `json:"name,omitempty"`
	Description string                       `json:"description,omitempty"`
	Fields      map[string]string            `json:"fields,omitempty"`
	Options     map[string]map[string]string `json:"options,omitempty"`
}

// MarshalJSON writes the overlay's part kinds beside app, forms and roles.
func (o Overlay) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	for k, v := range o.Parts {
		m[k] = v
	}
	if o.App != nil {
		m["app"] = o.App
	}
	if len(o.Forms) > 0 {
		m["forms"] = o.Forms
	}
	if len(o.Roles) > 0 {
		m["roles"] = o.Roles
	}
	return json.Marshal(m)
}

// keyPattern is what template keys (forms, roles, items, sample records,
// members) match.
var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)

// Summary describes a template for the gallery.
type Summary struct {
	Key         string            `json:"key"`
	Version     string            `json:"version"`
	Name        map[string]string `json:"name"`
	Description map[string]string `json:"description,omitempty"`
	Icon        string            `json:"icon,omitempty"`
	Color       string            `json:"color,omitempty"`
	// Counts has the number of forms, roles, items per part kind, sample
	// members and sample records.
	Counts map[string]int `json:"counts"`
}

// Summary counts what p holds.
func (p *Package) Summary() Summary {
	c := map[string]int{"forms": len(p.Forms), "roles": len(p.Roles)}
	for k, items := range p.Parts {
		c[k] = len(items)
	}
	if p.Sample != nil {
		c["sampleMembers"] = len(p.Sample.Members)
		n := 0
		for _, rs := range p.Sample.Records {
			n += len(rs)
		}
		c["sampleRecords"] = n
	}
	return Summary{Key: p.Template.Key, Version: p.Template.Version, Name: p.Template.Name, Description: p.Template.Description,
		Icon: p.Template.Icon, Color: p.Template.Color, Counts: c}
}

// Bundle serialises p as one JSON document (the upload and export format).
func (p *Package) Bundle() ([]byte, error) {
	q := *p
	q.Format = FormatVersion
	q.Template.Format = 0
	return json.MarshalIndent(&q, "", "  ")
}

// form returns the form spec of key.
func (p *Package) form(key string) (*FormSpec, bool) {
	for i := range p.Forms {
		if p.Forms[i].Key == key {
			return &p.Forms[i], true
		}
	}
	return nil, false
}

// clone deep-copies p through JSON.
func (p *Package) clone() *Package {
	b, err := json.Marshal(p)
	if err != nil {
		return p
	}
	var q Package
	if err := json.Unmarshal(b, &q); err != nil {
		return p
	}
	return &q
}
