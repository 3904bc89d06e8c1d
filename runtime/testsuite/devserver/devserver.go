// Package devserver runs a real Temporal development server (the Temporal
// CLI's `temporal server start-dev`) as a child process, for integration
// tests: the runtime's own, and a user's. With it, a test written for the
// in-process environment (package testsuite) runs against a real server
// by setting testsuite.Options.Server.
//
// The binary is located via Options.Binary, the TEMPORAL_CLI environment
// variable, <module root>/bin/temporal (temporalgen's `make devserver`
// builds the pinned CLI there), or `temporal` on PATH.
//
// Typical use from a test package:
//
//	var srv *devserver.Server
//
//	func TestMain(m *testing.M) {
//		os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
//	}
//
// The package deliberately does not depend on runtime/client: tests dial
// Server.Address() themselves.
package devserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"
)

// EnvBinary is the environment variable consulted for the temporal CLI binary
// when Options.Binary is empty. The Makefile exports it for `make test`.
const EnvBinary = "TEMPORAL_CLI"

// DefaultNamespace is the namespace every dev server registers.
const DefaultNamespace = "default"

// DefaultStartTimeout bounds how long Start waits for the server to be ready.
const DefaultStartTimeout = 60 * time.Second

// stopGrace is how long Stop waits after SIGTERM before sending SIGKILL.
const stopGrace = 10 * time.Second

// DefaultDynamicConfig holds the dynamic config values passed to every server
// unless overridden by Options.DynamicConfig. All keys exist in server 1.29.1
// (common/dynamicconfig/constants.go). Note that start-dev does not validate
// keys: an unknown key is silently ignored.
//
// Eager activity execution (system.enableActivityEagerExecution) is off
// in a stock server 1.29.1 but on here, as on the test servers of
// Temporal's SDKs, so that the workers' default path (which asks for it)
// is the one tested; set it to "false" to test the lazy protocol.
func DefaultDynamicConfig() map[string]string {
	return map[string]string{
		"frontend.enableUpdateWorkflowExecution":              "true",
		"frontend.enableUpdateWorkflowExecutionAsyncAccepted": "true",
		"frontend.workerVersioningWorkflowAPIs":               "true",
		"system.enableNexus":                                  "true",
		"system.enableEagerWorkflowStart":                     "true",
		"system.enableActivityEagerExecution":                 "true",
	}
}

// Options configures a dev server.
type Options struct {
	// Binary is the path of the temporal CLI. Empty means $TEMPORAL_CLI, then
	// <module root>/bin/temporal.
	Binary string

	// Namespace is an additional namespace to create and the one reported by
	// Namespace() and used by CLI(). Empty means "default" (always created).
	Namespace string

	// UI enables the Web UI (otherwise --headless).
	UI bool

	// DBFile is a SQLite file for persistent state (survives Restart). Empty
	// means an in-memory store.
	DBFile string

	// SearchAttributes maps attribute name to type (Text, Keyword, Int,
	// Double, Bool, Datetime, KeywordList); registered at startup.
	SearchAttributes map[string]string

	// DynamicConfig maps key to a JSON value as a string (e.g. "true", "10",
	// `"str"`). Entries override DefaultDynamicConfig.
	DynamicConfig map[string]string

	// ExtraArgs are appended verbatim to `temporal server start-dev`.
	ExtraArgs []string

	// LogLevel is the server log level (debug, info, warn, error, never).
	// Empty means "error".
	LogLevel string

	// StartTimeout bounds the readiness wait. Zero means DefaultStartTimeout.
	StartTimeout time.Duration

	// Output, if set, also receives the server's stdout and stderr.
	Output io.Writer
}

// Server is a running (or stopped) dev server child process.
type Server struct {
	opts      Options
	bin       string
	namespace string
	host      string
	port      int
	httpPort  int
	uiPort    int

	mu   sync.Mutex
	proc *process // nil when stopped
}

// process is one incarnation of the server child.
type process struct {
	cmd     *exec.Cmd
	output  *tailBuffer
	done    chan struct{} // closed when cmd.Wait returns
	waitErr error         // valid after done is closed
}

// Start locates the binary, picks free loopback ports, launches the server and
// waits until the frontend answers GetSystemInfo and the namespace is
// describable.
func Start(opts Options) (*Server, error) {
	bin, err := findBinary(opts.Binary)
	if err != nil {
		return nil, err
	}
	ns := opts.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	s := &Server{opts: opts, bin: bin, namespace: ns, host: "127.0.0.1"}

	// Ports are picked by binding to :0 and releasing them, so another process
	// can grab one before the server does. Retry with fresh ports if so.
	const attempts = 3
	for i := 1; ; i++ {
		ports, err := freePorts(s.host, 3)
		if err != nil {
			return nil, err
		}
		s.port, s.httpPort, s.uiPort = ports[0], ports[1], ports[2]
		err = s.start()
		if err == nil {
			return s, nil
		}
		if i >= attempts || !errors.Is(err, errPortInUse) {
			return nil, err
		}
	}
}

// Address is the frontend gRPC address, host:port.
func (s *Server) Address() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

// HTTPAddress is the frontend HTTP API address, host:port.
func (s *Server) HTTPAddress() string { return net.JoinHostPort(s.host, strconv.Itoa(s.httpPort)) }

// Namespace is the namespace tests should use.
func (s *Server) Namespace() string { return s.namespace }

// UIURL is the Web UI URL, or "" when the server runs headless.
func (s *Server) UIURL() string {
	if !s.opts.UI {
		return ""
	}
	return "http://" + net.JoinHostPort(s.host, strconv.Itoa(s.uiPort))
}

// Binary is the path of the temporal CLI in use.
func (s *Server) Binary() string { return s.bin }

// Output returns the most recent server stdout/stderr (bounded).
func (s *Server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return ""
	}
	return s.proc.output.String()
}

// Stop sends SIGTERM, waits up to 10 s, then SIGKILLs. It is idempotent;
// calling it on a stopped server returns nil.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked()
}

func (s *Server) stopLocked() error {
	p := s.proc
	if p == nil {
		return nil
	}
	s.proc = nil

	select {
	case <-p.done:
		// Exited on its own before Stop: that is a crash worth reporting.
		return fmt.Errorf("devserver: server on %s had already exited (%v); output:\n%s",
			s.Address(), p.waitErr, p.output.String())
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("devserver: server on %s did not exit within %v of SIGTERM; killed", s.Address(), stopGrace)
}

// Kill ends the server with SIGKILL, as a crash would, and waits for the
// process to exit; nothing is flushed or shut down cleanly. Restart brings
// it back on the same ports (and DBFile). Kill is idempotent.
func (s *Server) Kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc
	if p == nil {
		return nil
	}
	s.proc = nil
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("devserver: kill server on %s: %w", s.Address(), err)
	}
	<-p.done
	return nil
}

// Restart stops the server and starts it again on the same ports with the same
// options (and so the same DBFile, if any). Without a DBFile all state is lost.
// It also starts a server that was stopped with Stop.
func (s *Server) Restart() error {
	s.mu.Lock()
	// A stop error (server had crashed, or needed SIGKILL) does not prevent a
	// restart; the outcome of the new start is what matters to the caller.
	_ = s.stopLocked()
	s.mu.Unlock()
	// The old listeners are closed once the process has exited, but be
	// tolerant of a slow kernel: retry briefly on "address already in use".
	deadline := time.Now().Add(s.startTimeout())
	for {
		err := s.start()
		if err == nil || !errors.Is(err, errPortInUse) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// CLI runs the temporal binary as a client of this server, appending
// --address and --namespace (unless already given) and disabling the CLI's
// environment/config-file lookups so nothing from $HOME or the environment
// leaks in. It returns stdout; on failure the error includes stderr.
func (s *Server) CLI(ctx context.Context, args ...string) ([]byte, error) {
	var extra []string
	if !hasFlag(args, "--address") {
		extra = append(extra, "--address", s.Address())
	}
	if !hasFlag(args, "--namespace", "-n") {
		extra = append(extra, "--namespace", s.namespace)
	}
	extra = append(extra, "--disable-config-file", "--disable-config-env")

	full := make([]string, 0, len(args)+len(extra))
	// Flags must precede a "--" terminator if there is one.
	if i := indexOf(args, "--"); i >= 0 {
		full = append(full, args[:i]...)
		full = append(full, extra...)
		full = append(full, args[i:]...)
	} else {
		full = append(full, args...)
		full = append(full, extra...)
	}

	cmd := exec.CommandContext(ctx, s.bin, full...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("devserver: temporal %s: %w; stderr:\n%s",
			strings.Join(full, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// RunMain is a TestMain helper: it starts a server with opts, hands it to set,
// runs the tests and stops the server, returning the exit code for os.Exit.
// If the server cannot start, it prints why and returns 1.
func RunMain(m *testing.M, opts Options, set func(*Server)) int {
	s, err := Start(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "devserver: %v\n", err)
		return 1
	}
	if set != nil {
		set(s)
	}
	code := m.Run()
	if err := s.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "devserver: stop: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Args returns the start-dev command line (without the binary) that Start
// uses, for diagnostics.
func (s *Server) Args() []string { return s.args() }

func (s *Server) args() []string {
	logLevel := s.opts.LogLevel
	if logLevel == "" {
		logLevel = "error"
	}
	a := []string{
		"server", "start-dev",
		"--ip", s.host,
		"--port", strconv.Itoa(s.port),
		"--http-port", strconv.Itoa(s.httpPort),
		"--ui-port", strconv.Itoa(s.uiPort),
		"--metrics-port", "0",
		"--log-level", logLevel,
		"--namespace", s.namespace,
	}
	if !s.opts.UI {
		a = append(a, "--headless")
	}
	if s.opts.DBFile != "" {
		a = append(a, "--db-filename", s.opts.DBFile)
	}
	for _, k := range sortedKeys(s.opts.SearchAttributes) {
		a = append(a, "--search-attribute", k+"="+s.opts.SearchAttributes[k])
	}
	dc := DefaultDynamicConfig()
	for k, v := range s.opts.DynamicConfig {
		dc[k] = v
	}
	for _, k := range sortedKeys(dc) {
		a = append(a, "--dynamic-config-value", k+"="+dc[k])
	}
	return append(a, s.opts.ExtraArgs...)
}

func (s *Server) startTimeout() time.Duration {
	if s.opts.StartTimeout > 0 {
		return s.opts.StartTimeout
	}
	return DefaultStartTimeout
}

var errPortInUse = errors.New("port in use")

// start launches one process incarnation on s's ports and waits for it.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return fmt.Errorf("devserver: server on %s already running", s.Address())
	}

	out := newTailBuffer(256 << 10)
	var w io.Writer = out
	if s.opts.Output != nil {
		w = io.MultiWriter(out, s.opts.Output)
	}
	cmd := exec.Command(s.bin, s.args()...)
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = sysProcAttr()
	p := &process{cmd: cmd, output: out, done: make(chan struct{})}
	// Pdeathsig (Linux) fires when the *thread* that forked the child exits,
	// so fork from a goroutine pinned to its thread for the child's lifetime.
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("devserver: starting %s: %w", s.bin, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), s.startTimeout())
	defer cancel()
	if err := s.waitReady(ctx, p); err != nil {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		msg := fmt.Sprintf("devserver: server %s %s not ready: %v; output:\n%s",
			s.bin, strings.Join(s.args(), " "), err, out.String())
		if strings.Contains(out.String(), "address already in use") {
			return fmt.Errorf("%s: %w", msg, errPortInUse)
		}
		return errors.New(msg)
	}
	s.proc = p
	return nil
}

func (s *Server) waitReady(ctx context.Context, p *process) error {
	// gRPC's default reconnect backoff starts at 1 s; the server usually
	// listens within ~150 ms, so poll much faster.
	conn, err := grpc.NewClient(s.Address(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 20 * time.Millisecond, Multiplier: 1.5, Jitter: 0.1, MaxDelay: 250 * time.Millisecond},
			MinConnectTimeout: 2 * time.Second,
		}))
	if err != nil {
		return err
	}
	defer conn.Close()
	svc := workflowservice.NewWorkflowServiceClient(conn)

	var lastErr error = errors.New("no attempt")
	for {
		select {
		case <-p.done:
			return fmt.Errorf("process exited: %v", p.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("timed out: last error: %v", lastErr)
		default:
		}
		actx, acancel := context.WithTimeout(ctx, 2*time.Second)
		_, lastErr = svc.GetSystemInfo(actx, &workflowservice.GetSystemInfoRequest{})
		if lastErr == nil {
			_, lastErr = svc.DescribeNamespace(actx, &workflowservice.DescribeNamespaceRequest{Namespace: s.namespace})
		}
		acancel()
		if lastErr == nil {
			return nil
		}
		select {
		case <-p.done:
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// findBinary resolves the temporal CLI path.
func findBinary(explicit string) (string, error) {
	if explicit != "" {
		return checkExecutable(explicit, "Options.Binary")
	}
	if env := os.Getenv(EnvBinary); env != "" {
		return checkExecutable(env, "$"+EnvBinary)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("devserver: %w", err)
	}
	// Walk up through every directory holding a go.mod (nested modules such as
	// interop/ keep using the repo root's bin/).
	firstRoot := ""
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if firstRoot == "" {
				firstRoot = dir
			}
			cand := filepath.Join(dir, "bin", "temporal")
			if fi, err := os.Stat(cand); err == nil && !fi.IsDir() {
				return cand, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if p, err := exec.LookPath("temporal"); err == nil {
		return p, nil
	}
	if firstRoot == "" {
		return "", fmt.Errorf("devserver: temporal CLI not found: $%s is unset and no go.mod above %s; "+
			"run `make devserver` at the repo root or set %s", EnvBinary, wd, EnvBinary)
	}
	return "", fmt.Errorf("devserver: temporal CLI not found at %s and $%s is unset; "+
		"run `make devserver` at the repo root (or set %s)",
		filepath.Join(firstRoot, "bin", "temporal"), EnvBinary, EnvBinary)
}

func checkExecutable(path, source string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("devserver: temporal CLI from %s: %w (run `make devserver`)", source, err)
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("devserver: temporal CLI from %s (%s) is not an executable file", source, path)
	}
	return path, nil
}

// freePorts returns n distinct free TCP ports on host, held simultaneously so
// they differ, then released.
func freePorts(host string, n int) ([]int, error) {
	ports := make([]int, 0, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, fmt.Errorf("devserver: picking free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func hasFlag(args []string, names ...string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		for _, n := range names {
			if a == n || strings.HasPrefix(a, n+"=") {
				return true
			}
		}
	}
	return false
}

func indexOf(args []string, s string) int {
	for i, a := range args {
		if a == s {
			return i
		}
	}
	return -1
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// tailBuffer keeps the last max bytes written to it; safe for concurrent use.
type tailBuffer struct {
	mu        sync.Mutex
	max       int
	buf       []byte
	truncated bool
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.truncated = true
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.truncated {
		return "...(truncated)...\n" + string(t.buf)
	}
	return string(t.buf)
}
