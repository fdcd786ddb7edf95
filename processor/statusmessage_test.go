package processor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
)

// TestStatusEventMessage checks that the error event of an Error status without an exception event has its
// name as its message, as internal/derive gives it, so that the SDK processor and the Collector send the same
// Notify event for the same span. Regression test (issue 6): the event of an otelhttp 5xx, whose status has no
// description, went out from the SDK path with an empty message and from the Collector with "error".
func TestStatusEventMessage(t *testing.T) {
	tests := []struct {
		name string
		spec spanSpec
		want string
	}{
		{name: "no description", spec: spanSpec{entry: true, status: codes.Error}, want: "error"},
		{
			name: "description", spec: spanSpec{entry: true, status: codes.Error, desc: "upstream down"},
			want: "upstream down",
		},
		{name: "error.type first", spec: spanSpec{
			entry: true, status: codes.Error, desc: "upstream down",
			attrs: []attribute.KeyValue{attribute.String("error.type", "timeout")},
		}, want: "timeout"},
		{name: "handled, on a child", spec: spanSpec{status: codes.Error}, want: "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := tt.spec.run(t)
			require.Len(t, evs, 1)
			assert.Equal(t, tt.want, evs[0].Class)
			assert.Equal(t, tt.want, evs[0].Message)
		})
	}
}
