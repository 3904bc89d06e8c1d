// Package envconfig loads client connection settings from profiles in a TOML
// file and from environment variables, the way the Temporal CLI and the
// other Temporal SDKs do, so one configuration serves them all.
//
// # Loading
//
// ClientOptions loads a profile and turns it into client.Options for Dial:
//
//	opts, err := envconfig.ClientOptions(envconfig.LoadOptions{})
//	if err != nil { ... }
//	opts.Logger = logger // anything else the program sets itself
//	c, err := client.Dial(ctx, opts)
//
// Fields the profile leaves empty stay empty, so Dial applies its defaults
// (localhost:7233, namespace "default"). LoadProfile returns the Profile
// itself, with the codec settings that client.Options has no place for;
// LoadConfig returns every profile of the file.
//
// # The file
//
// The file is LoadOptions.ConfigFile, else $TEMPORAL_CONFIG_FILE, else
// DefaultConfigFile (temporalio/temporal.toml in os.UserConfigDir, e.g.
// ~/.config/temporalio/temporal.toml on Linux), the file that
// `temporal config set` writes. The default file may be missing; a file
// named by the option or the variable must exist. The profile is
// LoadOptions.Profile, else $TEMPORAL_PROFILE, else "default"; a profile so
// named must be in the file, while a missing "default" profile just
// contributes nothing. Each profile is a [profile.NAME] table:
//
//	[profile.default]
//	address = "localhost:7233"
//	namespace = "default"
//
//	[profile.prod]
//	address = "prod.a1b2c.tmprl.cloud:7233"
//	namespace = "prod.a1b2c"
//	api_key = "..."                  # sent as a bearer token; turns TLS on
//	authority = "..."                # :authority header and host name for gRPC
//
//	[profile.prod.tls]               # present and not disabled: TLS on
//	disabled = false                 # true forces plaintext, even with api_key
//	client_cert_path = "client.pem"  # or client_cert_data = "-----BEGIN ..."
//	client_key_path = "client.key"   # or client_key_data
//	server_ca_cert_path = "ca.pem"   # or server_ca_cert_data; default: system roots
//	server_name = "..."              # name to verify the server certificate against
//	disable_host_verification = false
//
//	[profile.prod.grpc_meta]         # headers sent on every call
//	x-tenant = "acme"
//
//	[profile.prod.codec]             # remote codec server, reported only
//	endpoint = "https://codec.example.com"
//	auth = "Bearer ..."
//
// Tables may also be written inline (tls = { server_name = "x" }). Header
// names are normalized to lower case with hyphens for underscores
// (NormalizeHeaderName). Relative certificate paths are relative to the
// working directory, and are read by Profile.ClientOptions.
//
// # Environment variables
//
// Unless LoadOptions.DisableEnv, these override the profile's settings:
//
//	TEMPORAL_ADDRESS                        address
//	TEMPORAL_NAMESPACE                      namespace
//	TEMPORAL_API_KEY                        api_key
//	TEMPORAL_CLIENT_AUTHORITY               authority
//	TEMPORAL_TLS                            true turns TLS on, false disables it
//	TEMPORAL_TLS_CLIENT_CERT_PATH, _DATA    tls.client_cert_path, tls.client_cert_data
//	TEMPORAL_TLS_CLIENT_KEY_PATH, _DATA     tls.client_key_path, tls.client_key_data
//	TEMPORAL_TLS_SERVER_CA_CERT_PATH, _DATA tls.server_ca_cert_path, tls.server_ca_cert_data
//	TEMPORAL_TLS_SERVER_NAME                tls.server_name
//	TEMPORAL_TLS_DISABLE_HOST_VERIFICATION  tls.disable_host_verification
//	TEMPORAL_GRPC_META_<NAME>               grpc_meta header <NAME> (normalized)
//	TEMPORAL_CODEC_ENDPOINT                 codec.endpoint
//	TEMPORAL_CODEC_AUTH                     codec.auth
//
// A variable set to the empty string clears the setting (an empty
// TEMPORAL_GRPC_META_<NAME> removes the header), except that the boolean
// variables, which take true, false, 1 or 0, treat empty as unset. Setting a
// TLS variable turns TLS on. LoadOptions.Env replaces the process
// environment, e.g. in tests.
//
// # Errors
//
// A file that is not valid TOML, has a value of the wrong type or a key this
// package does not know gives *FileError values naming the file, line,
// column, key and profile:
//
//	/home/me/.config/temporalio/temporal.toml:3:1: unknown key "adress" in profile "default"; did you mean "address"?
//
// (LoadOptions.AllowUnknownKeys ignores unknown keys, for files shared with
// tools that keep settings of their own there.) A profile that is not in the
// file gives a *ProfileNotFoundError listing the profiles it has. A
// certificate that cannot be read or parsed gives an error naming the
// setting (or variable) that pointed to it and the path.
package envconfig
