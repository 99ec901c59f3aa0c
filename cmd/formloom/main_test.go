package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestCommandLine(t *testing.T) {
	scenarios := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr []string
	}{
		{name: "version", args: []string{"version"}, code: 0, stdout: "formloom "},
		{name: "unknown command", args: []string{"serv"}, code: 1,
			stderr: []string{`unknown command "serv"`, "Did you mean this?", "Run 'formloom --help' for usage."}},
		{name: "unknown flag", args: []string{"serve", "--data-dri", "x"}, code: 1,
			stderr: []string{"unknown flag: --data-dri", "Run 'formloom serve --help' for usage"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(sc.args, &out, &errOut); code != sc.code {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, sc.code, errOut.String())
			}
			if !strings.HasPrefix(out.String(), sc.stdout) {
				t.Fatalf("stdout %q, want prefix %q", out.String(), sc.stdout)
			}
			for _, want := range sc.stderr {
				if !strings.Contains(errOut.String(), want) {
					t.Fatalf("stderr lacks %q: %s", want, errOut.String())
				}
			}
		})
	}
}

func TestVersionString(t *testing.T) {
	// A build without -X reads the build information; a test binary has no
	// module version or VCS revision, so it is "dev".
	if v := versionString(); !strings.HasPrefix(v, "dev") && !strings.HasPrefix(v, "v") {
		t.Fatalf("versionString() = %q", v)
	}
	old := version
	t.Cleanup(func() { version = old })
	version = "v1.2.3"
	if v := versionString(); !strings.HasPrefix(v, "v1.2.3") {
		t.Fatalf("with -X main.version: %q", v)
	}
}
