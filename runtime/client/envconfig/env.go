package envconfig

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// EnvGRPCMetaPrefix starts the names of the variables that set gRPC headers:
// TEMPORAL_GRPC_META_X_TENANT=acme sends header "x-tenant: acme".
const EnvGRPCMetaPrefix = "TEMPORAL_GRPC_META_"

// envMap turns an environment in os.Environ form into a map; nil means the
// process environment. Later entries win, as in the process environment.
func envMap(env []string) map[string]string {
	if env == nil {
		env = os.Environ()
	}
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			m[k] = v
		}
	}
	return m
}

// lookup returns the variable name of env, or of the process environment
// if env is nil.
func lookup(env map[string]string, name string) string {
	if env == nil {
		return os.Getenv(name)
	}
	return env[name]
}

// stringVars maps the variables overriding a string setting to the key of
// that setting in the file.
var stringVars = []struct{ env, key string }{
	{"TEMPORAL_ADDRESS", "address"},
	{"TEMPORAL_NAMESPACE", "namespace"},
	{"TEMPORAL_API_KEY", "api_key"},
	{"TEMPORAL_CLIENT_AUTHORITY", "authority"},
	{"TEMPORAL_TLS_CLIENT_CERT_PATH", "tls.client_cert_path"},
	{"TEMPORAL_TLS_CLIENT_CERT_DATA", "tls.client_cert_data"},
	{"TEMPORAL_TLS_CLIENT_KEY_PATH", "tls.client_key_path"},
	{"TEMPORAL_TLS_CLIENT_KEY_DATA", "tls.client_key_data"},
	{"TEMPORAL_TLS_SERVER_CA_CERT_PATH", "tls.server_ca_cert_path"},
	{"TEMPORAL_TLS_SERVER_CA_CERT_DATA", "tls.server_ca_cert_data"},
	{"TEMPORAL_TLS_SERVER_NAME", "tls.server_name"},
	{"TEMPORAL_CODEC_ENDPOINT", "codec.endpoint"},
	{"TEMPORAL_CODEC_AUTH", "codec.auth"},
}

// applyEnv overrides p's settings with the variables set in env.
func (p *Profile) applyEnv(env map[string]string) error {
	for _, sv := range stringVars {
		v, ok := env[sv.env]
		if !ok {
			continue
		}
		// A variable set to "" clears the setting, e.g. to drop a file's
		// API key; it does not create a TLS or codec table.
		field := p.stringField(sv.key, v != "")
		if field == nil {
			continue
		}
		*field = v
		p.noteEnv(sv.key, sv.env)
	}
	if v, ok, err := envBool(env, "TEMPORAL_TLS"); err != nil {
		return err
	} else if ok {
		p.tls(true).Disabled = !v
		p.noteEnv("tls", "TEMPORAL_TLS")
	}
	if v, ok, err := envBool(env, "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"); err != nil {
		return err
	} else if ok {
		p.tls(true).DisableHostVerification = v
		p.noteEnv("tls.disable_host_verification", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION")
	}
	for _, name := range slices.Sorted(maps.Keys(env)) {
		h, ok := strings.CutPrefix(name, EnvGRPCMetaPrefix)
		if !ok || h == "" {
			continue
		}
		h = NormalizeHeaderName(h)
		if v := env[name]; v == "" { // set but empty: remove the file's header
			delete(p.GRPCMeta, h)
		} else {
			if p.GRPCMeta == nil {
				p.GRPCMeta = map[string]string{}
			}
			p.GRPCMeta[h] = v
		}
		p.noteEnv("grpc_meta."+h, name)
	}
	return nil
}

// stringField returns the string setting named key, creating its table if
// create; nil if the table does not exist and create is false.
func (p *Profile) stringField(key string, create bool) *string {
	switch key {
	case "address":
		return &p.Address
	case "namespace":
		return &p.Namespace
	case "api_key":
		return &p.APIKey
	case "authority":
		return &p.Authority
	}
	if sub, ok := strings.CutPrefix(key, "codec."); ok {
		if p.Codec == nil {
			if !create {
				return nil
			}
			p.Codec = &Codec{}
		}
		switch sub {
		case "endpoint":
			return &p.Codec.Endpoint
		case "auth":
			return &p.Codec.Auth
		}
	}
	t := p.tls(create)
	if t == nil {
		return nil
	}
	switch key {
	case "tls.client_cert_path":
		return &t.ClientCertPath
	case "tls.client_cert_data":
		return &t.ClientCertData
	case "tls.client_key_path":
		return &t.ClientKeyPath
	case "tls.client_key_data":
		return &t.ClientKeyData
	case "tls.server_ca_cert_path":
		return &t.ServerCACertPath
	case "tls.server_ca_cert_data":
		return &t.ServerCACertData
	case "tls.server_name":
		return &t.ServerName
	}
	panic("envconfig: no string setting " + key) // stringVars and this switch disagree
}

// tls returns p.TLS, creating it if create.
func (p *Profile) tls(create bool) *TLS {
	if p.TLS == nil && create {
		p.TLS = &TLS{}
	}
	return p.TLS
}

// noteEnv records that variable set the setting key.
func (p *Profile) noteEnv(key, variable string) {
	if p.origin == nil {
		p.origin = &origin{}
	}
	if p.origin.env == nil {
		p.origin.env = map[string]string{}
	}
	p.origin.env[key] = variable
}

// envBool reads a boolean variable: true, false, 1 or 0 in any case. Unset
// and empty are both unset.
func envBool(env map[string]string, name string) (v, ok bool, err error) {
	s := env[name]
	switch strings.ToLower(s) {
	case "":
		return false, false, nil
	case "true", "1":
		return true, true, nil
	case "false", "0":
		return false, true, nil
	}
	return false, false, fmt.Errorf("envconfig: $%s is %q, want true, false, 1 or 0", name, s)
}
