package main

import "io/fs"

// uiFiles returns the embedded browser app, or nil while the ui package
// (github.com/formloom/formloom/ui, built from the UI issue) does not exist;
// the server then serves a page saying the UI is not built. When ui lands,
// return its embedded dist folder here.
func uiFiles() fs.FS { return nil }
