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

// capabilities are the engine's capability packages (ARCHITECTURE.md):
// they import the core, never the other way round, and not each other. A
// new capability package is added here; any other package under engine/
// except the store adapters counts as core.
var capabilities = map[string]bool{
	"tabular": true, "access": true, "jobs": true, "workflow": true, "automation": true,
	"notify": true, "webhook": true, "report": true, "live": true,
}

// sharedCapabilities may be imported by the other capabilities: the
// background-work runtime they all run on.
var sharedCapabilities = map[string]bool{"jobs": true}

// storeAdapters implement the store contract with a driver; only cmd and
// tests pick one.
var storeAdapters = map[string]bool{"store/sqlitestore": true, "store/mongostore": true, "store/storetest": true}

// TestCoreLinksNoNetHTTP: the engine core (package engine and every
// subpackage that is neither a capability nor a store adapter) links no
// net/http, so serving HTTP stays the server's business; capabilities
// import no other capability.
func TestCoreLinksNoNetHTTP(t *testing.T) {
	const root = "github.com/formloom/formloom/engine"
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, deps := fields[0], fields[1:]
		rel, ok := strings.CutPrefix(pkg, root+"/")
		switch {
		case pkg == root:
			rel = ""
		case !ok:
			continue // a dependency, listed by -deps
		case storeAdapters[rel]:
			continue
		}
		top, _, _ := strings.Cut(rel, "/")
		checked++
		for _, dep := range deps {
			if dep == "net/http" && !capabilities[top] {
				t.Errorf("core package %s links net/http", pkg)
			}
			if other, isEngine := strings.CutPrefix(dep, root+"/"); isEngine && capabilities[top] {
				// engine/jobs is the runtime every capability runs on:
				// importing it is allowed (sharedCapabilities).
				if otherTop, _, _ := strings.Cut(other, "/"); capabilities[otherTop] && otherTop != top && !sharedCapabilities[otherTop] {
					t.Errorf("capability %s imports capability %s", pkg, dep)
				}
			}
		}
	}
	if checked < 7 {
		t.Fatalf("checked only %d engine packages", checked)
	}
}
