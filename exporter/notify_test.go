package exporter

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/session"
)

const goTrace = "goroutine 7 [running]:\nmain.query(0xc000123456)\n\t/app/db.go:42 +0x1d\n" +
	"main.handler({0x7f1e2c0, 0xc0001}, 0xc000200000)\n\t/app/main.go:17 +0x85\n"

func TestNotifyEventCarriesEveryHeaderAndField(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	x := testExporter(t, f)
	s := newSession("shop", webApp, webDevice, t0)
	s.ID = uuid.MustParse("5f0c9e3a-1b2c-5d4e-8f90-123456789abc")
	s.SetUser("u-42", "ada@example.com", "Ada")
	x.SessionStarted(s)
	x.ErrorEvent(session.Event{
		Session: s, Counts: s.AddEvent(false), Class: "*net.OpError", Message: "dial tcp: connection refused",
		Stacktrace: goTrace, Context: "/users/{id}", Time: t0.Add(time.Second), Service: "shop", App: webApp,
		Device: webDevice, Attributes: map[string]string{
			"http.request.method": "GET", "url.full": "https://shop.example.com/users/42?x=1",
			"client.address": "203.0.113.9", "user_agent.original": "curl/8.5.0",
			"http.request.header.referer": "https://shop.example.com/", "http.request.header.x-request-id": "abc",
			"http.request.header.authorization": "Bearer s3cr3t",
		},
	})
	x.ErrorEvent(session.Event{
		Session: s, Counts: s.AddEvent(true), Unhandled: true, Overridden: true, Class: "Panic", Message: "boom",
		Time: t0.Add(2 * time.Second), Service: "shop", App: webApp, Device: webDevice,
	})
	x.ErrorEvent(session.Event{Stacktrace: "something odd happened"}) // outside any session
	require.NoError(t, x.ForceFlush(t.Context()))

	reqs := f.requests("/notify")
	require.Len(t, reqs, 1, "the events of one flush batch into one request")
	assertHeaders(t, reqs[0], "4")
	assert.JSONEq(t, `{
		"apiKey": "`+testKey+`",
		"payloadVersion": "4",
		"notifier": {"name": "otelsessions", "version": "devel", "url": "https://github.com/otelsessions/otelsessions"},
		"events": [{
			"payloadVersion": "4",
			"exceptions": [{"errorClass": "*net.OpError", "message": "dial tcp: connection refused", "stacktrace": [
				{"file": "/app/db.go", "lineNumber": 42, "method": "main.query"},
				{"file": "/app/main.go", "lineNumber": 17, "method": "main.handler"}]}],
			"severity": "warning",
			"severityReason": {"type": "handledException"},
			"unhandled": false,
			"context": "/users/{id}",
			"app": {"version": "1.4.2", "releaseStage": "production", "type": "http"},
			"device": {"hostname": "web-1", "osName": "linux", "runtimeVersions": {"go": "go1.26.8"},
				"time": "2026-12-03T15:04:06.000Z"},
			"user": {"id": "u-42", "email": "ada@example.com", "name": "Ada"},
			"request": {"httpMethod": "GET", "url": "https://shop.example.com/users/42?x=1", "clientIp": "203.0.113.9",
				"referer": "https://shop.example.com/", "headers": {"Referer": "https://shop.example.com/",
				"X-Request-Id": "abc", "Authorization": "[REDACTED]", "User-Agent": "curl/8.5.0"}},
			"metaData": {"otel": {"service.name": "shop", "http.request.method": "GET",
				"url.full": "https://shop.example.com/users/42?x=1", "client.address": "203.0.113.9",
				"user_agent.original": "curl/8.5.0", "http.request.header.referer": "https://shop.example.com/",
				"http.request.header.x-request-id": "abc", "http.request.header.authorization": "[REDACTED]"}},
			"session": {"id": "5f0c9e3a-1b2c-5d4e-8f90-123456789abc", "startedAt": "2026-12-03T15:04:05.000Z",
				"events": {"handled": 1, "unhandled": 0}}
		}, {
			"payloadVersion": "4",
			"exceptions": [{"errorClass": "Panic", "message": "boom", "stacktrace": []}],
			"severity": "error",
			"severityReason": {"type": "unhandledException", "unhandledOverridden": true},
			"unhandled": true,
			"app": {"version": "1.4.2", "releaseStage": "production", "type": "http"},
			"device": {"hostname": "web-1", "osName": "linux", "runtimeVersions": {"go": "go1.26.8"},
				"time": "2026-12-03T15:04:07.000Z"},
			"user": {"id": "u-42", "email": "ada@example.com", "name": "Ada"},
			"metaData": {"otel": {"service.name": "shop"}},
			"session": {"id": "5f0c9e3a-1b2c-5d4e-8f90-123456789abc", "startedAt": "2026-12-03T15:04:05.000Z",
				"events": {"handled": 1, "unhandled": 1}}
		}, {
			"payloadVersion": "4",
			"exceptions": [{"errorClass": "error", "message": "", "stacktrace": [
				{"file": "", "method": "something odd happened"}]}],
			"severity": "warning",
			"severityReason": {"type": "handledException"},
			"unhandled": false,
			"app": {"releaseStage": "production"},
			"device": {},
			"metaData": {"exception": {"stacktrace": "something odd happened"}}
		}]}`, string(reqs[0].Body))
	assert.Equal(t, Stats{SessionsCounted: 1, SessionsSent: 1, EventsCounted: 3, EventsSent: 3}, x.Stats())
}

func notifyEventCounts(t *testing.T, reqs []request) []int {
	t.Helper()
	var counts []int
	for _, r := range reqs {
		var body struct {
			Events []json.RawMessage `json:"events"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &body))
		counts = append(counts, len(body.Events))
	}
	return counts
}

func TestNotifyBatchesPerRequest(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	x := testExporter(t, f, WithMaxEventsPerRequest(2))
	s := newSession("shop", webApp, webDevice, t0)
	x.SessionStarted(s)
	x.ErrorEvent(unhandledEvent(s))
	x.ErrorEvent(unhandledEvent(s))
	// A full batch goes out without waiting for the interval (an hour here) or a ForceFlush.
	require.Eventually(t, func() bool { return len(f.accepted("/notify")) == 1 }, 10*time.Second, time.Millisecond)
	assert.Empty(t, f.requests("/sessions"), "sessions wait for the interval")

	for range 5 {
		x.ErrorEvent(unhandledEvent(s))
	}
	require.NoError(t, x.ForceFlush(t.Context()))
	reqs := f.accepted("/notify")
	// The early flushes may take a batch at any moment, so only the cap and the total are certain.
	total := 0
	for _, n := range notifyEventCounts(t, reqs) {
		assert.LessOrEqual(t, n, 2)
		total += n
	}
	assert.Equal(t, 7, total)
	for _, r := range reqs {
		assertHeaders(t, r, "4")
	}
	assert.Equal(t, int64(7), x.Stats().EventsSent)
}

func TestEventBufferFullDropsAreCountedWithOneLogLine(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	log, logs := observed()
	x := testExporter(t, f, WithEventBufferSize(2), WithLogger(log))
	for range 5 {
		x.ErrorEvent(session.Event{Class: "E"})
	}
	require.NoError(t, x.ForceFlush(t.Context()))
	assert.Equal(t, []int{2}, notifyEventCounts(t, f.accepted("/notify")))
	assert.Equal(t, Stats{EventsCounted: 5, EventsSent: 2, EventsDropped: 3}, x.Stats())
	assert.Equal(t, 1, logs.FilterMessage("event buffer full; error events are dropped and counted").Len())
}

func TestRequestFromAttributes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		attrs map[string]string
		want  *requestJSON
	}{
		{"none", nil, nil},
		{"unrelated", map[string]string{"db.system": "postgresql"}, nil},
		{"composed", map[string]string{
			"http.request.method": "POST", "url.scheme": "https", "server.address": "api.example.com",
			"server.port": "8443", "url.path": "/orders", "url.query": "dry=1",
		}, &requestJSON{HTTPMethod: "POST", URL: "https://api.example.com:8443/orders?dry=1"}},
		{"default port dropped", map[string]string{
			"url.scheme": "https", "server.address": "api.example.com", "server.port": "443", "url.path": "/",
		}, &requestJSON{URL: "https://api.example.com/"}},
		{"older conventions", map[string]string{
			"http.method": "GET", "http.scheme": "http", "http.host": "legacy.example.com",
			"http.target": "/a?b=c", "http.client_ip": "198.51.100.7", "http.user_agent": "Go-http-client/1.1",
		}, &requestJSON{
			HTTPMethod: "GET", URL: "http://legacy.example.com/a?b=c", ClientIP: "198.51.100.7",
			Headers: map[string]string{"User-Agent": "Go-http-client/1.1"},
		}},
		{"sensitive headers", map[string]string{
			"http.request.header.cookie": "a=b", "http.request.header.x-api-key": "k",
			"http.request.header.accept": "*/*",
		}, &requestJSON{Headers: map[string]string{
			"Cookie": "[REDACTED]", "X-Api-Key": "[REDACTED]", "Accept": "*/*",
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, requestFromAttributes(tc.attrs))
		})
	}
}

// TestNotifyBodyEqualsOneMarshal checks that splicing encoded events into the body gives the bytes that
// marshaling the whole payload at once gives.
func TestNotifyBodyEqualsOneMarshal(t *testing.T) {
	events := []rawJSONEvent{[]byte(`{"payloadVersion":"4","unhandled":true}`), []byte(`{"context":"GET /x"}`)}
	for n := 1; n <= len(events); n++ {
		got, err := notifyBody("0123456789abcdef0123456789abcdef", events[:n])
		require.NoError(t, err)
		raws := make([]json.RawMessage, n)
		for i := range raws {
			raws[i] = events[i]
		}
		want, err := json.Marshal(struct {
			notifyHeadJSON
			Events []json.RawMessage `json:"events"`
		}{notifyHeadJSON{"0123456789abcdef0123456789abcdef", notifyPayloadVersion, notifier()}, raws})
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}
