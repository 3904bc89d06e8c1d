package output

// Uses refers to generated code.
var Uses = Generated
