// Package templates holds the app templates Formloom ships, as data: one
// directory per template (templates/<key>/template.json, forms/, roles.json,
// the part files, sample/ and i18n/; docs/templates.md has the format).
// engine/template installs them.
package templates

import (
	"embed"
	"io/fs"
)

//go:generate go run ./crm/gen -out crm/sample

// files embeds every template directory (and this file, which the
// installer ignores: it lists directories with a template.json only).
//
//go:embed *
var files embed.FS

// FS returns the shipped templates, one directory per template key.
func FS() fs.FS { return files }
