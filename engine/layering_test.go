package engine_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestEngineImportsNoDriverOrHTTP enforces the layering of ARCHITECTURE.md:
// the engine knows nothing of HTTP frameworks or database drivers.
func TestEngineImportsNoDriverOrHTTP(t *testing.T) {
	forbidden := []string{"github.com/gofiber", "github.com/valyala/fasthttp", "go.mongodb.org/mongo-driver", "modernc.org/sqlite", "github.com/FerretDB"}
	for _, pkg := range []string{".", "./store", "./form"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Split(string(out), "\n") {
			for _, f := range forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s imports %s", pkg, dep)
				}
			}
		}
	}
}

// TestStoreContractIsStdlibOnly keeps engine/store free of third-party imports.
func TestStoreContractIsStdlibOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./store").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != "github.com/formloom/formloom/engine/store" {
			t.Errorf("engine/store imports non-standard package %s", dep)
		}
	}
}
