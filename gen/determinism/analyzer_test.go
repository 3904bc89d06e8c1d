package determinism_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/temporalgen/temporalgen/gen/determinism"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), determinism.Analyzer, "basic", "cross", "escape", "roots", "rules")
}

func TestDocIsTheManualSection(t *testing.T) {
	doc := determinism.Analyzer.Doc
	if !strings.HasPrefix(doc, "temporaldeterminism: report nondeterministic code") {
		t.Errorf("Doc starts %q, want the title line of doc.go's # Analyzer section", doc[:min(len(doc), 60)])
	}
	for _, s := range []string{"//temporal:nondeterministic-ok", "sandboxed=false", "global: assignments"} {
		if !strings.Contains(doc, s) {
			t.Errorf("Doc lacks %q", s)
		}
	}
	if strings.Contains(doc, "// ") || strings.Contains(doc, "package determinism") {
		t.Errorf("Doc keeps comment marks or the package clause:\n%s", doc)
	}
}
