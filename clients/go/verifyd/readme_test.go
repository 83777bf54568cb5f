package verifyd_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeExample runs the README's example program as written, against the test server.
func TestReadmeExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program; skipped with -short")
	}
	moduleDir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(moduleDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- newcomer:file main.go -->\n```go\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README example not found")
	}
	dir := t.TempDir()
	goMod := "module readmeexample\n\ngo 1.24.0\n\nrequire github.com/verifyd/verifyd/clients/go v0.0.0\n\n" +
		"replace github.com/verifyd/verifyd/clients/go => " + moduleDir + "\n"
	sum, err := os.ReadFile(filepath.Join(moduleDir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"main.go": m[1], "go.mod": []byte(goMod), "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "VERIFYD_TARGET="+target, "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("mod", "tidy")
	lines := strings.Split(strings.TrimSpace(run("run", ".")), "\n")
	want := []string{"CHECK_RESULT_VERIFIED", "InvalidArgument INVALID_CHANNEL [routing_strategy[0].channel]"}
	if len(lines) != 2 || lines[0] != want[0] || lines[1] != want[1] {
		t.Fatalf("README example printed %q, want %q", lines, want)
	}
}
