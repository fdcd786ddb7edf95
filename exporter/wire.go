package exporter

import (
	"runtime/debug"
	"sync"
	"time"

	"github.com/otelsessions/otelsessions/session"
)

// Wire constants of the Bugsnag APIs (../shared/spec/BUGSNAG.md sections 1 and 3).
const (
	sessionsPayloadVersion = "1.0"
	notifyPayloadVersion   = "4"
	defaultReleaseStage    = "production"
	minuteLayout           = "2006-01-02T15:04:05Z"     // a UTC minute: 2026-12-03T15:04:00Z
	timeLayout             = "2006-01-02T15:04:05.000Z" // an instant, UTC, to the millisecond
	notifierName           = "otelsessions"
	notifierURL            = "https://github.com/otelsessions/otelsessions"
	modulePath             = "github.com/otelsessions/otelsessions"
)

type notifierJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	URL     string `json:"url"`
}

// notifier names this module and its version as the build records it ("devel" in a source tree).
var notifier = sync.OnceValue(func() notifierJSON {
	n := notifierJSON{Name: notifierName, Version: "devel", URL: notifierURL}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return n
	}
	mods := append([]*debug.Module{&bi.Main}, bi.Deps...)
	for _, m := range mods {
		if m.Path == modulePath && m.Version != "" && m.Version != "(devel)" {
			n.Version = m.Version
		}
	}
	return n
})

// appJSON is Bugsnag's app object. A missing version is omitted, never sent empty; a missing release stage
// is sent as "production", as Bugsnag's notifiers do.
type appJSON struct {
	Version      string `json:"version,omitempty"`
	ReleaseStage string `json:"releaseStage"`
	Type         string `json:"type,omitempty"`
}

func newAppJSON(a session.App) appJSON {
	return appJSON{Version: a.Version, ReleaseStage: wireStage(a.ReleaseStage), Type: a.Type}
}

// wireStage returns the release stage as sent and as checked against the enabled stages.
func wireStage(stage string) string {
	if stage == "" {
		return defaultReleaseStage
	}
	return stage
}

// deviceJSON is Bugsnag's device object; it is {} when nothing is known, never null.
type deviceJSON struct {
	Hostname        string            `json:"hostname,omitempty"`
	OSName          string            `json:"osName,omitempty"`
	RuntimeVersions map[string]string `json:"runtimeVersions,omitempty"`
	Time            string            `json:"time,omitempty"`
}

func newDeviceJSON(d session.Device) deviceJSON {
	return deviceJSON{Hostname: d.Hostname, OSName: d.OSName, RuntimeVersions: d.RuntimeVersions}
}

type sessionCountJSON struct {
	StartedAt       string `json:"startedAt"`
	SessionsStarted int64  `json:"sessionsStarted"`
}

// sessionsPayloadJSON is the body of one Sessions API request: one app/device group, several minutes.
type sessionsPayloadJSON struct {
	Notifier      notifierJSON       `json:"notifier"`
	App           appJSON            `json:"app"`
	Device        deviceJSON         `json:"device"`
	SessionCounts []sessionCountJSON `json:"sessionCounts"`
}

// notifyHeadJSON is the body of one Notify API request but for its events, which are encoded one by one
// beforehand and spliced in after these fields (notifyBody).
type notifyHeadJSON struct {
	APIKey         string       `json:"apiKey"`
	PayloadVersion string       `json:"payloadVersion"`
	Notifier       notifierJSON `json:"notifier"`
}

type eventJSON struct {
	PayloadVersion string             `json:"payloadVersion"`
	Exceptions     []exceptionJSON    `json:"exceptions"`
	Severity       string             `json:"severity"`
	SeverityReason severityReasonJSON `json:"severityReason"`
	Unhandled      bool               `json:"unhandled"`
	Context        string             `json:"context,omitempty"`
	App            appJSON            `json:"app"`
	Device         deviceJSON         `json:"device"`
	User           *userJSON          `json:"user,omitempty"`
	Request        *requestJSON       `json:"request,omitempty"`
	MetaData       map[string]metaTab `json:"metaData,omitempty"`
	Session        *eventSessionJSON  `json:"session,omitempty"`
}

type metaTab = map[string]string

type exceptionJSON struct {
	ErrorClass string      `json:"errorClass"`
	Message    string      `json:"message"`
	Stacktrace []frameJSON `json:"stacktrace"`
}

type severityReasonJSON struct {
	Type                string `json:"type"`
	UnhandledOverridden bool   `json:"unhandledOverridden,omitempty"`
}

type userJSON struct {
	ID    string `json:"id,omitempty"`
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
}

type requestJSON struct {
	HTTPMethod string            `json:"httpMethod,omitempty"`
	URL        string            `json:"url,omitempty"`
	ClientIP   string            `json:"clientIp,omitempty"`
	Referer    string            `json:"referer,omitempty"`
	Headers    map[string]string `json:"headers,omitempty"`
}

type eventSessionJSON struct {
	ID        string          `json:"id"`
	StartedAt string          `json:"startedAt"`
	Events    eventCountsJSON `json:"events"`
}

type eventCountsJSON struct {
	Handled   int64 `json:"handled"`
	Unhandled int64 `json:"unhandled"`
}

func formatMinute(t time.Time) string { return session.Minute(t).Format(minuteLayout) }

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }
