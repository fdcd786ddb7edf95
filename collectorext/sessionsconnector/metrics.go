package sessionsconnector

import (
	"cmp"
	"slices"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelsessions/otelsessions/collectorext/sessionsconnector/internal/metadata"
	"github.com/otelsessions/otelsessions/session"
)

// Names of the emitted metrics and of the attributes the connector sets.
const (
	MetricSessionsStarted   = "otelsessions.sessions.started"
	MetricSessionsUnhandled = "otelsessions.sessions.unhandled"
	MetricSessionsHandled   = "otelsessions.sessions.handled"
	MetricErrors            = "otelsessions.errors"

	attrServiceName    = "service.name"
	attrServiceVersion = "service.version"
	attrDeploymentEnv  = "deployment.environment.name"
	attrErrorHandled   = "error.handled"
	attrOverflow       = "otel.metric.overflow"

	unitSession = "{session}"
	unitError   = "{error}"
)

// metrics returns the batch's counts as delta sums over [start, end], one resource per release.
func (a *aggregate) metrics(start, end time.Time) pmetric.Metrics {
	md := pmetric.NewMetrics()
	ts := interval{pcommon.NewTimestampFromTime(start), pcommon.NewTimestampFromTime(end)}
	for _, rel := range a.releases() {
		rm := md.ResourceMetrics().AppendEmpty()
		putRelease(rm.Resource().Attributes(), rel)
		sm := rm.ScopeMetrics().AppendEmpty()
		sm.Scope().SetName(metadata.ScopeName)
		a.sessionMetrics(sm.Metrics(), rel, ts)
		a.errorMetric(sm.Metrics(), rel, ts)
	}
	return md
}

// interval is the start and end of the delta data points of one batch.
type interval struct{ start, end pcommon.Timestamp }

func (a *aggregate) sessionMetrics(ms pmetric.MetricSlice, rel session.Release, ts interval) {
	var keys []pointKey
	for k := range a.sessions {
		if k.release == rel {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	slices.SortFunc(keys, comparePoints)
	started := newSum(ms, MetricSessionsStarted, "Sessions started (one per entry span).", unitSession)
	unhandled := newSum(ms, MetricSessionsUnhandled,
		"Sessions with at least one unhandled error event.", unitSession)
	handled := newSum(ms, MetricSessionsHandled,
		"Sessions with handled error events and no unhandled one.", unitSession)
	for _, k := range keys {
		c := a.sessions[k]
		a.point(started, k, ts, c.Started)
		a.point(unhandled, k, ts, c.Unhandled)
		a.point(handled, k, ts, c.Handled)
	}
}

func (a *aggregate) errorMetric(ms pmetric.MetricSlice, rel session.Release, ts interval) {
	var keys []errorKey
	for k := range a.errors {
		if k.point.release == rel {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	slices.SortFunc(keys, func(x, y errorKey) int {
		if c := comparePoints(x.point, y.point); c != 0 {
			return c
		}
		return cmp.Compare(boolInt(x.handled), boolInt(y.handled))
	})
	errs := newSum(ms, MetricErrors, "Error events, by error.handled.", unitError)
	for _, k := range keys {
		dp := a.point(errs, k.point, ts, a.errors[k])
		dp.Attributes().PutBool(attrErrorHandled, k.handled)
	}
}

// point appends a data point with the dimension attributes of k.
func (a *aggregate) point(dps pmetric.NumberDataPointSlice, k pointKey, ts interval, v int64) pmetric.NumberDataPoint {
	dp := dps.AppendEmpty()
	dp.SetStartTimestamp(ts.start)
	dp.SetTimestamp(ts.end)
	dp.SetIntValue(v)
	if k.overflow {
		dp.Attributes().PutBool(attrOverflow, true)
		return dp
	}
	for i, v := range a.values[k] {
		if v != "" {
			dp.Attributes().PutStr(a.dims[i], v)
		}
	}
	return dp
}

// newSum appends a monotonic delta sum and returns its data points.
func newSum(ms pmetric.MetricSlice, name, desc, unit string) pmetric.NumberDataPointSlice {
	m := ms.AppendEmpty()
	m.SetName(name)
	m.SetDescription(desc)
	m.SetUnit(unit)
	sum := m.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	return sum.DataPoints()
}

// releases returns every release with a session or an error event, in order.
func (a *aggregate) releases() []session.Release {
	var rels []session.Release
	for k := range a.sessions {
		rels = append(rels, k.release)
	}
	for k := range a.errors {
		rels = append(rels, k.point.release)
	}
	slices.SortFunc(rels, compareReleases)
	return slices.Compact(rels)
}

// putRelease sets the release's resource attributes, leaving out empty ones.
func putRelease(attrs pcommon.Map, rel session.Release) {
	for _, kv := range [...][2]string{
		{attrServiceName, rel.Service},
		{attrServiceVersion, rel.Version},
		{attrDeploymentEnv, rel.ReleaseStage},
	} {
		if kv[1] != "" {
			attrs.PutStr(kv[0], kv[1])
		}
	}
}

func compareReleases(x, y session.Release) int {
	return cmp.Or(cmp.Compare(x.Service, y.Service), cmp.Compare(x.Version, y.Version),
		cmp.Compare(x.ReleaseStage, y.ReleaseStage))
}

func comparePoints(x, y pointKey) int {
	return cmp.Or(compareReleases(x.release, y.release), cmp.Compare(boolInt(x.overflow), boolInt(y.overflow)),
		cmp.Compare(x.dims, y.dims))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
