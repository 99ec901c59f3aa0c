package main

import (
	"io/fs"

	"github.com/formloom/formloom/ui"
)

// uiFiles returns the embedded browser app, or nil when the binary was built
// without it (-tags noui); the server then serves a page saying the UI is
// not built.
func uiFiles() fs.FS {
	if !ui.Built() {
		return nil
	}
	return ui.FS()
}
