package telemetrygen

import (
	"testing"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }
