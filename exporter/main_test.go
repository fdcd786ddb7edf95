package exporter

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// leakAtImport is what goleak found before any test ran: the package is imported and initialized, and no
// Exporter exists yet.
var leakAtImport error

func TestMain(m *testing.M) {
	leakAtImport = goleak.Find()
	if leakAtImport != nil {
		fmt.Fprintln(os.Stderr, "goroutines running at import:", leakAtImport)
	}
	goleak.VerifyTestMain(m)
}

func TestImportStartsNoGoroutine(t *testing.T) {
	require.NoError(t, leakAtImport, "importing the package must start no goroutine")
}
