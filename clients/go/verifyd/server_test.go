package verifyd_test

// TestMain starts one real verifyd server for the package's tests (see
// docs/server-contract.md): binary from $VERIFYD_BIN, or target/debug/verifyd of the
// repository; 127.0.0.1:0, a temporary data dir, --clock manual. After the tests it gets
// SIGTERM and must exit 0.

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	apiKey     = "dev-api-key-0123456789"
	adminToken = "dev-admin-token-0123456789"
	tenantID   = "default"
)

// target is the address of the server started by TestMain.
var target string

func TestMain(m *testing.M) { os.Exit(runWithServer(m)) }

func verifydBin() (string, error) {
	if p := os.Getenv("VERIFYD_BIN"); p != "" {
		return filepath.Abs(p)
	}
	// The test runs in clients/go/verifyd; the default is relative to clients/go.
	return filepath.Abs(filepath.Join("..", "..", "..", "target", "debug", "verifyd"))
}

func runWithServer(m *testing.M) int {
	bin, err := verifydBin()
	if err == nil {
		_, err = os.Stat(bin)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: verifyd binary not found (%v): build it (cargo build --bin verifyd) or set VERIFYD_BIN\n", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "verifyd-go-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	stderrPath := filepath.Join(tmp, "verifyd.stderr.log")
	stderr, err := os.Create(stderrPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	defer stderr.Close()
	tail := func() string {
		b, _ := os.ReadFile(stderrPath)
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		if len(lines) > 40 {
			lines = lines[len(lines)-40:]
		}
		return strings.Join(lines, "\n")
	}

	cmd := exec.Command(bin, "serve",
		"--listen", "127.0.0.1:0",
		"--data-dir", filepath.Join(tmp, "data"),
		"--admin-token", adminToken,
		"--bootstrap-api-key", apiKey,
		"--clock", "manual")
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: start verifyd:", err)
		return 1
	}
	exited := make(chan error, 1)
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`listening on (\S+)`)
		sc := bufio.NewScanner(stdout)
		found := false
		for sc.Scan() { // keep draining stdout after the first line
			if m := re.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				addr <- m[1]
			}
		}
		exited <- cmd.Wait()
	}()
	select {
	case target = <-addr:
	case err := <-exited:
		fmt.Fprintf(os.Stderr, "FAIL: verifyd exited before listening (%v); stderr:\n%s\n", err, tail())
		return 1
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		fmt.Fprintf(os.Stderr, "FAIL: verifyd did not print 'listening on ...' within 60s; stderr:\n%s\n", tail())
		return 1
	}

	code := m.Run()

	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: verifyd did not exit 0 after SIGTERM: %v; stderr:\n%s\n", err, tail())
			code = 1
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		fmt.Fprintf(os.Stderr, "FAIL: verifyd still running 30s after SIGTERM; stderr:\n%s\n", tail())
		code = 1
	}
	return code
}
