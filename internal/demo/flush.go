package demo

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/otelsessions/otelsessions/internal/tally"
	"github.com/otelsessions/otelsessions/session"
)

// flusher is the demo's session sink: a tally.Sink whose figures it takes at every flush (at each minute
// boundary by default), adds to the running totals and prints, one line per release and minute that
// changed, with the minute's figures so far.
type flusher struct {
	tally.Sink
	out   io.Writer
	every time.Duration // 0: at each UTC minute boundary

	mu      sync.Mutex // guards what a flush changes
	total   session.Summary
	outside int64

	stop, done chan struct{}
}

func newFlusher(out io.Writer, every time.Duration) *flusher {
	if out == nil {
		out = io.Discard
	}
	return &flusher{out: out, every: every, stop: make(chan struct{}), done: make(chan struct{})}
}

// start flushes in the background until close.
func (f *flusher) start() {
	go func() {
		defer close(f.done)
		timer := time.NewTimer(f.untilNext(time.Now()))
		defer timer.Stop()
		for {
			select {
			case <-f.stop:
				return
			case now := <-timer.C:
				f.flush(now)
				timer.Reset(f.untilNext(time.Now()))
			}
		}
	}()
}

// close stops the background flushes, then flushes what is left.
func (f *flusher) close() {
	close(f.stop)
	<-f.done
	f.flush(time.Now())
}

func (f *flusher) untilNext(now time.Time) time.Duration {
	if f.every > 0 {
		return f.every
	}
	return session.Minute(now).Add(time.Minute).Sub(now)
}

// flush takes what was counted since the last flush and prints it.
func (f *flusher) flush(now time.Time) {
	delta, outside := f.Take()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total.Merge(delta)
	f.outside += outside
	if delta.Len() == 0 && outside == 0 {
		return
	}
	totals := make(map[string]session.Counts, f.total.Len())
	for _, b := range f.total.Buckets() {
		totals[bucketKey(b)] = b.Counts
	}
	var sb strings.Builder
	for _, b := range delta.Buckets() {
		c := totals[bucketKey(b)]
		fmt.Fprintf(&sb, "flushed %s  minute %s  %s %s %s  started %d  unhandled %d  handled %d  stability %s\n",
			now.UTC().Format(time.TimeOnly), b.Minute.Format(time.RFC3339), b.Release.Service,
			b.Release.Version, b.Release.ReleaseStage, c.Started, c.Unhandled, c.Handled, stability(c))
	}
	if outside > 0 {
		fmt.Fprintf(&sb, "flushed %s  %s outside sessions\n", now.UTC().Format(time.TimeOnly),
			count(outside, "error event", "error events"))
	}
	_, _ = io.WriteString(f.out, sb.String())
}

// totals returns the figures of every flush so far.
func (f *flusher) totals() (session.Summary, int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var s session.Summary
	s.Merge(&f.total)
	return s, f.outside
}

func bucketKey(b session.Bucket) string {
	return b.Release.Service + "\x00" + b.Release.Version + "\x00" + b.Release.ReleaseStage + "\x00" +
		b.Minute.Format(time.RFC3339)
}

func stability(c session.Counts) string {
	s, ok := c.Stability()
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", s*100)
}
