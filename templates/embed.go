// Package templates holds the app templates Formloom ships, as data: each
// directory is one package in the template format (docs/templates.md),
// embedded so the binary carries them. The installer lives in
// engine/template; nothing here is code the engine runs.
package templates

import "embed"

//go:generate go run ./crm/gen -out crm/sample

// FS holds the shipped templates, one directory per template key. The
// patterns name the data of each template, leaving out its generator
// (crm/gen, the program that writes crm/sample).
//
//go:embed crm/*.json crm/forms crm/i18n crm/sample
var FS embed.FS
