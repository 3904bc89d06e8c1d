package envconfig

import (
	"reflect"
	"testing"
)

func TestEnvOverrides(t *testing.T) {
	const base = `
[profile.default]
address = "file:7233"
namespace = "file-ns"
api_key = "file-key"

[profile.default.grpc_meta]
keep = "k"
replace = "r"
remove = "x"
`
	fileProfile := func() Profile {
		return Profile{
			Address: "file:7233", Namespace: "file-ns", APIKey: "file-key",
			GRPCMeta: map[string]string{"keep": "k", "replace": "r", "remove": "x"},
		}
	}
	file := writeFile(t, t.TempDir(), "temporal.toml", base)
	for _, tc := range []struct {
		name    string
		env     []string
		want    func(p *Profile)
		wantErr string
	}{
		{
			name: "no variables",
			want: func(*Profile) {},
		},
		{
			name: "strings",
			env: []string{
				"TEMPORAL_ADDRESS=env:1", "TEMPORAL_NAMESPACE=env-ns", "TEMPORAL_API_KEY=env-key",
				"TEMPORAL_CLIENT_AUTHORITY=env-auth",
			},
			want: func(p *Profile) {
				p.Address, p.Namespace, p.APIKey, p.Authority = "env:1", "env-ns", "env-key", "env-auth"
			},
		},
		{
			name: "empty variables clear settings",
			env:  []string{"TEMPORAL_API_KEY=", "TEMPORAL_NAMESPACE="},
			want: func(p *Profile) { p.APIKey, p.Namespace = "", "" },
		},
		{
			name: "later entries win",
			env:  []string{"TEMPORAL_ADDRESS=first:1", "TEMPORAL_ADDRESS=second:2"},
			want: func(p *Profile) { p.Address = "second:2" },
		},
		{
			name: "TLS variables create the TLS table",
			env: []string{
				"TEMPORAL_TLS_CLIENT_CERT_PATH=c.pem", "TEMPORAL_TLS_CLIENT_CERT_DATA=CERT",
				"TEMPORAL_TLS_CLIENT_KEY_PATH=k.pem", "TEMPORAL_TLS_CLIENT_KEY_DATA=KEY",
				"TEMPORAL_TLS_SERVER_CA_CERT_PATH=ca.pem", "TEMPORAL_TLS_SERVER_CA_CERT_DATA=CA",
				"TEMPORAL_TLS_SERVER_NAME=srv", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION=true",
			},
			want: func(p *Profile) {
				p.TLS = &TLS{
					ClientCertPath: "c.pem", ClientCertData: "CERT", ClientKeyPath: "k.pem", ClientKeyData: "KEY",
					ServerCACertPath: "ca.pem", ServerCACertData: "CA", ServerName: "srv", DisableHostVerification: true,
				}
			},
		},
		{
			name: "empty TLS variables do not",
			env:  []string{"TEMPORAL_TLS_SERVER_NAME=", "TEMPORAL_TLS=", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION="},
			want: func(*Profile) {},
		},
		{
			name: "TEMPORAL_TLS=true",
			env:  []string{"TEMPORAL_TLS=true"},
			want: func(p *Profile) { p.TLS = &TLS{} },
		},
		{
			name: "TEMPORAL_TLS=0",
			env:  []string{"TEMPORAL_TLS=0"},
			want: func(p *Profile) { p.TLS = &TLS{Disabled: true} },
		},
		{
			name: "TEMPORAL_TLS=FALSE",
			env:  []string{"TEMPORAL_TLS=FALSE"},
			want: func(p *Profile) { p.TLS = &TLS{Disabled: true} },
		},
		{
			name:    "bad boolean",
			env:     []string{"TEMPORAL_TLS=yes"},
			wantErr: `envconfig: $TEMPORAL_TLS is "yes", want true, false, 1 or 0`,
		},
		{
			name:    "bad host verification boolean",
			env:     []string{"TEMPORAL_TLS_DISABLE_HOST_VERIFICATION=off"},
			wantErr: `envconfig: $TEMPORAL_TLS_DISABLE_HOST_VERIFICATION is "off", want true, false, 1 or 0`,
		},
		{
			name: "gRPC headers",
			env: []string{
				"TEMPORAL_GRPC_META_REPLACE=r2", "TEMPORAL_GRPC_META_REMOVE=", "TEMPORAL_GRPC_META_X_NEW_HEADER=n",
				"TEMPORAL_GRPC_META_=ignored",
			},
			want: func(p *Profile) {
				p.GRPCMeta = map[string]string{"keep": "k", "replace": "r2", "x-new-header": "n"}
			},
		},
		{
			name: "codec",
			env:  []string{"TEMPORAL_CODEC_ENDPOINT=https://codec", "TEMPORAL_CODEC_AUTH=Bearer c"},
			want: func(p *Profile) { p.Codec = &Codec{Endpoint: "https://codec", Auth: "Bearer c"} },
		},
		{
			name: "unrelated variables",
			env:  []string{"TEMPORAL_ADDRESSX=no", "NOT_TEMPORAL_ADDRESS=no", "malformed"},
			want: func(*Profile) {},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := append([]string{"TEMPORAL_CONFIG_FILE=" + file}, tc.env...)
			p, err := LoadProfile(LoadOptions{Env: env})
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := fileProfile()
			tc.want(&want)
			if got := plain(p); !reflect.DeepEqual(got, want) {
				t.Errorf("profile = %+v\nwant      %+v", got, want)
			}
			// DisableEnv ignores them all.
			p, err = LoadProfile(LoadOptions{Env: env, DisableEnv: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := plain(p); !reflect.DeepEqual(got, fileProfile()) {
				t.Errorf("DisableEnv: profile = %+v", got)
			}
		})
	}
}

func TestEnvOverridesTLSFromFile(t *testing.T) {
	file := writeFile(t, t.TempDir(), "t.toml", "[profile.default.tls]\ndisabled = true\nserver_name = \"file\"\n")
	p, err := LoadProfile(LoadOptions{ConfigFile: file, Env: []string{"TEMPORAL_TLS=1", "TEMPORAL_TLS_SERVER_NAME=env"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (TLS{ServerName: "env"}); p.TLS == nil || *p.TLS != want {
		t.Errorf("TLS = %+v, want %+v", p.TLS, want)
	}
	if got := p.describe("tls.server_name"); got != "$TEMPORAL_TLS_SERVER_NAME" {
		t.Errorf("describe(tls.server_name) = %q", got)
	}
	if got, want := p.describe("tls.client_cert_path"), `tls.client_cert_path of profile "default" in `+file; got != want {
		t.Errorf("describe(tls.client_cert_path) = %q, want %q", got, want)
	}
}
