package session

import (
	"cmp"
	"slices"
	"time"
)

// Release identifies what a stability score is computed for: a service at a version in a release stage.
type Release struct {
	Service      string
	Version      string
	ReleaseStage string
}

// Bucket is the figures of one release in one UTC minute.
type Bucket struct {
	Release Release
	Minute  time.Time
	Counts  Counts
}

type bucketKey struct {
	release Release
	minute  int64 // Unix seconds of the UTC minute
}

// Summary aggregates sessions per release and per minute. The zero value is ready to use; a Summary is not
// safe for concurrent use.
type Summary struct {
	buckets map[bucketKey]*Counts
}

// AddSession counts a session of release r that started at startedAt with the given error events.
func (s *Summary) AddSession(r Release, startedAt time.Time, ev EventCounts) {
	s.counts(r, startedAt).AddSession(ev)
}

// AddCounts adds ready-made figures for release r in the minute of t.
func (s *Summary) AddCounts(r Release, t time.Time, c Counts) {
	s.counts(r, t).Add(c)
}

func (s *Summary) counts(r Release, t time.Time) *Counts {
	if s.buckets == nil {
		s.buckets = make(map[bucketKey]*Counts)
	}
	k := bucketKey{release: r, minute: Minute(t).Unix()}
	c, ok := s.buckets[k]
	if !ok {
		c = &Counts{}
		s.buckets[k] = c
	}
	return c
}

// Len returns the number of buckets.
func (s *Summary) Len() int { return len(s.buckets) }

// Buckets returns every bucket, ordered by release, then minute.
func (s *Summary) Buckets() []Bucket {
	out := make([]Bucket, 0, len(s.buckets))
	for k, c := range s.buckets {
		out = append(out, Bucket{Release: k.release, Minute: time.Unix(k.minute, 0).UTC(), Counts: *c})
	}
	slices.SortFunc(out, func(a, b Bucket) int {
		return cmp.Or(compareRelease(a.Release, b.Release), a.Minute.Compare(b.Minute))
	})
	return out
}

// Total returns the figures over every bucket.
func (s *Summary) Total() Counts {
	var t Counts
	for _, c := range s.buckets {
		t.Add(*c)
	}
	return t
}

// Merge adds every bucket of o to s.
func (s *Summary) Merge(o *Summary) {
	for k, c := range o.buckets {
		s.counts(k.release, time.Unix(k.minute, 0)).Add(*c)
	}
}

func compareRelease(a, b Release) int {
	return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Version, b.Version),
		cmp.Compare(a.ReleaseStage, b.ReleaseStage))
}
