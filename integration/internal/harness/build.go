package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// collectorPackage is the import path of the distribution the tests run.
const collectorPackage = "github.com/otelsessions/otelsessions/cmd/otelcol-sessions"

var build struct {
	once sync.Once
	dir  string // a temporary folder that outlives single tests; Main removes it
	bin  string
	out  []byte
	err  error
	took time.Duration
}

// BuildCollector builds ./cmd/otelcol-sessions once per test binary and returns the path of the executable.
// It skips tb under -short (the build takes up to a minute on a busy machine) and on Windows (the tests stop
// the Collector with SIGTERM), and fails tb if the build fails.
func BuildCollector(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("skipping: -short, and this test builds and runs the otelcol-sessions binary (up to a minute)")
	}
	if runtime.GOOS == "windows" {
		tb.Skip("skipping on Windows: the harness stops the Collector with SIGTERM")
	}
	built := false
	build.once.Do(func() {
		built = true
		start := time.Now()
		// Not tb.TempDir: the binary serves every later test of the binary, and Main removes it.
		build.dir, build.err = os.MkdirTemp("", "otelcol-sessions-build-") //nolint:usetesting // see above
		if build.err != nil {
			return
		}
		build.bin = filepath.Join(build.dir, "otelcol-sessions")
		cmd := exec.Command("go", "build", "-o", build.bin, collectorPackage) //nolint:gosec // fixed arguments
		build.out, build.err = cmd.CombinedOutput()
		build.took = time.Since(start)
	})
	if build.err != nil {
		tb.Fatalf("go build %s: %v\n%s", collectorPackage, build.err, build.out)
	}
	if built {
		tb.Logf("built otelcol-sessions in %s: %s", build.took.Round(time.Millisecond), build.bin)
	}
	return build.bin
}

// removeBuild removes the folder of the built binary, if any.
func removeBuild() {
	if build.dir != "" {
		_ = os.RemoveAll(build.dir)
	}
}
