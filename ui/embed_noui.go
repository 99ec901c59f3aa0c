//go:build noui

package ui

import (
	"io/fs"
	"testing/fstest"
)

// FS returns an empty file system: this binary was built without the UI.
func FS() fs.FS { return fstest.MapFS{} }

// Built reports false: this binary was built without the UI.
func Built() bool { return false }
