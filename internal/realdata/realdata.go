// Package realdata locates the real trace recordings of the project's workspace (../shared/data/traces beside
// the repository) for tests and benchmarks, which read them in place and never copy them.
package realdata

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Dir returns the folder of real trace recordings. Where it is absent, as in a user's fresh clone, it
// skips tb with a message saying so; in CI (CI=true) its absence fails tb.
func Dir(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("realdata: cannot locate the source file")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", "traces")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("realdata: the real trace recordings are missing in CI: %v", err)
		}
		tb.Skipf("realdata: %s is absent (a fresh clone has no ../shared); skipping the tests on real traces", dir)
	}
	return dir
}

// File returns the path of one real recording, relative to Dir, such as
// "zipkin-v2-json/openzipkin-zipkin__yelp.json"; it skips or fails tb as Dir does.
func File(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(Dir(tb), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("realdata: %v", err)
	}
	return p
}

// Files lists every recording (each .json or .jsonl file) below Dir, relative to it, such as
// "zipkin-v2-json/openzipkin-zipkin__yelp.json"; it skips or fails tb as Dir does.
func Files(tb testing.TB) []string {
	tb.Helper()
	dir := Dir(tb)
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasPrefix(filepath.Ext(p), ".json") {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	if err != nil || len(files) == 0 {
		tb.Fatalf("realdata: listing %s: %v (%d files)", dir, err, len(files))
	}
	return files
}
