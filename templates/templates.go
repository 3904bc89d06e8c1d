// Package templates holds the text/template files of temporalgen's
// non-Go output, embedded in the binary so that the tool works from any
// directory (go run, go tool).
//
//	docs.md.tmpl  the Markdown reference of a package (temporalgen -docs),
//	              executed by gen/docs with a docs.Page
package templates

import "embed"

// FS holds the *.tmpl files of this directory. It is read-only.
//
//go:embed *.tmpl
var FS embed.FS
