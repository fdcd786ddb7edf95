package exporter

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseStacktrace(t *testing.T) {
	for _, tc := range []struct {
		name  string
		trace string
		want  []frameJSON
		raw   bool
	}{
		{
			name: "Go panic",
			trace: `panic: runtime error: invalid memory address or nil pointer dereference [recovered]
	panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6d2f4a]

goroutine 35 [running]:
github.com/acme/shop/internal/cart.(*Service).Total(0x0, {0xc0001a6000, 0x3, 0x4})
	/src/shop/internal/cart/service.go:88 +0x2a
github.com/acme/shop/internal/api.(*Handler).checkout(0xc00011e0f0, {0x8c1f40, 0xc0002a00e0}, 0xc0002b6000)
	/src/shop/internal/api/checkout.go:41 +0x10b
net/http.HandlerFunc.ServeHTTP(...)
	/usr/local/go/src/net/http/server.go:2294
created by net/http.(*Server).Serve in goroutine 1
	/usr/local/go/src/net/http/server.go:3454 +0x485`,
			want: []frameJSON{
				{
					File: "/src/shop/internal/cart/service.go", LineNumber: 88,
					Method: "github.com/acme/shop/internal/cart.(*Service).Total",
				},
				{
					File: "/src/shop/internal/api/checkout.go", LineNumber: 41,
					Method: "github.com/acme/shop/internal/api.(*Handler).checkout",
				},
				{
					File: "/usr/local/go/src/net/http/server.go", LineNumber: 2294,
					Method: "net/http.HandlerFunc.ServeHTTP",
				},
				{File: "/usr/local/go/src/net/http/server.go", LineNumber: 3454, Method: "net/http.(*Server).Serve"},
			},
		},
		{
			name: "Java with cause",
			trace: `java.lang.IllegalStateException: Order 42 has no items
	at com.acme.shop.OrderService.checkout(OrderService.java:118)
	at com.acme.shop.OrderController.post(OrderController.java:57)
	at jdk.internal.reflect.GeneratedMethodAccessor12.invoke(Unknown Source)
	at java.base/java.lang.Thread.run(Thread.java:1583)
Caused by: java.sql.SQLException: connection closed
	at org.postgresql.jdbc.PgConnection.checkClosed(PgConnection.java:907)
	... 4 more`,
			want: []frameJSON{
				{File: "OrderService.java", LineNumber: 118, Method: "com.acme.shop.OrderService.checkout"},
				{File: "OrderController.java", LineNumber: 57, Method: "com.acme.shop.OrderController.post"},
				{File: "Unknown Source", Method: "jdk.internal.reflect.GeneratedMethodAccessor12.invoke"},
				{File: "Thread.java", LineNumber: 1583, Method: "java.base/java.lang.Thread.run"},
			},
		},
		{
			name: "Python, innermost last",
			trace: `Traceback (most recent call last):
  File "/app/venv/lib/python3.12/site-packages/flask/app.py", line 1473, in wsgi_app
    response = self.full_dispatch_request()
  File "/app/shop/views.py", line 31, in checkout
    total = cart.total()
  File "/app/shop/cart.py", line 12, in total
    return sum(i.price for i in self.items) / len(self.items)
ZeroDivisionError: division by zero`,
			want: []frameJSON{
				{File: "/app/shop/cart.py", LineNumber: 12, Method: "total"},
				{File: "/app/shop/views.py", LineNumber: 31, Method: "checkout"},
				{File: "/app/venv/lib/python3.12/site-packages/flask/app.py", LineNumber: 1473, Method: "wsgi_app"},
			},
		},
		{
			name: "JavaScript (V8)",
			trace: "TypeError: Cannot read properties of undefined (reading 'id')\r\n" +
				"    at getUser (/app/src/users.js:12:19)\r\n" +
				"    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)\r\n" +
				"    at /app/src/server.js:30:7\r\n" +
				"    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\r\n" +
				"    at async Promise.all (index 0)",
			want: []frameJSON{
				{File: "/app/src/users.js", LineNumber: 12, ColumnNumber: 19, Method: "getUser"},
				{
					File: "/app/node_modules/express/lib/router/layer.js", LineNumber: 95, ColumnNumber: 5,
					Method: "Layer.handle [as handle_request]",
				},
				{File: "/app/src/server.js", LineNumber: 30, ColumnNumber: 7},
				{
					File: "node:internal/process/task_queues", LineNumber: 95, ColumnNumber: 5,
					Method: "process.processTicksAndRejections",
				},
			},
		},
		{
			name:  "unknown format: one raw frame",
			trace: "  #0 0x00007f3a in checkout() at cart.rb\n  #1 main\n",
			want:  []frameJSON{{Method: "#0 0x00007f3a in checkout() at cart.rb\n  #1 main"}},
			raw:   true,
		},
		{
			name:  "oversized raw frame is cut",
			trace: strings.Repeat("x", 3000),
			want:  []frameJSON{{Method: strings.Repeat("x", maxRawFrame)}},
			raw:   true,
		},
		{name: "empty", trace: " \n", want: []frameJSON{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, raw := parseStacktrace(tc.trace)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.raw, raw)
		})
	}
}
