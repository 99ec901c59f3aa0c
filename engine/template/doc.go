// Package template installs, exports and upgrades app templates: packages
// of forms, roles, permission sets, the parts capabilities register on
// the engine's TemplatePartRegistry (stage pipelines, flows, automations,
// views...) and sample data, all referring to each other by key. The
// format is docs/templates.md; the installer validates a package with the
// same rules a user's own design meets (the builder's publish path) and
// installs it all or nothing.
package template
