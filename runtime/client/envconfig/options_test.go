package envconfig

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testCerts is a CA and a client certificate it signed, as PEM text and
// files.
type testCerts struct {
	caPEM, certPEM, keyPEM    string
	caPath, certPath, keyPath string
}

func newTestCerts(t *testing.T) testCerts {
	t.Helper()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey, clientKey := newKey(), newKey()
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	clientTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "client"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	clientDER, err := x509.CreateCertificate(rand.Reader, clientTmpl, caTmpl, &clientKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(clientKey)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	c := testCerts{
		caPEM:   enc("CERTIFICATE", caDER),
		certPEM: enc("CERTIFICATE", clientDER),
		keyPEM:  enc("PRIVATE KEY", keyDER),
	}
	dir := t.TempDir()
	c.caPath = writeFile(t, dir, "ca.pem", c.caPEM)
	c.certPath = writeFile(t, dir, "client.pem", c.certPEM)
	c.keyPath = writeFile(t, dir, "client.key", c.keyPEM)
	return c
}

func TestClientOptions(t *testing.T) {
	p := &Profile{
		Address: "h:1", Namespace: "ns", APIKey: "k", Authority: "auth",
		GRPCMeta: map[string]string{"x-a": "1"},
		Codec:    &Codec{Endpoint: "e"},
	}
	o, err := p.ClientOptions()
	if err != nil {
		t.Fatal(err)
	}
	if o.HostPort != "h:1" || o.Namespace != "ns" || o.APIKey != "k" || !reflect.DeepEqual(o.Headers, map[string]string{"x-a": "1"}) {
		t.Errorf("options = %+v", o)
	}
	// No TLS table: Dial turns TLS on for the API key.
	if o.TLS != nil || o.DisableTLS {
		t.Errorf("TLS = %v, DisableTLS = %v; want both unset", o.TLS, o.DisableTLS)
	}
	if len(o.GRPCDialOptions) != 1 {
		t.Errorf("GRPCDialOptions = %v, want the authority option", o.GRPCDialOptions)
	}
	o.Headers["x-a"] = "changed"
	if p.GRPCMeta["x-a"] != "1" {
		t.Error("options share the profile's header map")
	}

	o, err = (&Profile{}).ClientOptions()
	if err != nil || o.HostPort != "" || o.Headers != nil || o.GRPCDialOptions != nil || o.TLS != nil || o.DisableTLS {
		t.Errorf("empty profile: %+v, %v", o, err)
	}

	o, err = (&Profile{APIKey: "k", TLS: &TLS{Disabled: true, ServerName: "ignored"}}).ClientOptions()
	if err != nil || o.TLS != nil || !o.DisableTLS {
		t.Errorf("disabled TLS: TLS = %v, DisableTLS = %v, %v", o.TLS, o.DisableTLS, err)
	}
}

func TestClientOptionsTLS(t *testing.T) {
	c := newTestCerts(t)
	for _, tc := range []struct {
		name      string
		tls       TLS
		wantCerts int
		wantRoots bool
	}{
		{name: "empty table: system roots", tls: TLS{}},
		{name: "paths", tls: TLS{ClientCertPath: c.certPath, ClientKeyPath: c.keyPath, ServerCACertPath: c.caPath}, wantCerts: 1, wantRoots: true},
		{name: "data", tls: TLS{ClientCertData: c.certPEM, ClientKeyData: c.keyPEM, ServerCACertData: c.caPEM}, wantCerts: 1, wantRoots: true},
		{name: "path and data mixed", tls: TLS{ClientCertPath: c.certPath, ClientKeyData: c.keyPEM}, wantCerts: 1},
		{name: "CA only", tls: TLS{ServerCACertPath: c.caPath, ServerName: "srv", DisableHostVerification: true}, wantRoots: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tlsCopy := tc.tls
			o, err := (&Profile{TLS: &tlsCopy}).ClientOptions()
			if err != nil {
				t.Fatal(err)
			}
			cfg := o.TLS
			if cfg == nil || o.DisableTLS {
				t.Fatalf("TLS = %v, DisableTLS = %v", cfg, o.DisableTLS)
			}
			if len(cfg.Certificates) != tc.wantCerts {
				t.Errorf("%d client certificates, want %d", len(cfg.Certificates), tc.wantCerts)
			}
			if (cfg.RootCAs != nil) != tc.wantRoots {
				t.Errorf("RootCAs = %v, want set: %v", cfg.RootCAs, tc.wantRoots)
			}
			if cfg.ServerName != tc.tls.ServerName || cfg.InsecureSkipVerify != tc.tls.DisableHostVerification {
				t.Errorf("ServerName = %q, InsecureSkipVerify = %v", cfg.ServerName, cfg.InsecureSkipVerify)
			}
		})
	}
}

func TestClientOptionsTLSErrors(t *testing.T) {
	c := newTestCerts(t)
	other := newTestCerts(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	notPEM := writeFile(t, dir, "not.pem", "not a certificate\n")
	file := writeFile(t, dir, "temporal.toml", `
[profile.missingcert.tls]
client_cert_path = "`+missing+`"
client_key_path = "`+c.keyPath+`"

[profile.missingca.tls]
server_ca_cert_path = "`+missing+`"

[profile.both.tls]
client_cert_path = "`+c.certPath+`"
client_cert_data = "x"

[profile.nokey.tls]
client_cert_path = "`+c.certPath+`"

[profile.nocert.tls]
client_key_path = "`+c.keyPath+`"

[profile.mismatch.tls]
client_cert_path = "`+c.certPath+`"
client_key_path = "`+other.keyPath+`"

[profile.badca.tls]
server_ca_cert_path = "`+notPEM+`"
`)
	in := func(profile string) string { return ` of profile "` + profile + `" in ` + file }
	for _, tc := range []struct {
		profile string
		env     []string
		want    string
	}{
		{
			profile: "missingcert",
			want:    "envconfig: read tls.client_cert_path" + in("missingcert") + ": open " + missing + ": no such file or directory",
		},
		{
			profile: "missingca",
			want:    "envconfig: read tls.server_ca_cert_path" + in("missingca") + ": open " + missing + ": no such file or directory",
		},
		{
			profile: "", // the default profile, not in the file
			env:     []string{"TEMPORAL_TLS_SERVER_CA_CERT_PATH=" + missing},
			want:    "envconfig: read $TEMPORAL_TLS_SERVER_CA_CERT_PATH: open " + missing + ": no such file or directory",
		},
		{
			profile: "both",
			want:    "envconfig: both tls.client_cert_path" + in("both") + " and tls.client_cert_data" + in("both") + " are set; set one",
		},
		{
			profile: "both",
			env:     []string{"TEMPORAL_TLS_CLIENT_CERT_DATA=y"},
			want:    "envconfig: both tls.client_cert_path" + in("both") + " and $TEMPORAL_TLS_CLIENT_CERT_DATA are set; set one",
		},
		{
			profile: "nokey",
			want: "envconfig: tls.client_cert_path" + in("nokey") + " (" + c.certPath + ") gives a client certificate " +
				"but no client key is set (tls.client_key_path or tls.client_key_data)",
		},
		{
			profile: "nocert",
			want: "envconfig: tls.client_key_path" + in("nocert") + " (" + c.keyPath + ") gives a client key " +
				"but no client certificate is set (tls.client_cert_path or tls.client_cert_data)",
		},
		{
			profile: "mismatch",
			want: "envconfig: client certificate from tls.client_cert_path" + in("mismatch") + " (" + c.certPath + ") " +
				"and key from tls.client_key_path" + in("mismatch") + " (" + other.keyPath + "): tls: private key does not match public key",
		},
		{
			profile: "badca",
			want:    "envconfig: tls.server_ca_cert_path" + in("badca") + " (" + notPEM + "): no PEM certificate found",
		},
	} {
		t.Run(tc.profile+strings.Join(tc.env, ","), func(t *testing.T) {
			opts := LoadOptions{ConfigFile: file, Profile: tc.profile, Env: tc.env}
			if tc.env == nil {
				opts.Env = []string{}
			}
			_, err := ClientOptions(opts)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v\nwant    %s", err, tc.want)
			}
		})
	}
	// A profile built in code names just the key.
	_, err := (&Profile{TLS: &TLS{ClientCertPath: missing, ClientKeyPath: missing}}).ClientOptions()
	if want := "envconfig: read tls.client_cert_path: open " + missing; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want prefix %s", err, want)
	}
}
