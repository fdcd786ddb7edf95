package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const example = "../../examples/traces/shop.otlp.json"

// report is the part of replay's JSON output the tests read.
type report struct {
	Spans                 int64    `json:"spans"`
	Traces                int64    `json:"traces"`
	SessionsStarted       int64    `json:"sessionsStarted"`
	SessionsHandled       int64    `json:"sessionsHandled"`
	SessionsUnhandled     int64    `json:"sessionsUnhandled"`
	HandledEvents         int64    `json:"handledEvents"`
	UnhandledEvents       int64    `json:"unhandledEvents"`
	ErrorsOutsideSessions int64    `json:"errorsOutsideSessions"`
	Stability             *float64 `json:"stability"`
	Releases              []struct {
		Service           string `json:"service"`
		Version           string `json:"version"`
		ReleaseStage      string `json:"releaseStage"`
		SessionsStarted   int64  `json:"sessionsStarted"`
		SessionsUnhandled int64  `json:"sessionsUnhandled"`
		Minutes           []struct {
			StartedAt       string `json:"startedAt"`
			SessionsStarted int64  `json:"sessionsStarted"`
		} `json:"minutes"`
	} `json:"releases"`
	Minutes []struct {
		StartedAt         string `json:"startedAt"`
		SessionsStarted   int64  `json:"sessionsStarted"`
		SessionsUnhandled int64  `json:"sessionsUnhandled"`
		SessionsHandled   int64  `json:"sessionsHandled"`
	} `json:"minutes"`
	Files []struct {
		Name   string `json:"name"`
		Format string `json:"format"`
		Spans  int    `json:"spans"`
		Error  string `json:"error"`
	} `json:"files"`
}

func runCmd(t *testing.T, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(t.Context(), args, stdin, &out, &errOut)
	return code, out.String(), errOut.String()
}

func decode(t *testing.T, s string) report {
	t.Helper()
	var r report
	require.NoError(t, json.Unmarshal([]byte(s), &r), s)
	return r
}

// TestReplayExample checks the example file against figures read off it by hand: shop has 5 SERVER root
// spans (traces 1-5): /checkout ends in Error with an escaped exception (unhandled), /product's INTERNAL child
// records an exception without escaping (handled), /missing answers 404 with status Unset (no error); four
// start in 15:04 and one in 15:05. shop-worker's only span is a CONSUMER root in Error: outside any session.
func TestReplayExample(t *testing.T) {
	code, out, errOut := runCmd(t, nil, "replay", "--format", "json", example)
	require.Equal(t, exitOK, code, errOut)
	r := decode(t, out)
	assert.Equal(t, int64(8), r.Spans)
	assert.Equal(t, int64(6), r.Traces)
	assert.Equal(t, int64(5), r.SessionsStarted)
	assert.Equal(t, int64(1), r.SessionsUnhandled)
	assert.Equal(t, int64(1), r.SessionsHandled)
	assert.Equal(t, int64(1), r.HandledEvents)
	assert.Equal(t, int64(1), r.UnhandledEvents)
	assert.Equal(t, int64(1), r.ErrorsOutsideSessions)
	require.NotNil(t, r.Stability)
	assert.InDelta(t, 0.8, *r.Stability, 1e-9)
	require.Len(t, r.Releases, 1)
	assert.Equal(t, "shop", r.Releases[0].Service)
	assert.Equal(t, "1.4.2", r.Releases[0].Version)
	assert.Equal(t, "production", r.Releases[0].ReleaseStage)
	require.Len(t, r.Minutes, 2)
	assert.Equal(t, "2026-12-03T15:04:00Z", r.Minutes[0].StartedAt)
	assert.Equal(t, int64(4), r.Minutes[0].SessionsStarted)
	assert.Equal(t, int64(1), r.Minutes[0].SessionsUnhandled)
	assert.Equal(t, "2026-12-03T15:05:00Z", r.Minutes[1].StartedAt)
	assert.Equal(t, int64(1), r.Minutes[1].SessionsStarted)
}

func TestReplayTable(t *testing.T) {
	code, out, errOut := runCmd(t, nil, "replay", example)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "SERVICE")
	assert.Regexp(t, `shop\s+1\.4\.2\s+production\s+all\s+5\s+1\s+1\s+80\.00%`, out)
	assert.Regexp(t, `2026-12-03T15:04:00Z\s+4\s+1\s+1\s+75\.00%`, out)
	assert.Contains(t, out, "8 spans, 6 traces; in sessions 1 handled error event and 1 unhandled error event; "+
		"1 error event outside sessions")
}

func TestReplayReadsStdin(t *testing.T) {
	f, err := os.Open(example)
	require.NoError(t, err)
	defer f.Close()
	code, out, errOut := runCmd(t, f, "replay", "-", "--format=json")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, int64(5), decode(t, out).SessionsStarted)
}

func TestReplayBadFileKeepsTheGoodOnes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.json")
	good, err := os.ReadFile(example)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bad, good[:len(good)/2], 0o600))
	missing := filepath.Join(dir, "missing.json")
	code, out, errOut := runCmd(t, nil, "replay", "--format", "json", bad, example, missing)
	assert.Equal(t, exitFailed, code)
	r := decode(t, out)
	assert.Equal(t, int64(5), r.SessionsStarted, "the good file is still reported")
	require.Len(t, r.Files, 3)
	assert.Contains(t, r.Files[0].Error, "broken.json:")
	assert.Empty(t, r.Files[1].Error)
	assert.Contains(t, r.Files[2].Error, "missing.json")
	assert.Contains(t, errOut, "broken.json:")
	assert.Contains(t, errOut, "missing.json")
}

func TestUsageErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no command":     nil,
		"unknown":        {"frobnicate"},
		"no file":        {"replay"},
		"bad format":     {"replay", "--format", "xml", example},
		"unknown flag":   {"replay", "--nope", example},
		"missing value":  {"replay", example, "--format"},
		"bad duration":   {"replay", "--progress", "soon", example},
		"format no file": {"replay", "--format", "json"},
		"stdin twice":    {"replay", "-", "-"},
		"negative tick":  {"replay", "--progress=-1s", example},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCmd(t, nil, args...)
			assert.Equal(t, exitBadUsage, code)
			assert.Empty(t, out)
			assert.NotEmpty(t, errOut)
		})
	}
}

// TestProgressOnSlowRuns feeds stdin through a pipe that delivers the data only once a progress line has
// appeared on stderr, so the run lasts longer than the progress interval without any sleep.
func TestProgressOnSlowRuns(t *testing.T) {
	data, err := os.ReadFile(example)
	require.NoError(t, err)
	pr, pw := io.Pipe()
	stderr := &notifyingBuffer{want: "spans read", seen: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Go(func() {
		<-stderr.seen
		_, _ = pw.Write(data)
		_ = pw.Close()
	})
	var out bytes.Buffer
	code := run(t.Context(), []string{"replay", "--progress", "10ms", "--format", "json", "-"}, pr, &out, stderr)
	wg.Wait()
	require.Equal(t, exitOK, code, stderr.String())
	assert.Contains(t, stderr.String(), "otelsessions: ")
	assert.Contains(t, stderr.String(), "file 1 of 1")
	assert.Equal(t, int64(5), decode(t, out.String()).SessionsStarted)
}

// notifyingBuffer is a concurrency-safe buffer that closes seen once want has been written.
type notifyingBuffer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (b *notifyingBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if strings.Contains(b.buf.String(), b.want) {
		b.once.Do(func() { close(b.seen) })
	}
	return n, err
}

func (b *notifyingBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
