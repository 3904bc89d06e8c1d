package reliability

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

// Environment of a worker process (see WorkerMain).
const (
	EnvRole      = "CHAOS_ROLE" // "worker" makes a chaos binary a worker
	envAddress   = "CHAOS_ADDRESS"
	envNamespace = "CHAOS_NAMESPACE"
	envQueue     = "CHAOS_TASK_QUEUE"
	envCache     = "CHAOS_CACHE_SIZE"
)

// IsWorkerProcess reports whether this process was started as a workload
// worker by StartWorker; its main (or TestMain) should then call
// WorkerMain and exit with its result.
func IsWorkerProcess() bool { return os.Getenv(EnvRole) == "worker" }

// WorkerMain runs a workload worker as configured by the environment
// StartWorker sets, until SIGTERM or SIGINT, then stops it gracefully. It
// returns the process exit code.
func WorkerMain() int {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cache, err := strconv.Atoi(os.Getenv(envCache))
	if err != nil {
		log.Error("bad "+envCache, "error", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	c, err := client.Dial(ctx, client.Options{HostPort: os.Getenv(envAddress), Namespace: os.Getenv(envNamespace), Logger: log, DialTimeout: time.Minute})
	if err != nil {
		log.Error("dial", "error", err)
		return 1
	}
	defer c.Close()
	w := worker.New(c, os.Getenv(envQueue), worker.Options{CacheSize: cache, Logger: log})
	if err := Register(w); err != nil {
		log.Error("register", "error", err)
		return 1
	}
	if err := w.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("worker", "error", err)
		return 1
	}
	fmt.Fprintln(os.Stderr, "worker stopped gracefully")
	return 0
}

// WorkerProcess is a workload worker running as a child process.
type WorkerProcess struct {
	Name      string
	CacheSize int
	cmd       *exec.Cmd
	done      chan struct{}
	err       error
}

// StartWorker starts the executable at exe (this program: os.Executable)
// as a workload worker named name, polling taskQueue on the server at
// address, with the given cache size. Its logs go to logs. args are
// passed to the executable (a test binary needs "-test.run=^$").
func StartWorker(exe string, args []string, name, address, namespace, taskQueue string, cacheSize int, logs io.Writer) (*WorkerProcess, error) {
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(),
		EnvRole+"=worker",
		envAddress+"="+address,
		envNamespace+"="+namespace,
		envQueue+"="+taskQueue,
		envCache+"="+strconv.Itoa(cacheSize),
	)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start worker %s: %w", name, err)
	}
	p := &WorkerProcess{Name: name, CacheSize: cacheSize, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Kill ends the worker with SIGKILL and waits for it.
func (p *WorkerProcess) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// Stop asks the worker to stop gracefully (SIGTERM) and waits up to
// timeout for it to exit, killing it after that. It returns the process's
// exit error, if any.
func (p *WorkerProcess) Stop(timeout time.Duration) error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.Kill()
		return fmt.Errorf("worker %s did not stop within %v of SIGTERM; killed", p.Name, timeout)
	}
}

// Exited reports whether the process has ended (and how).
func (p *WorkerProcess) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}
