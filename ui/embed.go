//go:build !noui

// Package ui holds the browser app's built bundle (ui/dist, committed) so the
// Go binary serves it with no Node at build time. Build with -tags noui to
// leave it out (FS is then empty and Built reports false).
package ui

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS returns the built bundle with the dist directory as its root
// (index.html, assets/…).
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at compile time; Sub cannot fail on it.
	}
	return sub
}

// Built reports whether the bundle holds an index.html.
func Built() bool {
	_, err := fs.Stat(FS(), "index.html")
	return err == nil
}
