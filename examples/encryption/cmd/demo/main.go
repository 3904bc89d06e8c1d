// Command demo runs the encryption example end to end: a worker and a
// client that encrypt every payload, a Signup workflow with secrets in its
// input and result, and a codec server that decrypts them for the Web UI
// and the temporal CLI. It connects to TEMPORAL_ADDRESS (default
// localhost:7233) and exits when the workflow is done, unless -serve keeps
// the codec server running for the Web UI.
//
//	go run ./examples/encryption/cmd/demo -serve -ui http://localhost:8233
package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/examples/encryption"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/converter/codecserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

// demoKey is the AES-256 key of the demo, fixed so that a later -serve run
// still decrypts the histories of earlier runs. It is public: never use it
// for real data.
const (
	demoKeyID = "demo-key-1"
	demoKey   = "demo-only-not-a-secret-key-00001"
)

func main() {
	name := flag.String("name", "Ada Lovelace", "the customer's name")
	codecAddr := flag.String("codec-addr", "127.0.0.1:8081", "address of the codec server (another free port if taken)")
	ui := flag.String("ui", "http://localhost:8233", "the Web UI's URL; its origin is allowed to call the codec server")
	keyHex := flag.String("key", "", "AES key in hex (16, 24 or 32 bytes; default: the public demo key)")
	serve := flag.Bool("serve", false, "keep the codec server running after the workflow, until interrupted")
	flag.Parse()
	if err := run(*name, *codecAddr, *ui, *keyHex, *serve); err != nil {
		fmt.Fprintln(os.Stderr, "encryption demo:", err)
		os.Exit(1)
	}
}

func run(name, codecAddr, ui, keyHex string, serve bool) error {
	key := []byte(demoKey)
	if keyHex != "" {
		var err error
		if key, err = hex.DecodeString(keyHex); err != nil {
			return fmt.Errorf("-key: %w", err)
		}
	}
	codec, err := encryption.NewCodec(encryption.Keyring{demoKeyID: key}, demoKeyID)
	if err != nil {
		return err
	}
	dc := converter.WithCodecs(converter.Default(), codec)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	// The codec server: the same codec, for people.
	origins, err := uiOrigins(ui)
	if err != nil {
		return err
	}
	h, err := codecserver.New(codecserver.Options{Codecs: []converter.PayloadCodec{codec}, AllowedOrigins: origins})
	if err != nil {
		return err
	}
	ln, err := listen(codecAddr)
	if err != nil {
		return err
	}
	endpoint := "http://" + ln.Addr().String()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := client.Dial(runCtx, client.Options{Logger: logger, DataConverter: dc})
	if err != nil {
		return err
	}
	defer c.Close()
	w := worker.New(c, encryption.SignupTaskQueue, worker.Options{CacheSize: worker.DefaultCacheSize})
	if err := encryption.Register(w); err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()

	id := fmt.Sprintf("signup-%d", time.Now().UnixNano())
	customer := encryption.Customer{Name: name, Email: "ada@example.com", CardNumber: "4242424242424242"}
	wf, err := encryption.StartSignup(runCtx, c, client.StartWorkflowOptions{ID: id}, customer)
	if err != nil {
		return err
	}
	fmt.Printf("started workflow %s (run %s)\n", wf.ID(), wf.RunID())
	result, err := wf.Result(runCtx)
	if err != nil {
		return err
	}
	fmt.Printf("result: %s\n", result)

	// What the server stored, and what the codec server makes of it.
	input, err := startInput(runCtx, wf.Untyped())
	if err != nil {
		return err
	}
	fmt.Printf("stored input: %s with key %s, %d bytes (nonce, ciphertext, tag)\n",
		input.Metadata[converter.MetadataEncoding], input.Metadata[encryption.MetadataKeyID], len(input.Data))
	remote, err := codecserver.NewRemoteCodec(codecserver.RemoteCodecOptions{Endpoint: endpoint, Namespace: c.Namespace()})
	if err != nil {
		return err
	}
	decoded, err := remote.Decode([]*commonpb.Payload{input})
	if err != nil {
		return err
	}
	fmt.Printf("decoded by the codec server: %s %s\n", decoded[0].Metadata[converter.MetadataEncoding], decoded[0].Data)

	fmt.Printf("\ncodec server: %s\n", endpoint)
	fmt.Printf("  CLI:    temporal workflow show --address %s --namespace %s -w %s --codec-endpoint %s\n", c.HostPort(), c.Namespace(), id, endpoint)
	fmt.Printf("  Web UI: %s/namespaces/%s/workflows/%s\n", strings.TrimRight(ui, "/"), c.Namespace(), id)
	fmt.Printf("          shows binary/encrypted payloads until you open the codec server settings\n")
	fmt.Printf("          (top bar), set the endpoint to %s and apply; the codec server\n", endpoint)
	fmt.Printf("          must be running then: run this demo with -serve.\n")
	if !serve {
		return nil
	}
	w.Stop()
	fmt.Printf("\nserving the codec server at %s until interrupted (Ctrl-C)\n", endpoint)
	<-ctx.Done()
	return nil
}

// uiOrigins returns the origin of the Web UI URL and, for a loopback host,
// its twin (localhost and 127.0.0.1 are different origins to a browser).
func uiOrigins(ui string) ([]string, error) {
	u, err := parseOrigin(ui)
	if err != nil {
		return nil, err
	}
	origins := []string{u}
	for _, pair := range [][2]string{{"//localhost:", "//127.0.0.1:"}, {"//127.0.0.1:", "//localhost:"}} {
		if strings.Contains(u, pair[0]) {
			origins = append(origins, strings.Replace(u, pair[0], pair[1], 1))
		}
	}
	return origins, nil
}

func parseOrigin(ui string) (string, error) {
	scheme, rest, ok := strings.Cut(ui, "://")
	host, _, _ := strings.Cut(rest, "/")
	if !ok || scheme == "" || host == "" {
		return "", fmt.Errorf("-ui %q: want a URL like http://localhost:8233", ui)
	}
	return scheme + "://" + host, nil
}

// listen listens on addr or, if it is taken, on another port of its host.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	host, _, splitErr := net.SplitHostPort(addr)
	if splitErr != nil {
		return nil, err
	}
	ln, err2 := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	fmt.Printf("codec server: %s is taken (%v); using %s\n", addr, err, ln.Addr())
	return ln, nil
}

// startInput returns the workflow's input as the server stored it.
func startInput(ctx context.Context, h *client.WorkflowHandle) (*commonpb.Payload, error) {
	for ev, err := range h.History(ctx) {
		if err != nil {
			return nil, err
		}
		if ev.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED {
			ps := ev.GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()
			if len(ps) != 1 {
				return nil, fmt.Errorf("the started event has %d input payloads, want 1", len(ps))
			}
			return ps[0], nil
		}
	}
	return nil, errors.New("the history has no started event")
}
