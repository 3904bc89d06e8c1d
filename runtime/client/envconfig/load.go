package envconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/temporalgen/temporalgen/runtime/client"
)

// Environment variables that choose the file and the profile. (The variables
// that override a profile's settings are listed in the package
// documentation.)
const (
	EnvConfigFile = "TEMPORAL_CONFIG_FILE" // path of the configuration file
	EnvProfile    = "TEMPORAL_PROFILE"     // name of the profile
)

// DefaultProfile is the profile used when neither LoadOptions.Profile nor
// $TEMPORAL_PROFILE names one.
const DefaultProfile = "default"

// LoadOptions says where to load a profile from. The zero value loads the
// profile named by $TEMPORAL_PROFILE (else "default") from the file named by
// $TEMPORAL_CONFIG_FILE (else DefaultConfigFile) and applies the environment
// variables on top.
type LoadOptions struct {
	// ConfigFile is the configuration file to read. Default:
	// $TEMPORAL_CONFIG_FILE, else DefaultConfigFile(). A file named here or
	// in $TEMPORAL_CONFIG_FILE must exist; the default file may be missing,
	// and then only the environment counts.
	ConfigFile string
	// Profile is the profile to load. Default: $TEMPORAL_PROFILE, else
	// DefaultProfile. A profile named here or in $TEMPORAL_PROFILE must exist
	// in the file (*ProfileNotFoundError otherwise); the default profile may
	// be missing.
	Profile string
	// DisableFile skips the file: the profile comes from the environment
	// alone.
	DisableFile bool
	// DisableEnv skips the environment variables that override the profile's
	// settings. $TEMPORAL_CONFIG_FILE and $TEMPORAL_PROFILE still choose the
	// file and the profile. (client.Dial itself still falls back to
	// $TEMPORAL_ADDRESS, $TEMPORAL_NAMESPACE and $TEMPORAL_API_KEY for fields
	// left empty.)
	DisableEnv bool
	// AllowUnknownKeys ignores keys this package does not know instead of
	// failing with a *FileError. Set it to share a file with tools that store
	// settings of their own in it, or with newer versions of the format.
	AllowUnknownKeys bool
	// Env is the environment to read, as "KEY=value" strings like
	// os.Environ's. Nil means the process environment.
	Env []string
}

// Config is the content of a configuration file: every profile in it, as
// written, without environment overrides.
type Config struct {
	// File is the path of the file read; "" if none was (the default file
	// does not exist, or LoadOptions.DisableFile).
	File string
	// Profiles maps each profile's name to its settings.
	Profiles map[string]*Profile
}

// Profile is one profile's settings: how to reach and authenticate to a
// Temporal server. Empty fields are unset.
type Profile struct {
	// Address is the frontend's host:port (address).
	Address string
	// Namespace is the namespace to work in (namespace).
	Namespace string
	// APIKey is sent as a bearer token (api_key). It turns TLS on unless
	// the profile disables TLS.
	APIKey string
	// Authority overrides the :authority header and the host name gRPC
	// uses, for servers behind a proxy (authority).
	Authority string
	// TLS configures TLS ([profile.NAME.tls]). Nil means plaintext, unless
	// an API key is set.
	TLS *TLS
	// Codec names a remote codec server ([profile.NAME.codec]). This package
	// only reports it: the runtime has no remote codec client, so
	// ClientOptions does not use it.
	Codec *Codec
	// GRPCMeta holds gRPC headers sent on every call ([profile.NAME.grpc_meta]).
	// Names are normalized with NormalizeHeaderName.
	GRPCMeta map[string]string

	origin *origin // where the settings came from, for error messages
}

// TLS is the TLS part of a profile. Paths are read when ClientOptions builds
// the client options; relative paths are relative to the working directory.
// For each of the client certificate, the client key and the server CA, give
// the path or the PEM data, not both.
type TLS struct {
	// Disabled forces plaintext even when an API key is set (disabled).
	Disabled bool
	// ClientCertPath and ClientCertData give the client certificate for
	// mutual TLS, as a PEM file or PEM text (client_cert_path,
	// client_cert_data).
	ClientCertPath, ClientCertData string
	// ClientKeyPath and ClientKeyData give the client certificate's private
	// key (client_key_path, client_key_data).
	ClientKeyPath, ClientKeyData string
	// ServerCACertPath and ServerCACertData give the CA certificates to
	// trust instead of the system roots (server_ca_cert_path,
	// server_ca_cert_data).
	ServerCACertPath, ServerCACertData string
	// ServerName is the name to verify the server's certificate against,
	// when it differs from the address's host (server_name).
	ServerName string
	// DisableHostVerification skips verifying the server's certificate
	// (disable_host_verification). For tests only.
	DisableHostVerification bool
}

// Codec is the codec part of a profile: a remote codec server such as the
// Temporal Web UI and CLI use to decode payloads.
type Codec struct {
	Endpoint string // URL of the codec server (endpoint)
	Auth     string // value of the Authorization header sent to it (auth)
}

// origin records where a profile's settings came from.
type origin struct {
	file    string            // the file the profile was read from, "" if none
	profile string            // the profile's name in file
	env     map[string]string // key (as in the file) -> variable that set it
}

// DefaultConfigFile returns the configuration file read when neither
// LoadOptions.ConfigFile nor $TEMPORAL_CONFIG_FILE names one:
// temporalio/temporal.toml in os.UserConfigDir (~/.config on Linux,
// ~/Library/Application Support on macOS, %AppData% on Windows), the file the
// Temporal CLI's config commands write.
func DefaultConfigFile() (string, error) {
	return defaultConfigFile(nil)
}

// defaultConfigFile is DefaultConfigFile in the environment env, or in the
// process environment if env is nil.
func defaultConfigFile(env map[string]string) (string, error) {
	var dir string
	var err error
	if env == nil {
		dir, err = os.UserConfigDir()
	} else {
		dir, err = userConfigDir(env)
	}
	if err != nil {
		return "", fmt.Errorf("envconfig: %w", err)
	}
	return filepath.Join(dir, "temporalio", "temporal.toml"), nil
}

// userConfigDir is os.UserConfigDir reading env instead of the process
// environment.
func userConfigDir(env map[string]string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if dir := env["AppData"]; dir != "" {
			return dir, nil
		}
		return "", errors.New("%AppData% is not defined")
	case "darwin", "ios":
		if dir := env["HOME"]; dir != "" {
			return dir + "/Library/Application Support", nil
		}
		return "", errors.New("$HOME is not defined")
	case "plan9":
		if dir := env["home"]; dir != "" {
			return dir + "/lib", nil
		}
		return "", errors.New("$home is not defined")
	}
	if dir := env["XDG_CONFIG_HOME"]; dir != "" {
		if !filepath.IsAbs(dir) {
			return "", errors.New("path in $XDG_CONFIG_HOME is relative")
		}
		return dir, nil
	}
	if dir := env["HOME"]; dir != "" {
		return dir + "/.config", nil
	}
	return "", errors.New("neither $XDG_CONFIG_HOME nor $HOME are defined")
}

// LoadConfig reads the configuration file chosen by opts (see
// LoadOptions.ConfigFile) and returns all its profiles, without environment
// overrides. A missing default file gives an empty Config.
func LoadConfig(opts LoadOptions) (*Config, error) {
	cfg, _, err := loadFile(opts)
	return cfg, err
}

// LoadProfile loads the profile chosen by opts from the configuration file
// and applies the environment variables on top.
func LoadProfile(opts LoadOptions) (*Profile, error) {
	env := envMap(opts.Env)
	p := &Profile{}
	if !opts.DisableFile {
		cfg, looked, err := loadFile(opts)
		if err != nil {
			return nil, err
		}
		name, source := opts.Profile, "LoadOptions.Profile"
		if name == "" {
			name, source = env[EnvProfile], "$"+EnvProfile
		}
		if name == "" {
			name, source = DefaultProfile, ""
		}
		if found := cfg.Profiles[name]; found != nil {
			p = found.clone()
		} else if source != "" {
			return nil, &ProfileNotFoundError{
				Profile:  name,
				Source:   source,
				File:     looked,
				Missing:  looked != "" && cfg.File == "",
				Profiles: slices.Sorted(maps.Keys(cfg.Profiles)),
			}
		}
	}
	if !opts.DisableEnv {
		if err := p.applyEnv(env); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ClientOptions loads the profile chosen by opts (LoadProfile) and converts
// it to client options (Profile.ClientOptions).
func ClientOptions(opts LoadOptions) (client.Options, error) {
	p, err := LoadProfile(opts)
	if err != nil {
		return client.Options{}, err
	}
	return p.ClientOptions()
}

// loadFile reads and parses the file chosen by opts. It also returns the
// path it looked at, which is "" only if the default file was wanted and the
// user configuration directory is unknown.
func loadFile(opts LoadOptions) (cfg *Config, looked string, err error) {
	cfg = &Config{Profiles: map[string]*Profile{}}
	if opts.DisableFile {
		return cfg, "", nil
	}
	var env map[string]string // nil: the process environment
	if opts.Env != nil {
		env = envMap(opts.Env)
	}
	path, source := opts.ConfigFile, "LoadOptions.ConfigFile"
	if path == "" {
		path, source = lookup(env, EnvConfigFile), "$"+EnvConfigFile
	}
	if path == "" {
		source = ""
		if path, err = defaultConfigFile(env); err != nil {
			return cfg, "", nil // no home directory: no default file either
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if source == "" && errors.Is(err, fs.ErrNotExist) {
			return cfg, path, nil
		}
		if source != "" {
			return nil, path, fmt.Errorf("envconfig: configuration file from %s: %w", source, err)
		}
		return nil, path, fmt.Errorf("envconfig: configuration file: %w", err)
	}
	profiles, err := parse(path, data, opts.AllowUnknownKeys)
	if err != nil {
		return nil, path, err
	}
	cfg.File, cfg.Profiles = path, profiles
	return cfg, path, nil
}

// clone returns a deep copy of p, so that loading never shares state with a
// Config.
func (p *Profile) clone() *Profile {
	c := *p
	if p.TLS != nil {
		t := *p.TLS
		c.TLS = &t
	}
	if p.Codec != nil {
		cd := *p.Codec
		c.Codec = &cd
	}
	c.GRPCMeta = maps.Clone(p.GRPCMeta)
	if p.origin != nil {
		o := *p.origin
		o.env = maps.Clone(p.origin.env)
		c.origin = &o
	}
	return &c
}

// NormalizeHeaderName returns the form gRPC header names take in profiles:
// lower case, with underscores turned into hyphens, so that grpc_meta key
// "X_Tenant" and variable TEMPORAL_GRPC_META_X_TENANT both name header
// "x-tenant".
func NormalizeHeaderName(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", "-"))
}
