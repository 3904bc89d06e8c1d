package encryption_test

// End-to-end tests against a real Temporal dev server
// (runtime/testsuite/devserver; the binary is ./bin/temporal of the module
// or $TEMPORAL_CLI): the server stores only ciphertext, and the real
// temporal CLI shows plaintext through the codec server, and only then.

import (
	"bytes"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/temporalgen/temporalgen/examples/encryption"
	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/converter/codecserver"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var srv *devserver.Server

// TestMain starts the dev server, except with -short: then only the unit
// tests run, on a machine with no server and no temporal binary.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
}

func needServer(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the dev server; run without -short")
	}
}

// runSignup runs one Signup workflow with an encrypting client and worker
// and returns its handle once it completed.
func runSignup(t *testing.T, codec *encryption.Codec, cacheSize int) *encryption.SignupHandle {
	t.Helper()
	ctx := testenv.Context(t)
	log := testenv.Logger(t, slog.LevelWarn)
	c := testenv.Dial(t, srv, client.Options{Logger: log, DataConverter: converter.WithCodecs(converter.Default(), codec)})
	tq := testenv.UniqueID("encryption")
	testenv.StartWorker(t, c, tq, worker.Options{CacheSize: cacheSize, Logger: log}, func(w *worker.Worker) {
		testenv.Must(t, encryption.Register(w))
	})
	h, err := encryption.StartSignup(ctx, c, client.StartWorkflowOptions{ID: testenv.UniqueID("signup"), TaskQueue: tq}, ada)
	if err != nil {
		t.Fatal(err)
	}
	testenv.TerminateAtEnd(t, h.Untyped())
	out, err := h.Result(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out != welcomeAda {
		t.Fatalf("result %q, want %q", out, welcomeAda)
	}
	return h
}

// TestHistoryIsEncrypted: what the server stores is ciphertext under the
// codec's key, and decrypts to the workflow's input and result.
func TestHistoryIsEncrypted(t *testing.T) {
	needServer(t)
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		codec := newCodec(t, encryption.Keyring{"k1": newKey(t, 32)}, "k1")
		h := runSignup(t, codec, cacheSize)
		evs := testenv.History(t, h.Untyped())
		checkEncrypted(t, &historypb.History{Events: evs}, "k1", 4)

		dc := converter.WithCodecs(converter.Default(), codec)
		var in encryption.Customer
		started := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
		testenv.Must(t, dc.FromPayloads(started.GetWorkflowExecutionStartedEventAttributes().GetInput(), &in))
		if in != ada {
			t.Errorf("the stored input decrypts to %+v, want %+v", in, ada)
		}
		var out string
		completed := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
		testenv.Must(t, dc.FromPayloads(completed.GetWorkflowExecutionCompletedEventAttributes().GetResult(), &out))
		if out != welcomeAda {
			t.Errorf("the stored result decrypts to %q, want %q", out, welcomeAda)
		}
	})
}

// codecRequest is what the codec server saw of one request, and its
// answer.
type codecRequest struct {
	path, namespace, auth string
	status                int
}

// statusRecorder keeps the status of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// recordingServer serves h on httptest and records the requests.
func recordingServer(t *testing.T, h http.Handler) (*httptest.Server, func() []codecRequest) {
	t.Helper()
	var mu sync.Mutex
	var seen []codecRequest
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		mu.Lock()
		seen = append(seen, codecRequest{r.URL.Path, r.Header.Get(codecserver.HeaderNamespace), r.Header.Get("Authorization"), rec.status})
		mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s, func() []codecRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]codecRequest(nil), seen...)
	}
}

// show runs `temporal workflow show --output json` with extra flags and
// returns the history it printed.
func show(t *testing.T, id string, flags ...string) (*historypb.History, []byte, error) {
	t.Helper()
	args := append([]string{"workflow", "show", "-w", id, "--output", "json"}, flags...)
	out, err := srv.CLI(testenv.Context(t), args...)
	if err != nil {
		return nil, out, err
	}
	var hist historypb.History
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(out, &hist); err != nil {
		t.Fatalf("temporal workflow show printed no history: %v\n%s", err, out)
	}
	return &hist, out, nil
}

// checkPlaintext fails the test unless hist holds the input and result in
// clear text, as json/plain payloads.
func checkPlaintext(t *testing.T, hist *historypb.History) {
	t.Helper()
	input := firstPayload(t, hist, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
	result := firstPayload(t, hist, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
	for _, p := range []*commonpb.Payload{input, result} {
		if enc := string(p.Metadata[converter.MetadataEncoding]); enc != converter.EncodingJSON {
			t.Errorf("a decoded payload has encoding %q, want %q", enc, converter.EncodingJSON)
		}
	}
	var in encryption.Customer
	if err := json.Unmarshal(input.Data, &in); err != nil || in != ada {
		t.Errorf("the CLI shows the input as %s (%v), want %+v", input.Data, err, ada)
	}
	var out string
	if err := json.Unmarshal(result.Data, &out); err != nil || out != welcomeAda {
		t.Errorf("the CLI shows the result as %s (%v), want %q", result.Data, err, welcomeAda)
	}
}

func firstPayload(t *testing.T, hist *historypb.History, et enumspb.EventType) *commonpb.Payload {
	t.Helper()
	ev := testenv.First(hist.Events, et)
	if ev == nil {
		t.Fatalf("the CLI's history has no %s event", et)
	}
	var ps []*commonpb.Payload
	switch et {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
		ps = ev.GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
		ps = ev.GetWorkflowExecutionCompletedEventAttributes().GetResult().GetPayloads()
	}
	if len(ps) != 1 {
		t.Fatalf("the CLI's %s event has %d payloads, want 1", et, len(ps))
	}
	return ps[0]
}

// TestCLIThroughCodecServer: the real temporal CLI decrypts through the
// codec server with --codec-endpoint, naming the namespace in X-Namespace
// (the server has codecs only for the test's namespace), and shows only
// ciphertext without it.
func TestCLIThroughCodecServer(t *testing.T) {
	needServer(t)
	codec := newCodec(t, encryption.Keyring{"k1": newKey(t, 32)}, "k1")
	h := runSignup(t, codec, worker.DefaultCacheSize)
	cs, err := codecserver.New(codecserver.Options{
		Namespaces: map[string][]converter.PayloadCodec{srv.Namespace(): {codec}},
	})
	if err != nil {
		t.Fatal(err)
	}
	hs, seen := recordingServer(t, cs)

	// The CLI replaces {namespace} in the endpoint, as the codec server's
	// any-prefix paths allow.
	hist, out, err := show(t, h.ID(), "--codec-endpoint", hs.URL+"/{namespace}")
	if err != nil {
		t.Fatal(err)
	}
	checkPlaintext(t, hist)
	reqs := seen()
	if len(reqs) == 0 {
		t.Fatal("the CLI did not call the codec server")
	}
	for _, r := range reqs {
		if want := (codecRequest{"/" + srv.Namespace() + "/decode", srv.Namespace(), "", http.StatusOK}); r != want {
			t.Errorf("codec server request %+v, want %+v", r, want)
		}
	}
	if bytes.Contains(out, []byte(encryption.EncodingEncrypted)) || bytes.Contains(out, []byte("YmluYXJ5L2VuY3J5cHRlZA")) {
		t.Error("the CLI's output still holds binary/encrypted payloads")
	}

	// Without the codec server: ciphertext only.
	hist, out, err = show(t, h.ID())
	if err != nil {
		t.Fatal(err)
	}
	checkEncrypted(t, hist, "k1", 4)
	for _, s := range secrets {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("without --codec-endpoint the CLI shows %q", s)
		}
	}
	if n := len(seen()); n != len(reqs) {
		t.Errorf("the codec server got %d more requests without --codec-endpoint", n-len(reqs))
	}
}

// TestCLICodecAuth: --codec-auth reaches the codec server as the
// Authorization header; without it, or with a wrong one, the codec server
// answers 401 or 403 and the command fails without showing the history.
// (The CLI retries the failed decode until its timeout and then reports
// only "context deadline exceeded", hence --command-timeout.)
func TestCLICodecAuth(t *testing.T) {
	needServer(t)
	codec := newCodec(t, encryption.Keyring{"k1": newKey(t, 32)}, "k1")
	h := runSignup(t, codec, worker.DefaultCacheSize)
	cs, err := codecserver.New(codecserver.Options{
		Codecs:    []converter.PayloadCodec{codec},
		Authorize: codecserver.RequireAuthorization("Bearer t0ken"),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs, seen := recordingServer(t, cs)

	hist, _, err := show(t, h.ID(), "--codec-endpoint", hs.URL, "--codec-auth", "Bearer t0ken")
	if err != nil {
		t.Fatal(err)
	}
	checkPlaintext(t, hist)
	reqs := seen()
	if len(reqs) == 0 {
		t.Fatal("the CLI did not call the codec server")
	}
	for _, r := range reqs {
		if want := (codecRequest{"/decode", srv.Namespace(), "Bearer t0ken", http.StatusOK}); r != want {
			t.Errorf("codec server request %+v, want %+v", r, want)
		}
	}

	for _, tt := range []struct {
		name   string
		flags  []string
		auth   string
		status int
	}{
		{"no --codec-auth", nil, "", http.StatusUnauthorized},
		{"wrong --codec-auth", []string{"--codec-auth", "Bearer guess"}, "Bearer guess", http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(seen())
			flags := append([]string{"--codec-endpoint", hs.URL, "--command-timeout", "5s"}, tt.flags...)
			hist, out, err := show(t, h.ID(), flags...)
			if err == nil {
				t.Fatalf("the command succeeded, want it to fail; history: %d events", len(hist.GetEvents()))
			}
			reqs := seen()[before:]
			if len(reqs) == 0 {
				t.Fatalf("the command failed without calling the codec server: %v", err)
			}
			for _, r := range reqs {
				if want := (codecRequest{"/decode", srv.Namespace(), tt.auth, tt.status}); r != want {
					t.Errorf("codec server request %+v, want %+v", r, want)
				}
			}
			for _, s := range secrets {
				if bytes.Contains(out, []byte(s)) {
					t.Errorf("the failed command printed %q", s)
				}
			}
		})
	}
}
