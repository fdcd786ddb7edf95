package demo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// outcome is what one request of the load does.
type outcome uint8

const (
	outcomeOK      outcome = iota
	outcomeHandled         // records a handled error and answers 200
	outcomePanic           // panics in the handler
)

// outcomeQueryName is the query parameter that tells the service what to do with a request.
const outcomeQueryName = "fail"

func (o outcome) query() string {
	switch o {
	case outcomeHandled:
		return "?" + outcomeQueryName + "=handled"
	case outcomePanic:
		return "?" + outcomeQueryName + "=panic"
	default:
		return ""
	}
}

// Validate reports what is wrong with the options, naming the flag: a negative Requests, a rate or ratio
// outside [0, 1], or rates whose rounded counts, round(HandledRate·Requests) and
// round(UnhandledRate·Requests), add up to more than Requests.
func (o *Options) Validate() error {
	var errs []error
	if o.Requests < 0 {
		errs = append(errs, fmt.Errorf("--requests must not be negative, got %d", o.Requests))
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"--handled-rate", o.HandledRate}, {"--unhandled-rate", o.UnhandledRate}, {"--sample-ratio", o.SampleRatio}} {
		if !(r.v >= 0 && r.v <= 1) {
			errs = append(errs, fmt.Errorf("%s must be between 0 and 1, got %v", r.name, r.v))
		}
	}
	if len(errs) == 0 {
		if h, u := o.counts(); h+u > o.Requests {
			errs = append(errs, fmt.Errorf("--handled-rate and --unhandled-rate ask for %d and %d of %s "+
				"(each rate times --requests, rounded); together they must not exceed it",
				h, u, count(o.Requests, "request", "requests")))
		}
	}
	return errors.Join(errs...)
}

// counts returns how many requests record a handled error and how many panic: round(h·N) and round(u·N).
func (o *Options) counts() (handled, panics int) {
	n := float64(o.Requests)
	return int(math.Round(o.HandledRate * n)), int(math.Round(o.UnhandledRate * n))
}

// plan picks, with the seed, which requests record a handled error and which panic.
func (o *Options) plan() []outcome {
	handled, panics := o.counts()
	rnd := rand.New(rand.NewPCG(o.Seed, 0x6f74656c)) //nolint:gosec // a reproducible demo, not a secret
	plan := make([]outcome, o.Requests)
	for i, j := range rnd.Perm(o.Requests) {
		switch {
		case i < handled:
			plan[j] = outcomeHandled
		case i < handled+panics:
			plan[j] = outcomePanic
		}
	}
	return plan
}
