package envconfig

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// The file's schema. Kept apart from the public types so that those carry no
// TOML tags and can change shape independently of the file format.
type fileTOML struct {
	Profiles map[string]*profileTOML `toml:"profile"`
}

type profileTOML struct {
	Address   string            `toml:"address"`
	Namespace string            `toml:"namespace"`
	APIKey    string            `toml:"api_key"`
	Authority string            `toml:"authority"`
	TLS       *tlsTOML          `toml:"tls"`
	Codec     *codecTOML        `toml:"codec"`
	GRPCMeta  map[string]string `toml:"grpc_meta"`
}

type tlsTOML struct {
	Disabled                bool   `toml:"disabled"`
	ClientCertPath          string `toml:"client_cert_path"`
	ClientCertData          string `toml:"client_cert_data"`
	ClientKeyPath           string `toml:"client_key_path"`
	ClientKeyData           string `toml:"client_key_data"`
	ServerCACertPath        string `toml:"server_ca_cert_path"`
	ServerCACertData        string `toml:"server_ca_cert_data"`
	ServerName              string `toml:"server_name"`
	DisableHostVerification bool   `toml:"disable_host_verification"`
}

type codecTOML struct {
	Endpoint string `toml:"endpoint"`
	Auth     string `toml:"auth"`
}

// knownKeys are the keys a profile may have, dotted below tables, for
// "did you mean" hints.
var knownKeys = []string{
	"address", "namespace", "api_key", "authority", "tls", "codec", "grpc_meta",
	"tls.disabled", "tls.client_cert_path", "tls.client_cert_data",
	"tls.client_key_path", "tls.client_key_data", "tls.server_ca_cert_path",
	"tls.server_ca_cert_data", "tls.server_name", "tls.disable_host_verification",
	"codec.endpoint", "codec.auth",
}

// parse decodes data, the contents of file, into profiles. Unknown keys are
// errors unless allowUnknown.
func parse(file string, data []byte, allowUnknown bool) (map[string]*Profile, error) {
	var doc fileTOML
	dec := toml.NewDecoder(bytes.NewReader(data))
	if !allowUnknown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, fileErrors(file, err)
	}
	profiles := make(map[string]*Profile, len(doc.Profiles))
	for name, p := range doc.Profiles {
		profiles[name] = p.profile(file, name)
	}
	return profiles, nil
}

func (p *profileTOML) profile(file, name string) *Profile {
	out := &Profile{origin: &origin{file: file, profile: name}}
	if p == nil { // [profile.NAME] with nothing in it decodes to nil
		return out
	}
	out.Address = p.Address
	out.Namespace = p.Namespace
	out.APIKey = p.APIKey
	out.Authority = p.Authority
	if t := p.TLS; t != nil {
		out.TLS = &TLS{
			Disabled:                t.Disabled,
			ClientCertPath:          t.ClientCertPath,
			ClientCertData:          t.ClientCertData,
			ClientKeyPath:           t.ClientKeyPath,
			ClientKeyData:           t.ClientKeyData,
			ServerCACertPath:        t.ServerCACertPath,
			ServerCACertData:        t.ServerCACertData,
			ServerName:              t.ServerName,
			DisableHostVerification: t.DisableHostVerification,
		}
	}
	if c := p.Codec; c != nil {
		out.Codec = &Codec{Endpoint: c.Endpoint, Auth: c.Auth}
	}
	if len(p.GRPCMeta) > 0 {
		out.GRPCMeta = make(map[string]string, len(p.GRPCMeta))
		for k, v := range p.GRPCMeta {
			out.GRPCMeta[NormalizeHeaderName(k)] = v
		}
	}
	return out
}

// fileErrors turns a decoding error of the TOML library into FileErrors.
func fileErrors(file string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		errs := make([]error, len(strict.Errors))
		for i := range strict.Errors {
			e := &strict.Errors[i]
			errs[i] = unknownKeyError(file, e)
		}
		return errors.Join(errs...)
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		fe := &FileError{File: file, Line: line, Column: col}
		fe.Profile, fe.Key = splitKey(de.Key())
		fe.Msg = decodeMessage(fe.Profile, fe.Key, len(de.Key()), strings.TrimPrefix(de.Error(), "toml: "))
		return fe
	}
	return &FileError{File: file, Msg: err.Error()}
}

func unknownKeyError(file string, e *toml.DecodeError) *FileError {
	line, col := e.Position()
	fe := &FileError{File: file, Line: line, Column: col}
	fe.Profile, fe.Key = splitKey(e.Key())
	what := "key"
	if strings.Contains(e.Error(), "missing table") {
		what = "table"
	}
	if fe.Profile == "" {
		fe.Key = strings.Join(e.Key(), ".")
		fe.Msg = fmt.Sprintf("unknown %s %q outside any profile (settings go in [profile.NAME] tables)", what, fe.Key)
		return fe
	}
	fe.Msg = fmt.Sprintf("unknown %s %q in profile %q", what, fe.Key, fe.Profile)
	if guess := closestKey(fe.Key, what == "table"); guess != "" {
		fe.Msg += fmt.Sprintf("; did you mean %q?", guess)
	}
	return fe
}

// splitKey splits a full TOML key into the profile it is in ("" if none)
// and the dotted rest.
func splitKey(k toml.Key) (profile, rest string) {
	if len(k) >= 2 && k[0] == "profile" {
		return k[1], strings.Join(k[2:], ".")
	}
	return "", strings.Join(k, ".")
}

var typeMismatch = regexp.MustCompile(`^cannot decode TOML (.+?) into (?:struct field \S+ of type )?(\S+)$`)

// decodeMessage rewrites the library's message msg about key (in profile,
// from a full key of n parts) in the file's terms rather than Go's.
func decodeMessage(profile, key string, n int, msg string) string {
	m := typeMismatch.FindStringSubmatch(msg)
	if m == nil || n == 0 {
		return msg
	}
	var want string
	switch m[2] {
	case "string":
		want = "a string"
	case "bool":
		want = "a boolean (true or false)"
	case "map[string]string":
		want = "a table of strings"
	default:
		want = "a table"
	}
	got := article(m[1]) + " " + m[1]
	switch {
	case profile == "":
		return fmt.Sprintf("key %q is %s, want %s", key, got, want)
	case key == "":
		return fmt.Sprintf("profile %q is %s, want %s", profile, got, want)
	}
	return fmt.Sprintf("key %q in profile %q is %s, want %s", key, profile, got, want)
}

func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// closestKey returns the known key (or, if table, the known table) nearest
// to key by edit distance, if it is near enough to be a likely typo, else "".
func closestKey(key string, table bool) string {
	best, bestDist := "", 3 // at most two edits
	for _, k := range knownKeys {
		if table && k != "tls" && k != "codec" && k != "grpc_meta" {
			continue
		}
		d := editDistance(key, k)
		if i := strings.LastIndexByte(k, '.'); i >= 0 && !table && !strings.Contains(key, ".") {
			// The TOML library reports a key of an inline table without
			// the table's name.
			d = min(d, editDistance(key, k[i+1:]))
		}
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
