package envconfig_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/temporalgen/temporalgen/runtime/client/envconfig"
)

// Example loads the "staging" profile of a configuration file, with an
// environment variable overriding its namespace, and shows the client
// options it gives. Programs usually pass LoadOptions{} (the default file,
// $TEMPORAL_PROFILE and the process environment) and hand the options to
// client.Dial.
func Example() {
	dir, err := os.MkdirTemp("", "envconfig")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "temporal.toml")
	err = os.WriteFile(file, []byte(`
[profile.default]
address = "localhost:7233"

[profile.staging]
address = "staging.example.com:7233"
namespace = "orders"
api_key = "secret"

[profile.staging.grpc_meta]
x_tenant = "acme"
`), 0o600)
	if err != nil {
		fmt.Println(err)
		return
	}

	opts, err := envconfig.ClientOptions(envconfig.LoadOptions{
		ConfigFile: file,
		Profile:    "staging",
		Env:        []string{"TEMPORAL_NAMESPACE=orders-test"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("address:", opts.HostPort)
	fmt.Println("namespace:", opts.Namespace)
	fmt.Println("API key set:", opts.APIKey != "")
	fmt.Println("headers:", opts.Headers)
	// A program would now connect: c, err := client.Dial(ctx, opts)

	// Output:
	// address: staging.example.com:7233
	// namespace: orders-test
	// API key set: true
	// headers: map[x-tenant:acme]
}

// ExampleLoadProfile shows the error for a misspelt key.
func ExampleLoadProfile() {
	dir, err := os.MkdirTemp("", "envconfig")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "temporal.toml")
	if err := os.WriteFile(file, []byte("[profile.default]\nadress = \"localhost:7233\"\n"), 0o600); err != nil {
		fmt.Println(err)
		return
	}
	_, err = envconfig.LoadProfile(envconfig.LoadOptions{ConfigFile: file, Env: []string{}})
	var fe *envconfig.FileError
	if errors.As(err, &fe) {
		fmt.Printf("line %d, column %d: %s\n", fe.Line, fe.Column, fe.Msg)
	}
	// Output:
	// line 2, column 1: unknown key "adress" in profile "default"; did you mean "address"?
}
