package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
)

// LoadStats is what the load generator saw of the service's answers.
type LoadStats struct {
	// Answered counts requests the service answered.
	Answered int64
	// Crashed counts requests whose connection the server closed after the handler panicked.
	Crashed int64
}

// sendLoad sends one POST request per planned outcome to base, on concurrency clients. POST keeps the
// client from retrying a request whose connection a panic closed. It fails when a request that should
// have been answered was not, or ctx ends.
func sendLoad(ctx context.Context, base string, plan []outcome, concurrency int) (LoadStats, error) {
	transport := &http.Transport{MaxIdleConnsPerHost: concurrency}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	var (
		next             atomic.Int64
		answered, failed atomic.Int64
		crashed          atomic.Int64
		mu               sync.Mutex
		firstErr         error
	)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(plan) {
					return
				}
				err := post(ctx, client, base+"/orders"+plan[i].query())
				switch {
				case err == nil:
					answered.Add(1)
				case plan[i] == outcomePanic:
					crashed.Add(1)
				default:
					failed.Add(1)
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	st := LoadStats{Answered: answered.Load(), Crashed: crashed.Load()}
	if err := ctx.Err(); err != nil {
		return st, fmt.Errorf("load stopped after %s: %w",
			count(st.Answered+st.Crashed+failed.Load(), "request", "requests"), err)
	}
	if n := failed.Load(); n > 0 {
		return st, fmt.Errorf("%s failed, the first: %w", count(n, "request", "requests"), firstErr)
	}
	return st, nil
}

func post(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, http.NoBody)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("%s: %w: %s", url, errStatus, resp.Status)
	}
	return nil
}

var errStatus = errors.New("unexpected status")
