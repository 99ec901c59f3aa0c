// Package templates holds the app templates Formloom ships, as data: each
// directory is one package in the template format (docs/templates.md),
// embedded so the binary carries them. The installer lives in
// engine/template; nothing here is code the engine runs.
package templates

import "embed"

// FS holds the shipped templates, one directory per template key.
//
//go:embed all:crm
var FS embed.FS
