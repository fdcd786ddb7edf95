package exporter

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Limits that keep one error event well under the 1 MB Bugsnag accepts, as Bugsnag's notifiers trim theirs.
const (
	// maxStringBytes caps every string of an event: message, error class, context, attribute and metaData
	// values, request headers.
	maxStringBytes = 10 << 10
	// maxFrames caps the frames of one stack trace; the innermost are kept.
	maxFrames = 200
	// maxFrameBytes caps the file and the method of one frame.
	maxFrameBytes = 1 << 10
	// maxEventBytes caps one encoded event, leaving room for the Notify payload around it.
	maxEventBytes = maxNotifyBody - 16<<10
	// truncatedNote names the metaData tab that tells an event lost its metaData and request headers.
	truncatedNote = "otelsessions"
)

// encodeEvent maps p onto Bugsnag's event object and encodes it, trimmed so that it never exceeds
// maxEventBytes: strings are capped at maxStringBytes and traces at maxFrames frames; an event still too
// large (thousands of attributes) gets tighter caps, then loses its metaData and request headers, and at
// last its stack trace.
func encodeEvent(p pendingEvent) ([]byte, error) {
	e := toEventJSON(p)
	capEvent(&e, maxStringBytes, maxFrames)
	raw, err := json.Marshal(e)
	if err != nil || len(raw) <= maxEventBytes {
		return raw, err
	}
	capEvent(&e, maxStringBytes/10, maxFrames/4)
	if raw, err = json.Marshal(e); err != nil || len(raw) <= maxEventBytes {
		return raw, err
	}
	e.MetaData = map[string]metaTab{truncatedNote: {
		"truncated": "metaData and request headers were removed: the event exceeded the payload limit",
	}}
	if e.Request != nil {
		e.Request.Headers = nil
	}
	e.Device.RuntimeVersions = nil
	if raw, err = json.Marshal(e); err != nil || len(raw) <= maxEventBytes {
		return raw, err
	}
	// Every string is now capped and every map gone: without frames the event is a few kilobytes.
	capEvent(&e, maxFrameBytes, 0)
	return json.Marshal(e)
}

// capEvent truncates every string of e to n bytes (frame fields to at most maxFrameBytes) and keeps at most
// frames frames per stack trace. Maps are rebuilt, never changed in place: some are shared with the session.
func capEvent(e *eventJSON, n, frames int) {
	c := func(s *string) { *s = truncate(*s, n) }
	for i := range e.Exceptions {
		x := &e.Exceptions[i]
		c(&x.ErrorClass)
		c(&x.Message)
		if len(x.Stacktrace) > frames {
			x.Stacktrace = x.Stacktrace[:frames]
		}
		for j := range x.Stacktrace {
			f := &x.Stacktrace[j]
			f.File, f.Method = truncate(f.File, min(n, maxFrameBytes)), truncate(f.Method, min(n, maxFrameBytes))
		}
	}
	c(&e.Context)
	c(&e.App.Version)
	c(&e.App.ReleaseStage)
	c(&e.App.Type)
	c(&e.Device.Hostname)
	c(&e.Device.OSName)
	e.Device.RuntimeVersions = capMap(e.Device.RuntimeVersions, n)
	if u := e.User; u != nil {
		e.User = &userJSON{ID: truncate(u.ID, n), Email: truncate(u.Email, n), Name: truncate(u.Name, n)}
	}
	if r := e.Request; r != nil {
		e.Request = &requestJSON{
			HTTPMethod: truncate(r.HTTPMethod, n), URL: truncate(r.URL, n), ClientIP: truncate(r.ClientIP, n),
			Referer: truncate(r.Referer, n), Headers: capMap(r.Headers, n),
		}
	}
	if e.MetaData != nil {
		md := make(map[string]metaTab, len(e.MetaData))
		for tab, kv := range e.MetaData {
			md[tab] = capMap(kv, n)
		}
		e.MetaData = md
	}
}

// capMap returns a copy of m with every key and value truncated to n bytes (nil stays nil).
func capMap(m map[string]string, n int) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[truncate(k, n)] = truncate(v, n)
	}
	return out
}

// truncate returns s if it has at most n bytes; otherwise its start, cut on a UTF-8 boundary, followed by a
// marker that tells how many bytes were cut, all in at most n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const room = len(" …[truncated 18446744073709551615 bytes]")
	cut := max(n-room, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	marked := s[:cut] + fmt.Sprintf(" …[truncated %d bytes]", len(s)-cut)
	if len(marked) > n { // n smaller than the marker: no room to say it
		return s[:cut]
	}
	return marked
}
