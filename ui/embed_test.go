package ui

import (
	"io/fs"
	"strings"
	"testing"
)

func TestBundle(t *testing.T) {
	if !Built() {
		t.Skip("built with -tags noui")
	}
	b, err := fs.ReadFile(FS(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "/assets/") {
		t.Fatalf("index.html does not reference the hashed assets: %s", b)
	}
	matches, err := fs.Glob(FS(), "assets/*.js")
	if err != nil || len(matches) == 0 {
		t.Fatalf("no JavaScript assets: %v", err)
	}
}
