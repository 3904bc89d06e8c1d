package load

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// exports imports the packages of the export set from the export data
// files that one `go list -export` run produced. All imports share one
// package map, so that a type reached through two packages is the same
// type. It is safe for concurrent use.
type exports struct {
	ready chan struct{} // closed once the run is over and the fields below are set
	err   error         // the go command could not run
	sizes types.Sizes   // of the compiler and architecture of the run

	files  map[string]string // export data file by import path
	failed map[string]string // why there is no export data, by import path

	mu  sync.Mutex
	imp types.Importer
}

// listFormat is the go list -f template of the export run: compiler and
// architecture (for sizes), then the import path, the export data file
// and the error, quoted.
const listFormat = `{{context.Compiler}} {{context.GOARCH}} {{printf "%q %q" .ImportPath .Export}}{{with .Error}} {{printf "%q" .Err}}{{end}}`

// startExports starts `go list -export` on pkgs, as cfg says, and returns
// the importer of their export data, usable once the run is over (see
// wait). The go command compiles pkgs and their dependencies, or finds
// them in the build cache; it never compiles the packages that import
// them. The run also sets IllTyped on the packages that have no export
// data.
func startExports(cfg Config, fset *token.FileSet, pkgs []*packages.Package) *exports {
	x := &exports{
		ready:  make(chan struct{}),
		files:  make(map[string]string),
		failed: make(map[string]string),
	}
	x.imp = importer.ForCompiler(fset, "gc", x.open)
	go func() {
		defer close(x.ready)
		x.err = x.list(cfg, pkgs)
		for _, p := range pkgs {
			_, p.IllTyped = x.failed[p.PkgPath]
		}
	}()
	return x
}

// wait waits for the run to be over and returns its error.
func (x *exports) wait() error {
	<-x.ready
	return x.err
}

// list runs go list and records its answers.
func (x *exports) list(cfg Config, pkgs []*packages.Package) error {
	args := []string{"list", "-e", "-export", "-f", listFormat}
	if len(cfg.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(cfg.Tags, ","))
	}
	args = append(args, "unsafe") // so that there is a line for the sizes
	for _, p := range pkgs {
		if p.PkgPath != "unsafe" {
			args = append(args, p.PkgPath)
		}
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = cfg.Dir
	cmd.Env = cfg.Env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("load: go list -export: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var compiler, arch string
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var path, export, msg string
		var err error
		compiler, arch, path, export, msg, err = parseListLine(sc.Text())
		if err != nil {
			return fmt.Errorf("load: go list -export: %v in %q", err, sc.Text())
		}
		switch {
		case path == "unsafe": // no export data; the importer knows it
		case msg != "":
			x.failed[path] = listMessage(path, msg)
		case export == "":
			x.failed[path] = "no export data"
		default:
			x.files[path] = export
		}
	}
	if x.sizes = types.SizesFor(compiler, arch); x.sizes == nil {
		return fmt.Errorf("load: go list -export: no sizes for compiler %q, architecture %q", compiler, arch)
	}
	return nil
}

// parseListLine parses a line of listFormat.
func parseListLine(line string) (compiler, arch, path, export, msg string, err error) {
	compiler, rest, _ := strings.Cut(line, " ")
	arch, rest, _ = strings.Cut(rest, " ")
	var quoted [3]string
	for i := range quoted {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			if i == 2 && rest == "" {
				break // no error
			}
			return "", "", "", "", "", errors.New("unexpected line")
		}
		quoted[i], _ = strconv.Unquote(q)
		rest = strings.TrimPrefix(rest[len(q):], " ")
	}
	return compiler, arch, quoted[0], quoted[1], quoted[2], nil
}

// listMessage shortens a go list error about path: compiler output,
// "# path" and the errors, becomes "does not compile: " and the errors.
func listMessage(path, msg string) string {
	msg = strings.TrimSpace(msg)
	if rest, ok := strings.CutPrefix(msg, "# "+path+"\n"); ok {
		return "does not compile: " + strings.ReplaceAll(rest, "\n", "; ")
	}
	return oneLine(msg)
}

// open opens the export data file of the package path.
func (x *exports) open(path string) (io.ReadCloser, error) {
	name, ok := x.files[path]
	if !ok {
		return nil, fmt.Errorf("no export data for %s", path)
	}
	return os.Open(name)
}

// Import imports the package path from its export data.
func (x *exports) Import(path string) (*types.Package, error) {
	if err := x.wait(); err != nil {
		return nil, err
	}
	if msg, ok := x.failed[path]; ok {
		return nil, errors.New(msg)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.imp.Import(path)
}
