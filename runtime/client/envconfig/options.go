package envconfig

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"maps"
	"os"

	"google.golang.org/grpc"

	"github.com/temporalgen/temporalgen/runtime/client"
)

// ClientOptions converts the profile to options for client.Dial: Address,
// Namespace and APIKey to HostPort, Namespace and APIKey, GRPCMeta to
// Headers, Authority to a grpc.WithAuthority dial option, and TLS to
// Options.TLS (reading the certificate files now) or, when disabled, to
// Options.DisableTLS. The codec is not used. Fields the profile leaves empty
// stay empty, so Dial applies its defaults to them.
func (p *Profile) ClientOptions() (client.Options, error) {
	o := client.Options{
		HostPort:  p.Address,
		Namespace: p.Namespace,
		APIKey:    p.APIKey,
		Headers:   maps.Clone(p.GRPCMeta),
	}
	if p.Authority != "" {
		o.GRPCDialOptions = []grpc.DialOption{grpc.WithAuthority(p.Authority)}
	}
	switch {
	case p.TLS == nil:
		// Plaintext, or TLS with the system roots if there is an API key:
		// Dial decides.
	case p.TLS.Disabled:
		o.DisableTLS = true
	default:
		cfg, err := p.tlsConfig()
		if err != nil {
			return client.Options{}, err
		}
		o.TLS = cfg
	}
	return o, nil
}

// tlsConfig builds the TLS configuration of p.TLS, which is not nil.
func (p *Profile) tlsConfig() (*tls.Config, error) {
	t := p.TLS
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.DisableHostVerification, //nolint:gosec // the user asked for it
	}
	cert, certFrom, err := p.pem("tls.client_cert_path", t.ClientCertPath, "tls.client_cert_data", t.ClientCertData)
	if err != nil {
		return nil, err
	}
	key, keyFrom, err := p.pem("tls.client_key_path", t.ClientKeyPath, "tls.client_key_data", t.ClientKeyData)
	if err != nil {
		return nil, err
	}
	switch {
	case cert != nil && key == nil:
		return nil, fmt.Errorf("envconfig: %s gives a client certificate but no client key is set (tls.client_key_path or tls.client_key_data)", certFrom)
	case key != nil && cert == nil:
		return nil, fmt.Errorf("envconfig: %s gives a client key but no client certificate is set (tls.client_cert_path or tls.client_cert_data)", keyFrom)
	case cert != nil:
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("envconfig: client certificate from %s and key from %s: %w", certFrom, keyFrom, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	ca, caFrom, err := p.pem("tls.server_ca_cert_path", t.ServerCACertPath, "tls.server_ca_cert_data", t.ServerCACertData)
	if err != nil {
		return nil, err
	}
	if ca != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, fmt.Errorf("envconfig: %s: no PEM certificate found", caFrom)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// pem returns the PEM bytes given by a path setting or a data setting and a
// description of where they came from; nil if neither is set.
func (p *Profile) pem(pathKey, path, dataKey, data string) ([]byte, string, error) {
	switch {
	case path != "" && data != "":
		return nil, "", fmt.Errorf("envconfig: both %s and %s are set; set one", p.describe(pathKey), p.describe(dataKey))
	case data != "":
		return []byte(data), p.describe(dataKey), nil
	case path != "":
		from := p.describe(pathKey)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, "", fmt.Errorf("envconfig: read %s: %w", from, err)
		}
		return b, from + " (" + path + ")", nil
	}
	return nil, "", nil
}

// describe names the setting key of p for messages: the variable that set
// it, or the key with its profile and file.
func (p *Profile) describe(key string) string {
	if p.origin == nil {
		return key
	}
	if v, ok := p.origin.env[key]; ok {
		return "$" + v
	}
	if p.origin.file == "" {
		return key
	}
	return fmt.Sprintf("%s of profile %q in %s", key, p.origin.profile, p.origin.file)
}
