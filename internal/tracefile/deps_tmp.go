package tracefile

import (
	_ "github.com/jaegertracing/jaeger-idl/model/v1"
	_ "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/jaeger"
	_ "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	_ "go.opentelemetry.io/collector/pdata/ptrace"
)
