package harness

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// child is a benchworker process in worker mode.
type child struct {
	impl  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
	done  chan struct{}
	err   error
}

// startChild starts a benchworker for impl on taskQueue and waits for it to
// be ready. extra are more flags (e.g. -cpuprofile).
func (h *harness) startChild(impl, taskQueue string, extra ...string) (*child, error) {
	args := append([]string{
		"-impl", impl, "-addr", h.srv.Address(), "-ns", h.srv.Namespace(), "-tq", taskQueue,
	}, extra...)
	cmd := exec.Command(h.cfg.WorkerBin, args...)
	cmd.Stderr = &prefixWriter{prefix: "[" + impl + " worker] ", w: h.log}
	cmd.SysProcAttr = childAttr()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", h.cfg.WorkerBin, err)
	}
	c := &child{impl: impl, cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout), done: make(chan struct{})}
	line, err := c.readLine(60 * time.Second)
	if err != nil || line != "ready" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("%s worker did not start (%q): %v", impl, line, err)
	}
	return c, nil
}

func (c *child) readLine(timeout time.Duration) (string, error) {
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := c.out.ReadString('\n')
		ch <- res{strings.TrimSpace(s), err}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-time.After(timeout):
		return "", fmt.Errorf("%s worker: no answer within %v", c.impl, timeout)
	}
}

// ask sends a command and decodes the JSON answer into v.
func (c *child) ask(command string, v any) error {
	if _, err := fmt.Fprintln(c.stdin, command); err != nil {
		return fmt.Errorf("%s worker: %s: %w", c.impl, command, err)
	}
	line, err := c.readLine(2 * time.Minute)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(line), v); err != nil {
		return fmt.Errorf("%s worker: %s: answer %q: %w", c.impl, command, line, err)
	}
	return nil
}

func (c *child) stats() (shape.Stats, error) {
	var s shape.Stats
	return s, c.ask("stats", &s)
}

func (c *child) gc() (shape.Mem, error) {
	var m shape.Mem
	return m, c.ask("gc", &m)
}

// quit stops the worker and waits for the process (killing it after 60s).
func (c *child) quit() error {
	_, _ = fmt.Fprintln(c.stdin, "quit")
	_ = c.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(60 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
		return fmt.Errorf("%s worker did not stop within 60s; killed", c.impl)
	}
}

// prefixWriter prefixes every line written to w.
type prefixWriter struct {
	prefix string
	w      io.Writer
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := strings.IndexByte(string(p.buf), '\n')
		if i < 0 {
			break
		}
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf[:i])
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

// runTool runs a command with output to the log and returns its error.
func (h *harness) runTool(dir string, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = h.log, h.log
	return cmd.Run()
}
