package envconfig

import (
	"fmt"
	"strconv"
	"strings"
)

// FileError is a problem in a configuration file: a TOML syntax error, a
// value of the wrong type or an unknown key. Its message starts with the
// position, like a compiler's:
//
//	/home/me/.config/temporalio/temporal.toml:3:1: unknown key "adress" in profile "default"; did you mean "address"?
//
// A file with several unknown keys gives one FileError for each, joined with
// errors.Join; errors.As finds the first.
type FileError struct {
	File    string // path of the file
	Line    int    // 1-based line, 0 if unknown
	Column  int    // 1-based column, 0 if unknown
	Profile string // the profile the problem is in, "" outside profiles
	Key     string // dotted key within the profile (or, outside profiles, the file), "" if none
	Msg     string // what is wrong, naming the key and profile
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(":" + strconv.Itoa(e.Column))
		}
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// ProfileNotFoundError reports that the profile named by LoadOptions.Profile
// or $TEMPORAL_PROFILE is not in the configuration file. (The default profile
// may be missing: then the file contributes nothing.)
type ProfileNotFoundError struct {
	Profile  string   // the profile asked for
	Source   string   // what named it: "LoadOptions.Profile" or "$TEMPORAL_PROFILE"
	File     string   // the file looked in
	Missing  bool     // the file does not exist
	Profiles []string // the profiles the file has, sorted
}

func (e *ProfileNotFoundError) Error() string {
	msg := fmt.Sprintf("envconfig: profile %q (from %s) not found", e.Profile, e.Source)
	switch {
	case e.File == "":
		return msg + ": no configuration file (the user configuration directory is unknown)"
	case e.Missing:
		return msg + ": " + e.File + " does not exist"
	case len(e.Profiles) == 0:
		return msg + " in " + e.File + ", which has no profiles"
	}
	quoted := make([]string, len(e.Profiles))
	for i, p := range e.Profiles {
		quoted[i] = strconv.Quote(p)
	}
	return msg + " in " + e.File + ", which has the profiles " + strings.Join(quoted, ", ")
}
