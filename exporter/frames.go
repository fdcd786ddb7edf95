package exporter

import "strings"

// The frame readers below read one line of a stack trace each. They accept exactly the lines, and return
// exactly the parts, that these expressions would (frames_test.go checks them against the expressions, by
// fuzzing), in a pass over the line instead of a backtracking regexp, which costs a microsecond a line:
//
//	Go file line: ^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$              "\t/app/main.go:42 +0x1d"
//	Java:         ^\s*at ([^\s(]+)\(([^()]*)\)$                  "\tat com.example.Foo.bar(Foo.java:42)"
//	Python:       ^\s*File "(.+)", line (\d+), in (.+)$           `  File "/app/main.py", line 10, in main`
//	JavaScript:   ^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$      "    at fn (/app/x.js:12:19)", "  at /app/x.js:1:2"
//
// \s is [\t\n\f\r ], \d is [0-9], and . is any character but a newline.

// goFileLine reads the second line of a Go frame. The file is the longest text that leaves a line number.
func goFileLine(l string) (file, line string, ok bool) {
	s, found := strings.CutPrefix(l, "\t")
	if !found || strings.ContainsRune(s, '\n') {
		return "", "", false
	}
	for j := strings.LastIndexByte(s, ':'); j >= 1; j = strings.LastIndexByte(s[:j], ':') {
		rest := s[j+1:]
		d := digits(rest)
		if d == 0 {
			continue
		}
		if tail := rest[d:]; tail == "" || isGoPC(tail) {
			return s[:j], rest[:d], true
		}
	}
	return "", "", false
}

// isGoPC reports whether s is " +0x" and lowercase hex digits.
func isGoPC(s string) bool {
	hex, ok := strings.CutPrefix(s, " +0x")
	if !ok || hex == "" {
		return false
	}
	for i := range len(hex) {
		if c := hex[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// javaFrameLine reads "at method(location)".
func javaFrameLine(l string) (method, location string, ok bool) {
	s, found := strings.CutPrefix(trimSpace(l), "at ")
	if !found {
		return "", "", false
	}
	open := strings.IndexAny(s, "\t\n\f\r (")
	if open < 1 || s[open] != '(' || !strings.HasSuffix(s, ")") || len(s) < open+2 {
		return "", "", false
	}
	location = s[open+1 : len(s)-1]
	if strings.ContainsAny(location, "()") {
		return "", "", false
	}
	return s[:open], location, true
}

// pythonFrameLine reads `File "file", line N, in function`. The file is the longest text that leaves the
// rest of the line.
func pythonFrameLine(l string) (file, line, function string, ok bool) {
	s, found := strings.CutPrefix(trimSpace(l), `File "`)
	if !found || strings.ContainsRune(s, '\n') {
		return "", "", "", false
	}
	const sep = `", line `
	for i := strings.LastIndex(s, sep); i >= 1; i = strings.LastIndex(s[:i], sep) {
		rest := s[i+len(sep):]
		d := digits(rest)
		if d == 0 {
			continue
		}
		if fn, ok := strings.CutPrefix(rest[d:], ", in "); ok && fn != "" {
			return s[:i], rest[:d], fn, true
		}
	}
	return "", "", "", false
}

// jsFrameLine reads "at function (file:line:column)" or "at file:line:column". As the expression does, it
// takes the shortest function name after which the rest reads as a location, and only when none does, the
// whole as a location.
func jsFrameLine(l string) (function, file, line, column string, ok bool) {
	s, found := strings.CutPrefix(trimSpace(l), "at ")
	if !found || strings.ContainsRune(s, '\n') {
		return "", "", "", "", false
	}
	for i := 1; i < len(s); i++ {
		j := strings.Index(s[i:], " (")
		if j < 0 {
			break
		}
		i += j
		if file, line, column, ok := jsLocation(s[i+2:]); ok {
			return s[:i], file, line, column, true
		}
	}
	file, line, column, ok = jsLocation(s)
	return "", file, line, column, ok
}

// jsLocation reads "file:line:column", with or without a closing parenthesis.
func jsLocation(s string) (file, line, column string, ok bool) {
	s = strings.TrimSuffix(s, ")")
	j := strings.LastIndexByte(s, ':')
	if j < 0 || j+1 == len(s) || digits(s[j+1:]) != len(s)-j-1 {
		return "", "", "", false
	}
	k := strings.LastIndexByte(s[:j], ':')
	if k < 1 || k+1 == j || digits(s[k+1:j]) != j-k-1 {
		return "", "", "", false
	}
	return s[:k], s[k+1 : j], s[j+1:], true
}

// digits returns the length of the run of ASCII digits s starts with.
func digits(s string) int {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return i
		}
	}
	return len(s)
}

// trimSpace drops the leading white space that the expressions' \s* allows.
func trimSpace(l string) string {
	return strings.TrimLeft(l, "\t\n\f\r ")
}
