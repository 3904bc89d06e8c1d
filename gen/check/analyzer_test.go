package check_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/temporalgen/temporalgen/gen/check"
)

func TestAnalyzer(t *testing.T) {
	dir, err := filepath.Abs("../../testdata/analyzer")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, check.Analyzer, "basic", "cross", "escape")
}
