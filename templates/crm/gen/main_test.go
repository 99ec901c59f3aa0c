package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSampleIsGenerated: the committed sample files are exactly what the
// generator writes, so nobody edits them by hand and a change of the
// generator is committed with its output (run go generate ./templates/).
func TestSampleIsGenerated(t *testing.T) {
	dir := t.TempDir()
	if _, err := generate(dir); err != nil {
		t.Fatal(err)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("nothing generated: %v", err)
	}
	committed, _ := filepath.Glob(filepath.Join("..", "sample", "*.json"))
	if len(committed) != len(names) {
		t.Errorf("%d committed sample files, the generator writes %d", len(committed), len(names))
	}
	for _, n := range names {
		want, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", "sample", filepath.Base(n)))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(n), err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("sample/%s differs from the generator's output: run go generate ./templates/", filepath.Base(n))
		}
	}
}
