package exporter

import (
	"slices"
	"strconv"
	"strings"
)

// frameJSON is one frame of a Bugsnag stacktrace, innermost first.
type frameJSON struct {
	File         string `json:"file"`
	LineNumber   int    `json:"lineNumber,omitempty"`
	ColumnNumber int    `json:"columnNumber,omitempty"`
	Method       string `json:"method"`
}

// maxRawFrame caps the text of the single frame sent for a trace no parser understood.
const maxRawFrame = 1024

// parseStacktrace turns exception.stacktrace into Bugsnag frames, innermost first. It understands Go
// (panics and runtime/debug.Stack), Java, Python and JavaScript (V8) traces. Any other non-empty text becomes
// one raw frame, and raw reports that, so that the whole text can travel in metaData.
func parseStacktrace(trace string) (frames []frameJSON, raw bool) {
	if strings.TrimSpace(trace) == "" {
		return []frameJSON{}, false
	}
	lines := strings.Split(strings.ReplaceAll(trace, "\r\n", "\n"), "\n")
	for _, parse := range []func([]string) []frameJSON{parseGo, parsePython, parseJava, parseJS} {
		if f := parse(lines); len(f) > 0 {
			return f, false
		}
	}
	text := strings.TrimSpace(trace)
	if len(text) > maxRawFrame {
		text = text[:maxRawFrame]
	}
	return []frameJSON{{Method: text}}, true
}

// parseGo reads pairs of a function line and a tab-indented file:line line.
func parseGo(lines []string) []frameJSON {
	var frames []frameJSON
	for i := 1; i < len(lines); i++ {
		file, line, ok := goFileLine(lines[i])
		fn := lines[i-1]
		if !ok || fn == "" || fn[0] == '\t' || strings.HasPrefix(file, "at ") {
			continue
		}
		frames = append(frames, frameJSON{File: file, LineNumber: atoi(line), Method: goFunction(fn)})
	}
	return frames
}

// goFunction strips the arguments from "main.handler(0xc000010000, ...)" and reads "created by F in
// goroutine 1" as F.
func goFunction(line string) string {
	if rest, ok := strings.CutPrefix(line, "created by "); ok {
		name, _, _ := strings.Cut(rest, " in goroutine ")
		return name
	}
	if strings.HasSuffix(line, ")") {
		if i := strings.LastIndex(line, "("); i > 0 {
			return line[:i]
		}
	}
	return line
}

// parseJava reads "at" lines up to the first "Caused by:".
func parseJava(lines []string) []frameJSON {
	var frames []frameJSON
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "Caused by:") {
			// TODO(#4): causes could become further exceptions[] entries instead of being left out.
			break
		}
		method, location, ok := javaFrameLine(l)
		if !ok {
			continue
		}
		f := frameJSON{File: location, Method: method}
		if file, line, ok := strings.Cut(location, ":"); ok {
			f.File, f.LineNumber = file, atoi(line)
		}
		frames = append(frames, f)
	}
	return frames
}

// parsePython reads "File" lines; Python prints the innermost call last, so the frames are reversed.
func parsePython(lines []string) []frameJSON {
	var frames []frameJSON
	for _, l := range lines {
		if file, line, fn, ok := pythonFrameLine(l); ok {
			frames = append(frames, frameJSON{File: file, LineNumber: atoi(line), Method: fn})
		}
	}
	slices.Reverse(frames)
	return frames
}

// parseJS reads V8 "at" lines, with or without a function name.
func parseJS(lines []string) []frameJSON {
	var frames []frameJSON
	for _, l := range lines {
		fn, file, line, column, ok := jsFrameLine(l)
		if !ok {
			continue
		}
		frames = append(frames, frameJSON{File: file, LineNumber: atoi(line), ColumnNumber: atoi(column), Method: fn})
	}
	return frames
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
