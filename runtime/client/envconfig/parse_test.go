package envconfig

import (
	"errors"
	"reflect"
	"testing"
)

// plain returns p without its origin, for comparisons.
func plain(p *Profile) Profile {
	if p == nil {
		return Profile{}
	}
	c := *p
	c.origin = nil
	return c
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		toml string
		want map[string]Profile
	}{
		{
			name: "empty file",
			toml: "",
			want: map[string]Profile{},
		},
		{
			name: "every key",
			toml: `
[profile.default]
address = "localhost:7233"
namespace = "ns"
api_key = "key"
authority = "auth.example"

[profile.default.tls]
disabled = true
client_cert_path = "c.pem"
client_cert_data = "CERT"
client_key_path = "k.pem"
client_key_data = "KEY"
server_ca_cert_path = "ca.pem"
server_ca_cert_data = "CA"
server_name = "srv"
disable_host_verification = true

[profile.default.grpc_meta]
x-one = "1"
X_Two = "2"

[profile.default.codec]
endpoint = "https://codec"
auth = "Bearer c"
`,
			want: map[string]Profile{"default": {
				Address: "localhost:7233", Namespace: "ns", APIKey: "key", Authority: "auth.example",
				TLS: &TLS{
					Disabled:       true,
					ClientCertPath: "c.pem", ClientCertData: "CERT",
					ClientKeyPath: "k.pem", ClientKeyData: "KEY",
					ServerCACertPath: "ca.pem", ServerCACertData: "CA",
					ServerName: "srv", DisableHostVerification: true,
				},
				GRPCMeta: map[string]string{"x-one": "1", "x-two": "2"},
				Codec:    &Codec{Endpoint: "https://codec", Auth: "Bearer c"},
			}},
		},
		{
			name: "inline tables and several profiles",
			toml: `
[profile.a]
address = "a:1"
tls = { server_name = "sa" }
grpc_meta = { "Some_Header" = "v" }
codec = { endpoint = "e" }

[profile."b c"]
namespace = "nb"
`,
			want: map[string]Profile{
				"a": {
					Address:  "a:1",
					TLS:      &TLS{ServerName: "sa"},
					GRPCMeta: map[string]string{"some-header": "v"},
					Codec:    &Codec{Endpoint: "e"},
				},
				"b c": {Namespace: "nb"},
			},
		},
		{
			name: "empty tables",
			toml: "[profile.empty]\n[profile.tlsonly.tls]\n",
			want: map[string]Profile{"empty": {}, "tlsonly": {TLS: &TLS{}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parse("t.toml", []byte(tc.toml), false)
			if err != nil {
				t.Fatal(err)
			}
			plainGot := map[string]Profile{}
			for name, p := range got {
				plainGot[name] = plain(p)
				if p.origin == nil || p.origin.file != "t.toml" || p.origin.profile != name {
					t.Errorf("profile %q: origin = %+v", name, p.origin)
				}
			}
			if !reflect.DeepEqual(plainGot, tc.want) {
				t.Errorf("got  %+v\nwant %+v", plainGot, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const file = "dir/temporal.toml"
	for _, tc := range []struct {
		name string
		toml string
		want string
	}{
		{
			name: "unknown key",
			toml: "[profile.default]\naddress = \"x\"\nadress = \"y\"\n",
			want: `dir/temporal.toml:3:1: unknown key "adress" in profile "default"; did you mean "address"?`,
		},
		{
			name: "unknown key without a likely meaning",
			toml: "[profile.default]\nretries = 3\n",
			want: `dir/temporal.toml:2:1: unknown key "retries" in profile "default"`,
		},
		{
			name: "unknown key in the tls table",
			toml: "[profile.p]\n[profile.p.tls]\nclient_cert = \"c.pem\"\n",
			want: `dir/temporal.toml:3:1: unknown key "tls.client_cert" in profile "p"`,
		},
		{
			name: "misspelt table",
			toml: "[profile.p]\n[profile.p.tsl]\nserver_name = \"s\"\n",
			want: `dir/temporal.toml:2:2: unknown table "tsl" in profile "p"; did you mean "tls"?`,
		},
		{
			name: "unknown key in an inline table",
			toml: "[profile.p]\ncodec = { endpont = \"e\" }\n",
			want: `dir/temporal.toml:2:11: unknown key "endpont" in profile "p"; did you mean "codec.endpoint"?`,
		},
		{
			name: "unknown table in a profile",
			toml: "[profile.p]\n[profile.p.oauth]\ntoken = \"t\"\n",
			want: `dir/temporal.toml:2:2: unknown table "oauth" in profile "p"`,
		},
		{
			name: "key outside profiles",
			toml: "address = \"x\"\n",
			want: `dir/temporal.toml:1:1: unknown key "address" outside any profile (settings go in [profile.NAME] tables)`,
		},
		{
			name: "table outside profiles",
			toml: "[default]\naddress = \"x\"\n",
			want: `dir/temporal.toml:1:2: unknown table "default" outside any profile (settings go in [profile.NAME] tables)`,
		},
		{
			name: "every unknown key is reported",
			toml: "[profile.a]\nadress = \"x\"\n[profile.b]\nnamespce = \"n\"\n",
			want: "dir/temporal.toml:2:1: unknown key \"adress\" in profile \"a\"; did you mean \"address\"?\n" +
				"dir/temporal.toml:4:1: unknown key \"namespce\" in profile \"b\"; did you mean \"namespace\"?",
		},
		{
			name: "integer for a string",
			toml: "[profile.default]\naddress = 7233\n",
			want: `dir/temporal.toml:2:11: key "address" in profile "default" is an integer, want a string`,
		},
		{
			name: "string for a boolean",
			toml: "[profile.default.tls]\ndisabled = \"yes\"\n",
			want: `dir/temporal.toml:2:12: key "tls.disabled" in profile "default" is a string, want a boolean (true or false)`,
		},
		{
			name: "boolean for the tls table",
			toml: "[profile.default]\ntls = true\n",
			want: `dir/temporal.toml:2:7: key "tls" in profile "default" is a boolean, want a table`,
		},
		{
			name: "integer header",
			toml: "[profile.default.grpc_meta]\nx-port = 1\n",
			want: `dir/temporal.toml:2:10: key "grpc_meta.x-port" in profile "default" is an integer, want a string`,
		},
		{
			name: "integer for grpc_meta",
			toml: "[profile.default]\ngrpc_meta = 1\n",
			want: `dir/temporal.toml:2:13: key "grpc_meta" in profile "default" is an integer, want a table of strings`,
		},
		{
			name: "profile that is not a table",
			toml: "[profile]\ndefault = \"localhost\"\n",
			want: `dir/temporal.toml:2:11: profile "default" is a string, want a table`,
		},
		{
			name: "profile key that is not a table",
			toml: "profile = 1\n",
			want: `dir/temporal.toml:1:11: key "profile" is an integer, want a table`,
		},
		{
			name: "unterminated string",
			toml: "[profile.default]\naddress = \"localhost:7233\n",
			want: `dir/temporal.toml:2:26: basic strings cannot have new lines`,
		},
		{
			name: "duplicate key",
			toml: "[profile.default]\naddress = \"a\"\naddress = \"b\"\n",
			want: `dir/temporal.toml:3:1: key address is already defined`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(file, []byte(tc.toml), false)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tc.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.File != file || fe.Line == 0 || fe.Column == 0 {
				t.Errorf("error is not a positioned *FileError: %#v", err)
			}
		})
	}
}

func TestParseAllowUnknownKeys(t *testing.T) {
	data := "top = 1\n[profile.p]\naddress = \"a\"\nfuture = \"x\"\n[profile.p.oauth]\ntoken = \"t\"\n"
	got, err := parse("t.toml", []byte(data), true)
	if err != nil {
		t.Fatal(err)
	}
	if p := plain(got["p"]); !reflect.DeepEqual(p, Profile{Address: "a"}) {
		t.Errorf("profile p = %+v", p)
	}
	// Type errors are still errors.
	if _, err := parse("t.toml", []byte("[profile.p]\naddress = 1\n"), true); err == nil {
		t.Error("type error ignored with AllowUnknownKeys")
	}
}

func TestFileErrorFields(t *testing.T) {
	_, err := parse("f.toml", []byte("[profile.prod.tls]\nservr_name = \"x\"\n"), false)
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *FileError", err)
	}
	want := FileError{File: "f.toml", Line: 2, Column: 1, Profile: "prod", Key: "tls.servr_name",
		Msg: `unknown key "tls.servr_name" in profile "prod"; did you mean "tls.server_name"?`}
	if *fe != want {
		t.Errorf("FileError = %+v, want %+v", *fe, want)
	}
	if got := (&FileError{File: "f", Msg: "m"}).Error(); got != "f: m" {
		t.Errorf("unpositioned FileError = %q", got)
	}
}
