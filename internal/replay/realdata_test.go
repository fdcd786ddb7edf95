package replay

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/realdata"
	"github.com/otelsessions/otelsessions/internal/tracefile"
)

// figuresOf is the top-level figures of a report, for comparison.
type figuresOf struct {
	spans, traces, started, unhandled, handled, handledEv, unhandledEv, outside int64
}

// realCase is one real recording with the figures read off it by hand (docs/derivations.md holds the full
// derivation, made with two independent scripts and checked against the raw JSON).
type realCase struct {
	file     string
	want     figuresOf
	skipped  int
	releases map[string]int64 // sessions started per service
	minutes  map[string]int64 // sessions started per minute
}

// otelTUI is the figures of both otel-tui recordings, derived in the first of them below.
var otelTUI = figuresOf{
	spans: 547, traces: 141, started: 270, unhandled: 44, handledEv: 24, unhandledEv: 44, outside: 39,
}

var realCases = []realCase{
	{
		// 4 SERVER spans, all shared halves: the routing root, and 3 halves whose CLIENT twin (another service)
		// is their parent. No error tag.
		file: "zipkin-v2-json/openzipkin-zipkin__yelp.json",
		want: figuresOf{spans: 16, traces: 1, started: 4},
		releases: map[string]int64{
			"routing": 1, "yelp_main/api_proxy": 1, "mobile_api": 1, "spectre": 1,
		},
	},
	{
		// 326 SERVER spans over 6 minutes: 1 root, 294 shared halves, 2 under a SERVER of another service are
		// entries; 29 under a SERVER of their own service are nested (one of them, strongman b894fa1b259fc56f,
		// names a shared id as parent and hangs under the SERVER half). 5 pusher halves share one id with
		// one bouncer CLIENT: one session ID, one session, so 297 - 4 = 293. The two "404" error tags sit on
		// span 71687cb74971c332: alice's SERVER half gives no event (4xx rule), execution's CLIENT half one
		// handled event in execution's session, which started 03:50.
		file: "zipkin-v2-json/openzipkin-zipkin__smartthings-mobile-web-install.json",
		want: figuresOf{spans: 1041, traces: 1, started: 293, handled: 1, handledEv: 1},
		releases: map[string]int64{
			"platformapi": 84, "auth": 56, "gizmo": 52, "bookie": 33, "execution": 16, "account": 15,
			"coreSrv": 14, "guardian": 14, "pusher": 1, "strongman": 2, "alice": 1, "bouncer": 1, "dove": 1,
			"oreck": 1, "paperboy": 1, "stLogin": 1,
		},
		minutes: map[string]int64{
			"2018-11-30T03:45:00Z": 46, "2018-11-30T03:46:00Z": 23, "2018-11-30T03:47:00Z": 22,
			"2018-11-30T03:48:00Z": 11, "2018-11-30T03:49:00Z": 23, "2018-11-30T03:50:00Z": 168,
		},
	},
	{
		// mobile-gateway root plus 2 shared halves (auth-service, content-service) called by its CLIENTs.
		file: "zipkin-v2-json/openzipkin-zipkin__ascend.json",
		want: figuresOf{spans: 8, traces: 1, started: 3},
	},
	{
		// frontend's SERVER root; the backend CONSUMER is no entry by default.
		file: "zipkin-v2-json/openzipkin-zipkin__messaging.json",
		want: figuresOf{spans: 4, traces: 1, started: 1},
	},
	{
		// 2 SERVER spans: a root and one called from another service; the 6 spans whose parents are missing
		// are not SERVER spans and start nothing.
		file: "zipkin-v2-json/openzipkin-zipkin__messaging2.json",
		want: figuresOf{spans: 11, traces: 1, started: 2},
	},
	{
		// No SERVER span at all (the root is a CONSUMER poll): the 3 "on-message" spans tagged error ("some
		// error" twice, "" once) are outside any session.
		file: "zipkin-v2-json/openzipkin-zipkin__messaging-kafka.json",
		want: figuresOf{spans: 28, traces: 1, outside: 3},
	},
	{
		// Envoy's one root SERVER span, shared:true with no serviceName: a root, so an entry.
		file: "zipkin-v2-json/openzipkin-zipkin__envoy.json",
		want: figuresOf{spans: 1, traces: 1, started: 1},
	},
	{
		// One SERVER root; the 4 p6spy CLIENT spans are in its session.
		file: "zipkin-v2-json/openzipkin-zipkin__simple-db-p6.json",
		want: figuresOf{spans: 5, traces: 1, started: 1},
	},
	{
		// 277 SERVER spans: 203 under a CLIENT of another service, 56 roots (53 Next.js, 3 flagd whose flags
		// are 256 but have no parent: rule 1 wins), 11 with flags 768 (remote); 7 nested. Unhandled: 40
		// frontend sessions (20 failed requests, each recorded as a Next.js root and a frontend SERVER span
		// under the proxy) and 4 checkout sessions whose entry spans end in Error. The 24 handled events are
		// CLIENT spans in Error inside sessions. 39 errors sit in the loadgenerator's traces, which have no
		// SERVER span (its exceptions carry exception.escaped "False"). 16 log and 40 metric lines skipped.
		file:    "otlp-json/otel-tui__test_data.jsonl",
		want:    otelTUI,
		skipped: 56,
		releases: map[string]int64{
			"frontend": 128, "frontend-proxy": 75, "productcatalogservice": 40, "flagd": 10, "adservice": 9,
			"checkoutservice": 4, "recommendationservice": 4,
		},
		minutes: map[string]int64{"2024-10-30T12:24:00Z": 270},
	},
	{
		// The same trace lines without the others.
		file: "otlp-json/otel-tui__test_data.traces-only.jsonl",
		want: otelTUI,
	},
	{
		// 10 SERVER spans: 2 roots and 8 whose parents are missing. 112 ENOENT exception events on fs INTERNAL
		// spans in Error, none escaped, are handled (their status adds nothing); root 6ce0b168117bb1ce ends in
		// Error (HTTP 500) with no exception event: the one unhandled event; a CLIENT span in Error beneath it
		// gives one more handled event. 7 other sessions saw only handled errors.
		file: "otlp-json/highlight__fs.json",
		want: figuresOf{
			spans: 218, traces: 2, started: 10, unhandled: 1, handled: 7, handledEv: 113, unhandledEv: 1,
		},
		minutes: map[string]int64{"2023-08-21T21:07:00Z": 10},
	},
	{
		// Only INTERNAL spans and no service.name: no session. Errors outside: 4 exception events on spans
		// without Error status, and the 6 Error spans without an exception event (their log events don't count).
		file: "otlp-json/highlight__traces.json",
		want: figuresOf{spans: 512, traces: 28, outside: 10},
	},
	{
		// 20 CLIENT→SERVER pairs: 5 SERVER spans under a CLIENT of another service, 15 under a CLIENT of the
		// same service name (hellgate_testrunner): a CLIENT parent is a call into the process, so all 20 are
		// entries (SOURCES' reading counted 5).
		file:    "jaeger-json/valitydev-hellgate__jaeger.json",
		want:    figuresOf{spans: 40, traces: 20, started: 20},
		minutes: map[string]int64{"2026-02-21T03:44:00Z": 20},
	},
}

func TestRealRecordings(t *testing.T) {
	for _, tc := range realCases {
		t.Run(tc.file, func(t *testing.T) {
			path := realdata.File(t, tc.file)
			res, err := Run(t.Context(), []string{path}, Options{})
			require.NoError(t, err)
			require.Len(t, res.Files, 1)
			require.NoError(t, res.Files[0].Err)
			assert.Equal(t, tc.skipped, res.Files[0].SkippedLines)
			rep := res.JSON()
			got := figuresOf{
				spans: rep.Spans, traces: rep.Traces, started: rep.SessionsStarted, unhandled: rep.SessionsUnhandled,
				handled: rep.SessionsHandled, handledEv: rep.HandledEvents, unhandledEv: rep.UnhandledEvents,
				outside: rep.ErrorsOutsideSessions,
			}
			assert.Equal(t, tc.want, got)
			if tc.releases != nil {
				byService := map[string]int64{}
				for _, r := range rep.Releases {
					byService[r.Service] += r.SessionsStarted
				}
				assert.Equal(t, tc.releases, byService)
			}
			if tc.minutes != nil {
				byMinute := map[string]int64{}
				for _, m := range rep.Minutes {
					byMinute[m.StartedAt] = m.SessionsStarted
				}
				assert.Equal(t, tc.minutes, byMinute)
			}
		})
	}
}

// TestRealRecordingsTogether replays every recording in one run: the figures add up, since no trace is in
// two files (the two otel-tui files hold the same traces, so only one of them is taken).
func TestRealRecordingsTogether(t *testing.T) {
	var files []string
	var want figuresOf
	for _, tc := range realCases {
		if tc.file == "otlp-json/otel-tui__test_data.traces-only.jsonl" {
			continue
		}
		files = append(files, realdata.File(t, tc.file))
		w := tc.want
		want = figuresOf{
			spans: want.spans + w.spans, traces: want.traces + w.traces, started: want.started + w.started,
			unhandled: want.unhandled + w.unhandled, handled: want.handled + w.handled,
			handledEv: want.handledEv + w.handledEv, unhandledEv: want.unhandledEv + w.unhandledEv,
			outside: want.outside + w.outside,
		}
	}
	res, err := Run(t.Context(), files, Options{})
	require.NoError(t, err)
	rep := res.JSON()
	assert.Equal(t, want, figuresOf{
		spans: rep.Spans, traces: rep.Traces, started: rep.SessionsStarted, unhandled: rep.SessionsUnhandled,
		handled: rep.SessionsHandled, handledEv: rep.HandledEvents, unhandledEv: rep.UnhandledEvents,
		outside: rep.ErrorsOutsideSessions,
	})
}

// TestRealSessionIDs checks session IDs that were computed independently of this code (a Python UUIDv5 of
// the trace ID and entry span ID in the documented namespace, docs/derivations.md).
func TestRealSessionIDs(t *testing.T) {
	want := map[string]string{
		"6ce0b168117bb1ce": "a1bfbd94-539f-526a-9390-5965f7799965",
		"b65f7ab290256fa1": "517b9a89-ec56-5970-98f7-89c97940e077",
	}
	path := realdata.File(t, "otlp-json/highlight__fs.json")
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	e := derive.New(derive.Config{})
	_, err = tracefile.Read(path, f, e.Add)
	require.NoError(t, err)
	got := map[string]string{}
	e.ResolveAll(func(tr derive.Trace) {
		for _, s := range tr.Sessions {
			if _, ok := want[s.EntrySpanID.String()]; ok {
				got[s.EntrySpanID.String()] = s.ID.String()
			}
		}
	})
	assert.Equal(t, want, got)
}

// TestSameFileTwiceCountsOnce replays one recording twice in one run, as a user who globbed overlapping
// folders would: every span is a duplicate, and no session or event is counted twice.
func TestSameFileTwiceCountsOnce(t *testing.T) {
	path := realdata.File(t, "otlp-json/otel-tui__test_data.traces-only.jsonl")
	once, err := Run(t.Context(), []string{path}, Options{})
	require.NoError(t, err)
	twice, err := Run(t.Context(), []string{path, path}, Options{})
	require.NoError(t, err)
	assert.Equal(t, once.Report.Summary.Buckets(), twice.Report.Summary.Buckets())
	assert.Equal(t, once.Report.OutsideErrors, twice.Report.OutsideErrors)
	assert.Equal(t, int64(547), twice.Stats.DuplicateSpans)
	assert.Equal(t, int64(547), twice.Report.Spans)
}
