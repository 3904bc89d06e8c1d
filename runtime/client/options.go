package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"google.golang.org/grpc"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Environment variables read by Dial when the corresponding Options field is
// empty.
const (
	EnvAddress   = "TEMPORAL_ADDRESS"   // host:port of the frontend
	EnvNamespace = "TEMPORAL_NAMESPACE" // namespace name
	EnvAPIKey    = "TEMPORAL_API_KEY"   // API key sent as a bearer token
)

// Defaults applied by Dial.
const (
	DefaultHostPort    = "localhost:7233"
	DefaultNamespace   = "default"
	DefaultDialTimeout = 10 * time.Second
	// DefaultMaxMessageSize is the largest gRPC message the client sends or
	// receives unless GRPCDialOptions override it. Histories can be large.
	DefaultMaxMessageSize = 128 << 20
)

// ClientName and ClientVersion are sent to the server in the client-name and
// client-version headers of every call.
const (
	ClientName    = "temporalgen-go"
	ClientVersion = "0.1.0"
)

// Options configures Dial. The zero value connects to localhost:7233 (or
// $TEMPORAL_ADDRESS), namespace "default" (or $TEMPORAL_NAMESPACE), in
// plaintext, with the default data converter.
type Options struct {
	// HostPort is the frontend address. Default: $TEMPORAL_ADDRESS, else
	// "localhost:7233".
	HostPort string
	// Namespace every call of the client works in. Default:
	// $TEMPORAL_NAMESPACE, else "default".
	Namespace string
	// Identity is recorded by the server as the caller of requests that take
	// one (start, signal, cancel, terminate). Default: "pid@hostname".
	Identity string

	// TLS enables TLS with this configuration. Use MTLS to build one from
	// certificate files. Nil means plaintext, unless an API key is set (see
	// APIKey).
	TLS *tls.Config
	// DisableTLS forces a plaintext connection even when APIKey is set, e.g.
	// for a local proxy that terminates TLS. It is an error together with TLS.
	DisableTLS bool
	// APIKey, when set, is sent as "authorization: Bearer <key>" on every
	// call. Default: $TEMPORAL_API_KEY. Because a bearer token must not travel
	// in clear text, an API key turns TLS on (with the system roots) when TLS
	// is nil, unless DisableTLS is set.
	APIKey string
	// APIKeyFunc, when set, is asked for the API key before every call, so
	// that a rotated key takes effect without a new client; an empty answer
	// sends no authorization header, an error fails the call with
	// codes.Unauthenticated. It is an error together with APIKey, and like
	// APIKey it turns TLS on unless TLS or DisableTLS is set.
	APIKeyFunc func(ctx context.Context) (string, error)

	// DataConverter encodes arguments and decodes results, memos and details.
	// Default: converter.Default().
	DataConverter converter.DataConverter
	// FailureConverter turns failures into errors and back. Default: a
	// converter.NewFailureConverter over DataConverter.
	FailureConverter converter.FailureConverter

	// DialTimeout bounds how long Dial waits for the server to answer.
	// Default: 10s.
	DialTimeout time.Duration
	// Logger receives the client's diagnostics. Default: slog.Default().
	Logger *slog.Logger
	// Retry is the schedule on which failed calls are retried; the zero
	// value is the default schedule (see RetryOptions).
	Retry RetryOptions
	// GRPCDialOptions are appended after the client's own dial options, so
	// they can override them (e.g. message size limits) or add interceptors.
	GRPCDialOptions []grpc.DialOption

	// Headers are gRPC metadata sent on every call, e.g. for a proxy that
	// routes or authorizes by header. Names are case-insensitive and sent in
	// lower case; Dial rejects names and values gRPC cannot send. A header
	// named here replaces the client's own header of that name (such as
	// authorization); a header the call's context already carries
	// (metadata.AppendToOutgoingContext) wins over both.
	Headers map[string]string
	// ContextPropagators move values of the calls' context.Context into
	// the Temporal header of every start, signal, signal-with-start,
	// query, update and update-with-start request (Inject). Workers made
	// with the client use them too: to read them into activity contexts
	// (Extract) and, for those that are workflow.ContextPropagators, into
	// and out of workflow contexts. In order: a later one sees (and may
	// overwrite) the keys of an earlier one.
	ContextPropagators []temporal.ContextPropagator
	// MetricsHandler receives the client's request metrics
	// (temporal.MetricRequest and the others in temporal's metric
	// names, tagged with the RPC's name as operation) and is the default
	// for the workers made with the client. Default: none.
	MetricsHandler temporal.MetricsHandler
	// Interceptors intercept the workflow calls (start, signal,
	// signal-with-start, update-with-start, query, update, cancel,
	// terminate, describe), the first outermost; see Interceptor.
	Interceptors []Interceptor
}

// withDefaults returns a copy of o with every default and environment
// variable applied, or an error for contradictory settings.
func (o Options) withDefaults() (Options, error) {
	if o.HostPort == "" {
		o.HostPort = os.Getenv(EnvAddress)
	}
	if o.HostPort == "" {
		o.HostPort = DefaultHostPort
	}
	if o.Namespace == "" {
		o.Namespace = os.Getenv(EnvNamespace)
	}
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.APIKey == "" && o.APIKeyFunc == nil {
		o.APIKey = os.Getenv(EnvAPIKey)
	}
	if o.Identity == "" {
		o.Identity = defaultIdentity()
	}
	if err := checkHeaders(o.Headers); err != nil {
		return o, err
	}
	if o.TLS != nil && o.DisableTLS {
		return o, errors.New("client: Options.TLS and Options.DisableTLS are both set")
	}
	if o.APIKey != "" && o.APIKeyFunc != nil {
		return o, errors.New("client: Options.APIKey and Options.APIKeyFunc are both set")
	}
	if o.TLS == nil && (o.APIKey != "" || o.APIKeyFunc != nil) && !o.DisableTLS {
		o.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.DataConverter == nil {
		o.DataConverter = converter.Default()
	}
	if o.FailureConverter == nil {
		o.FailureConverter = converter.NewFailureConverter(o.DataConverter, converter.FailureConverterOptions{})
	}
	return o, nil
}

func defaultIdentity() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	return strconv.Itoa(os.Getpid()) + "@" + host
}

// MTLS returns a TLS configuration that presents the client certificate in
// certFile/keyFile (PEM) and, when caFile is not empty, trusts only the CA
// certificates in caFile instead of the system roots. Set ServerName on the
// result if the server's certificate does not match the dialed host.
func MTLS(certFile, keyFile, caFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("client: load client certificate: %w", err)
	}
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("client: read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("client: no PEM certificate found in CA file %s", caFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}
