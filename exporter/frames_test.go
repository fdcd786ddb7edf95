package exporter

import (
	"regexp"
	"slices"
	"testing"
)

// The expressions the frame readers implement (frames.go): the tests below hold the readers to them.
var (
	goFileLineRE = regexp.MustCompile(`^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$`)
	javaFrameRE  = regexp.MustCompile(`^\s*at ([^\s(]+)\(([^()]*)\)$`)
	pythonRE     = regexp.MustCompile(`^\s*File "(.+)", line (\d+), in (.+)$`)
	jsFrameRE    = regexp.MustCompile(`^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$`)
)

// frameLines are seeds: frames of each format, look-alikes, and the corner cases of each reader.
var frameLines = []string{
	"\t/src/shop/internal/cart/service.go:88 +0x2a", "\t/usr/local/go/src/net/http/server.go:2294",
	"\tC:/a:b.go:12 +0xff", "\t/a.go:12 +0x", "\t/a.go:12 +0xFF", "\t:12", "\t/a.go:1:2", "\t/a.go:x", "\tx:1\n",
	"\tat com.acme.shop.OrderService.checkout(OrderService.java:118)", "at Foo.bar(Native Method)",
	"\f\r at Foo.bar(Foo.java:1)", "at Foo.bar()", "at (x)", "at a(b(c))", "at a b(c)", "at a(b)c)", "at a(b",
	`  File "/app/shop/cart.py", line 12, in total`, "\n\tFile \"x.py\", line 1, in <module>",
	`File "a", line 1, in b", line 2, in c`, `File "", line 1, in x`, `File "a", line , in x`,
	`File "a", line 1, in `, `File "a", line 12x, in y`, `File "a", line 1, in b` + "\n",
	"    at fn (/app/x.js:12:19)", "    at /app/x.js:12:19", "at async Promise.all (index 0):1:2", "at x (y:1:2)",
	"  at x.y (file:///app/a.mjs:3:4)", "at a (b (c:1:2)", "at  (x:1:2)", "at a (b:1:2))", "at a (:1:2)",
	"at a (b:1:2", "at b:1:", "at b::2", "at :1:2", "at a (b:1:2) (c:3:4)", "at a\n (b:1:2)",
	"goroutine 1 [running]:", "Traceback (most recent call last):", "  ... 4 more", "", " ", "at", "\tat (",
}

func sameParts(want []string, got ...string) bool {
	if want == nil {
		return got == nil
	}
	return got != nil && slices.Equal(want[1:], got)
}

func checkGoFileLine(t *testing.T, l string) {
	t.Helper()
	file, line, ok := goFileLine(l)
	var got []string
	if ok {
		got = []string{file, line}
	}
	if want := goFileLineRE.FindStringSubmatch(l); !sameParts(want, got...) {
		t.Errorf("goFileLine(%q) = %q, want %q", l, got, want)
	}
}

func checkJavaFrameLine(t *testing.T, l string) {
	t.Helper()
	method, location, ok := javaFrameLine(l)
	var got []string
	if ok {
		got = []string{method, location}
	}
	if want := javaFrameRE.FindStringSubmatch(l); !sameParts(want, got...) {
		t.Errorf("javaFrameLine(%q) = %q, want %q", l, got, want)
	}
}

func checkPythonFrameLine(t *testing.T, l string) {
	t.Helper()
	file, line, fn, ok := pythonFrameLine(l)
	var got []string
	if ok {
		got = []string{file, line, fn}
	}
	if want := pythonRE.FindStringSubmatch(l); !sameParts(want, got...) {
		t.Errorf("pythonFrameLine(%q) = %q, want %q", l, got, want)
	}
}

func checkJSFrameLine(t *testing.T, l string) {
	t.Helper()
	fn, file, line, column, ok := jsFrameLine(l)
	var got []string
	if ok {
		got = []string{fn, file, line, column}
	}
	if want := jsFrameRE.FindStringSubmatch(l); !sameParts(want, got...) {
		t.Errorf("jsFrameLine(%q) = %q, want %q", l, got, want)
	}
}

func TestFrameReadersMatchTheirExpressions(t *testing.T) {
	matched := 0
	for _, l := range frameLines {
		checkGoFileLine(t, l)
		checkJavaFrameLine(t, l)
		checkPythonFrameLine(t, l)
		checkJSFrameLine(t, l)
		for _, re := range []*regexp.Regexp{goFileLineRE, javaFrameRE, pythonRE, jsFrameRE} {
			if re.MatchString(l) {
				matched++
			}
		}
	}
	if matched < 10 {
		t.Fatalf("only %d seed lines match an expression: the comparison checks too little", matched)
	}
}

func FuzzGoFileLine(f *testing.F)  { fuzzFrames(f, checkGoFileLine) }
func FuzzJavaFrame(f *testing.F)   { fuzzFrames(f, checkJavaFrameLine) }
func FuzzPythonFrame(f *testing.F) { fuzzFrames(f, checkPythonFrameLine) }
func FuzzJSFrame(f *testing.F)     { fuzzFrames(f, checkJSFrameLine) }

func fuzzFrames(f *testing.F, check func(*testing.T, string)) {
	f.Helper()
	for _, l := range frameLines {
		f.Add(l)
	}
	f.Fuzz(check)
}
