package codecserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

// DefaultRemoteTimeout bounds one call of a remote codec when
// RemoteCodecOptions.HTTPClient is nil.
const DefaultRemoteTimeout = 30 * time.Second

// RemoteCodecOptions configures NewRemoteCodec.
type RemoteCodecOptions struct {
	// Endpoint is the codec server's base URL; /encode and /decode are
	// appended. "{namespace}" in it is replaced by Namespace, as the
	// temporal CLI does with --codec-endpoint.
	Endpoint string
	// Namespace is sent in the X-Namespace header (when not empty).
	Namespace string
	// Authorization is sent as the Authorization header (when not empty),
	// e.g. "Bearer <token>".
	Authorization string
	// Header holds further request headers.
	Header http.Header
	// HTTPClient sends the requests. Nil means a client with a
	// DefaultRemoteTimeout timeout.
	HTTPClient *http.Client
}

// RemoteCodec is a converter.PayloadCodec that has a codec server encode
// and decode, e.g. so that a worker or a tool uses the codecs, and keys,
// of a central server.
type RemoteCodec struct {
	base   string
	opts   RemoteCodecOptions
	client *http.Client
}

var _ converter.PayloadCodec = (*RemoteCodec)(nil)

// NewRemoteCodec returns a RemoteCodec for opts, or an error if the
// endpoint is not an http or https URL.
func NewRemoteCodec(opts RemoteCodecOptions) (*RemoteCodec, error) {
	base := strings.TrimRight(strings.ReplaceAll(opts.Endpoint, "{namespace}", opts.Namespace), "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("codecserver: RemoteCodecOptions.Endpoint %q is not an http or https URL", opts.Endpoint)
	}
	c := opts.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: DefaultRemoteTimeout}
	}
	return &RemoteCodec{base: base, opts: opts, client: c}, nil
}

// Encode has the server's /encode transform ps.
func (rc *RemoteCodec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	return rc.call(opEncode, ps)
}

// Decode has the server's /decode transform ps.
func (rc *RemoteCodec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	return rc.call(opDecode, ps)
}

func (rc *RemoteCodec) call(op operation, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	if len(ps) == 0 {
		return ps, nil
	}
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: ps})
	if err != nil {
		return nil, fmt.Errorf("codecserver: remote %s: %w", op, err)
	}
	req, err := http.NewRequest(http.MethodPost, rc.base+"/"+string(op), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("codecserver: remote %s: %w", op, err)
	}
	for k, vs := range rc.opts.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json")
	if rc.opts.Namespace != "" {
		req.Header.Set(HeaderNamespace, rc.opts.Namespace)
	}
	if rc.opts.Authorization != "" {
		req.Header.Set("Authorization", rc.opts.Authorization)
	}
	resp, err := rc.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("codecserver: remote %s: %w", op, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, DefaultMaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("codecserver: remote %s: reading the response: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(string(data))
		if len(msg) > 1024 {
			msg = msg[:1024] + "..."
		}
		return nil, fmt.Errorf("codecserver: remote %s: %s: %s", op, resp.Status, msg)
	}
	var out commonpb.Payloads
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("codecserver: remote %s: malformed response: %w", op, err)
	}
	if len(out.GetPayloads()) != len(ps) {
		return nil, fmt.Errorf("codecserver: remote %s: got %d payloads for %d", op, len(out.GetPayloads()), len(ps))
	}
	return out.GetPayloads(), nil
}
