package codecserver

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

// DefaultMaxBodyBytes is the request body limit used when
// Options.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 8 << 20

// HeaderNamespace is the request header in which the Web UI and the
// temporal CLI name the namespace whose payloads they send.
const HeaderNamespace = "X-Namespace"

// allowedHeaders are the request headers a browser may send cross-origin:
// those of the Web UI (the namespace, the JSON body and, with "pass access
// token", a bearer token).
const allowedHeaders = "Content-Type, X-Namespace, Authorization"

// Options configures New. At least one of Codecs and Namespaces must hold a
// codec.
type Options struct {
	// Codecs is the default chain: the codecs of requests without an
	// X-Namespace header and of namespaces not in Namespaces. Like
	// converter.WithCodecs, /encode applies them in order and /decode in
	// reverse order. Nil means that such requests are refused.
	Codecs []converter.PayloadCodec

	// Namespaces maps a namespace, as named by the X-Namespace header, to
	// its own chain, which replaces Codecs for it.
	Namespaces map[string][]converter.PayloadCodec

	// AllowedOrigins lists the browser origins allowed to call the handler
	// cross-origin, as scheme://host[:port] with no path, e.g. the Web UI
	// "http://localhost:8233". "*" allows any origin. Since the Web UI may
	// send credentials, the request's own origin is echoed back rather than
	// "*". Empty means no CORS headers: the CLI and other non-browser
	// clients need none.
	AllowedOrigins []string

	// Authorize, when set, checks every POST before its body is read. An
	// error wrapping ErrUnauthorized is answered with 401, any other error
	// with 403; the error's text is the response body. RequireAuthorization
	// builds one for a fixed Authorization header value. Preflight requests
	// carry no credentials and are not checked.
	Authorize func(r *http.Request) error

	// MaxBodyBytes limits the size of a request body; larger bodies are
	// answered with 413. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64

	// Logger receives the panics of codecs, with their stacks. Nil means
	// slog.Default().
	Logger *slog.Logger
}

// Handler serves /encode and /decode for payload codecs. Create it with
// New; it is safe for concurrent use if its codecs are.
type Handler struct {
	codecs     []converter.PayloadCodec
	namespaces map[string][]converter.PayloadCodec
	origins    map[string]bool
	anyOrigin  bool
	authorize  func(*http.Request) error
	maxBody    int64
	log        *slog.Logger
}

// New returns a Handler for opts, or an error naming the first invalid
// option: no codec at all, a nil codec, a malformed origin or a negative
// body limit.
func New(opts Options) (*Handler, error) {
	h := &Handler{
		namespaces: make(map[string][]converter.PayloadCodec, len(opts.Namespaces)),
		origins:    make(map[string]bool, len(opts.AllowedOrigins)),
		authorize:  opts.Authorize,
		maxBody:    opts.MaxBodyBytes,
		log:        opts.Logger,
	}
	if err := checkChain("Options.Codecs", opts.Codecs); err != nil {
		return nil, err
	}
	if len(opts.Codecs) > 0 {
		h.codecs = append([]converter.PayloadCodec(nil), opts.Codecs...)
	}
	for ns, chain := range opts.Namespaces {
		if len(chain) == 0 {
			return nil, fmt.Errorf("codecserver: Options.Namespaces[%q] has no codecs", ns)
		}
		if err := checkChain(fmt.Sprintf("Options.Namespaces[%q]", ns), chain); err != nil {
			return nil, err
		}
		h.namespaces[ns] = append([]converter.PayloadCodec(nil), chain...)
	}
	if h.codecs == nil && len(h.namespaces) == 0 {
		return nil, errors.New("codecserver: no codecs: set Options.Codecs or Options.Namespaces")
	}
	for _, o := range opts.AllowedOrigins {
		if o == "*" {
			h.anyOrigin = true
			continue
		}
		if err := checkOrigin(o); err != nil {
			return nil, err
		}
		h.origins[o] = true
	}
	switch {
	case h.maxBody < 0:
		return nil, fmt.Errorf("codecserver: Options.MaxBodyBytes is negative (%d)", h.maxBody)
	case h.maxBody == 0:
		h.maxBody = DefaultMaxBodyBytes
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h, nil
}

func checkChain(what string, chain []converter.PayloadCodec) error {
	for i, c := range chain {
		if c == nil {
			return fmt.Errorf("codecserver: %s[%d] is nil", what, i)
		}
	}
	return nil
}

// checkOrigin accepts what browsers send in the Origin header:
// scheme://host[:port], without a path, query or trailing slash.
func checkOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || u.Scheme+"://"+u.Host != o {
		return fmt.Errorf("codecserver: Options.AllowedOrigins: %q is not an origin; want scheme://host[:port] with no path, e.g. http://localhost:8233", o)
	}
	return nil
}

// ServeHTTP answers POST .../encode and .../decode (only the last path
// element counts, so the handler can be mounted under any prefix) and their
// CORS preflight requests.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	allowed := h.cors(w, r)
	op, ok := operationOf(r.URL.Path)
	if !ok {
		fail(w, http.StatusNotFound, "codecserver: no endpoint %q; POST to .../encode or .../decode", r.URL.Path)
		return
	}
	switch r.Method {
	case http.MethodPost:
	case http.MethodOptions:
		h.preflight(w, r, allowed)
		return
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		fail(w, http.StatusMethodNotAllowed, "codecserver: method %s not allowed; %s takes POST", r.Method, op)
		return
	}
	if h.authorize != nil {
		if err := h.authorize(r); err != nil {
			status := http.StatusForbidden
			if errors.Is(err, ErrUnauthorized) {
				status = http.StatusUnauthorized
			}
			fail(w, status, "%s", err.Error())
			return
		}
	}
	chain, status, err := h.chainFor(r.Header.Get(HeaderNamespace))
	if err != nil {
		fail(w, status, "%s", err.Error())
		return
	}
	in, status, err := h.readPayloads(w, r)
	if err != nil {
		fail(w, status, "%s", err.Error())
		return
	}
	out, status, err := h.apply(op, chain, in)
	if err != nil {
		fail(w, status, "%s", err.Error())
		return
	}
	body, err := marshalPayloads(out)
	if err != nil {
		fail(w, http.StatusInternalServerError, "codecserver: %s: cannot encode the response: %v", op, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// operation is encode or decode.
type operation string

const (
	opEncode operation = "encode"
	opDecode operation = "decode"
)

func operationOf(path string) (operation, bool) {
	switch {
	case path == "/encode" || strings.HasSuffix(path, "/encode"):
		return opEncode, true
	case path == "/decode" || strings.HasSuffix(path, "/decode"):
		return opDecode, true
	}
	return "", false
}

// cors sets the CORS response headers when the request comes from an
// allowed origin, and reports whether it does.
func (h *Handler) cors(w http.ResponseWriter, r *http.Request) bool {
	if !h.anyOrigin && len(h.origins) == 0 {
		return false
	}
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" || !(h.anyOrigin || h.origins[origin]) {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Allow-Credentials", "true")
	return true
}

// preflight answers OPTIONS: 204 with the allowed methods and headers for
// an allowed origin, 403 for another origin, and a bare 204 with Allow when
// the request is not a CORS preflight at all.
func (h *Handler) preflight(w http.ResponseWriter, r *http.Request, allowed bool) {
	origin := r.Header.Get("Origin")
	switch {
	case origin == "":
		w.Header().Set("Allow", "POST, OPTIONS")
	case !allowed:
		fail(w, http.StatusForbidden, "codecserver: origin %q is not allowed (see Options.AllowedOrigins)", origin)
		return
	default:
		hd := w.Header()
		hd.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		hd.Set("Access-Control-Allow-Headers", allowedHeaders)
		hd.Set("Access-Control-Max-Age", "600")
		hd.Add("Vary", "Access-Control-Request-Method")
		hd.Add("Vary", "Access-Control-Request-Headers")
	}
	w.WriteHeader(http.StatusNoContent)
}

// chainFor returns the codecs for a namespace ("" when the request named
// none).
func (h *Handler) chainFor(ns string) ([]converter.PayloadCodec, int, error) {
	if chain, ok := h.namespaces[ns]; ok && ns != "" {
		return chain, 0, nil
	}
	if h.codecs != nil {
		return h.codecs, 0, nil
	}
	if ns == "" {
		return nil, http.StatusBadRequest, fmt.Errorf("codecserver: no %s header and no default codecs; name the namespace", HeaderNamespace)
	}
	return nil, http.StatusNotFound, fmt.Errorf("codecserver: no codecs for namespace %q", ns)
}

func (h *Handler) readPayloads(w http.ResponseWriter, r *http.Request) ([]*commonpb.Payload, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("codecserver: request body larger than %d bytes", h.maxBody)
		}
		return nil, http.StatusBadRequest, fmt.Errorf("codecserver: cannot read the request body: %v", err)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, http.StatusBadRequest, errors.New(`codecserver: empty request body; want {"payloads":[...]}`)
	}
	var ps commonpb.Payloads
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(body, &ps); err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf(`codecserver: malformed request body, want {"payloads":[...]} in protobuf JSON: %v`, err)
	}
	return ps.GetPayloads(), http.StatusOK, nil
}

// apply runs a chain over ps: in order to encode, in reverse to decode. A
// codec's error is the client's problem (400: typically a payload the codec
// cannot decode); a codec's panic or a wrong number of payloads is the
// server's (500).
func (h *Handler) apply(op operation, chain []converter.PayloadCodec, ps []*commonpb.Payload) ([]*commonpb.Payload, int, error) {
	for k := range chain {
		i := k
		if op == opDecode {
			i = len(chain) - 1 - k
		}
		c := chain[i]
		out, err := h.call(op, c, ps)
		var p codecPanic
		switch {
		case errors.As(err, &p):
			return nil, http.StatusInternalServerError, fmt.Errorf("codecserver: %s: codec %d (%T) panicked: %v", op, i, c, p.value)
		case err != nil:
			return nil, http.StatusBadRequest, fmt.Errorf("codecserver: %s: codec %d (%T): %v", op, i, c, err)
		case len(out) != len(ps):
			return nil, http.StatusInternalServerError, fmt.Errorf("codecserver: %s: codec %d (%T) returned %d payloads for %d", op, i, c, len(out), len(ps))
		}
		for j, p := range out {
			if p == nil {
				return nil, http.StatusInternalServerError, fmt.Errorf("codecserver: %s: codec %d (%T) returned a nil payload %d", op, i, c, j)
			}
		}
		ps = out
	}
	return ps, http.StatusOK, nil
}

// codecPanic is the error of a codec that panicked.
type codecPanic struct{ value any }

func (p codecPanic) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// call runs one codec, turning a panic into a codecPanic and logging its
// stack.
func (h *Handler) call(op operation, c converter.PayloadCodec, ps []*commonpb.Payload) (out []*commonpb.Payload, err error) {
	defer func() {
		if v := recover(); v != nil {
			h.log.Error("codecserver: codec panicked", "op", string(op), "codec", fmt.Sprintf("%T", c), "panic", v, "stack", string(debug.Stack()))
			out, err = nil, codecPanic{value: v}
		}
	}()
	if op == opEncode {
		return c.Encode(ps)
	}
	return c.Decode(ps)
}

// marshalPayloads writes {"payloads":[...]}. protojson leaves an empty list
// out, which some clients read as a missing field, so that case is
// written by hand.
func marshalPayloads(ps []*commonpb.Payload) ([]byte, error) {
	if len(ps) == 0 {
		return []byte(`{"payloads":[]}`), nil
	}
	return protojson.Marshal(&commonpb.Payloads{Payloads: ps})
}

// fail writes a plain-text error response.
func fail(w http.ResponseWriter, status int, format string, args ...any) {
	http.Error(w, fmt.Sprintf(format, args...), status)
}
