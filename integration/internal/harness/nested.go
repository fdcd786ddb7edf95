package harness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// nested holds the binaries BuildNested built, once each per test binary.
var nested struct {
	mu     sync.Mutex
	dir    string // a temporary folder that outlives single tests; Main removes it
	builds map[string]*nestedBuild
}

type nestedBuild struct {
	once sync.Once
	bin  string
	out  []byte
	err  error
	took time.Duration
}

// BuildNested builds the package pkg ("." or an import path) of the nested Go module in dir, a folder
// relative to the repository's root such as "integration/gateway", with `go build` run inside that folder,
// so that the module's own go.mod, not the repository's, chooses every version. It builds each (dir, pkg)
// once per test binary, names the executable name and returns its path. It skips tb under -short (a
// Collector build from a cold cache takes minutes) and on Windows (the harness stops processes with
// SIGTERM), and fails tb if the build fails, or stops it and fails tb with a message saying so when the test
// binary's -timeout would otherwise end the run in the middle of the build.
func BuildNested(tb testing.TB, dir, pkg, name string) string {
	tb.Helper()
	if testing.Short() {
		tb.Skipf("skipping: -short, and this test builds %s from the nested module %s (minutes from a cold cache)",
			name, dir)
	}
	if runtime.GOOS == "windows" {
		tb.Skip("skipping on Windows: the harness stops the processes it starts with SIGTERM")
	}
	b := nestedEntry(dir, pkg)
	b.once.Do(func() {
		start := time.Now()
		b.err = nestedDir()
		if b.err != nil {
			return
		}
		b.bin = filepath.Join(nested.dir, filepath.Base(dir)+"-"+name)
		ctx, cancel := buildContext(tb)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b.bin, pkg) //nolint:gosec // the caller's arguments
		cmd.Dir = filepath.Join(repoRoot(), filepath.FromSlash(dir))
		cmd.WaitDelay = 10 * time.Second
		b.out, b.err = cmd.CombinedOutput()
		b.took = time.Since(start)
		if ctx.Err() != nil {
			b.err = fmt.Errorf("stopped after %s, %s before the test binary's -timeout: %w (a build from a cold "+
				"cache takes minutes on two busy cores; the build cache keeps what was compiled, so run the test "+
				"again, or with a longer -timeout)", b.took.Round(time.Second), buildMargin, ctx.Err())
		}
	})
	if b.err != nil {
		tb.Fatalf("go build %s in %s: %v\n%s", pkg, dir, b.err, b.out)
	}
	tb.Logf("%s binary: %s (built from %s once per test binary, in %s)", name, b.bin, dir,
		b.took.Round(time.Millisecond))
	return b.bin
}

// buildMargin is the time BuildNested leaves, after stopping a build, before the test binary's -timeout.
const buildMargin = 90 * time.Second

// buildContext ends buildMargin before tb's deadline, the test binary's -timeout, if it has one.
func buildContext(tb testing.TB) (context.Context, context.CancelFunc) {
	tb.Helper()
	if d, ok := tb.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, ok := d.Deadline(); ok {
			return context.WithDeadline(tb.Context(), deadline.Add(-buildMargin))
		}
	}
	return context.WithCancel(tb.Context())
}

// nestedEntry returns the build of (dir, pkg), adding it on first use.
func nestedEntry(dir, pkg string) *nestedBuild {
	nested.mu.Lock()
	defer nested.mu.Unlock()
	if nested.builds == nil {
		nested.builds = map[string]*nestedBuild{}
	}
	key := dir + "\x00" + pkg
	if nested.builds[key] == nil {
		nested.builds[key] = &nestedBuild{}
	}
	return nested.builds[key]
}

// nestedDir creates the folder of the nested builds on first use.
func nestedDir() error {
	nested.mu.Lock()
	defer nested.mu.Unlock()
	if nested.dir != "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "otelsessions-nested-build-")
	nested.dir = dir
	return err
}

// repoRoot is the repository's root folder, three levels above this file's.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// removeNested removes the folder of the nested builds, if any.
func removeNested() {
	nested.mu.Lock()
	defer nested.mu.Unlock()
	if nested.dir != "" {
		_ = os.RemoveAll(nested.dir)
	}
}
