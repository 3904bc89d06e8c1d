package determinism

import (
	"go/types"
	"strings"
)

// Fix suggestions, shared by several rules.
const (
	fixNow    = "use workflow.Now(ctx)"
	fixSleep  = "use workflow.Sleep(ctx, d)"
	fixTimer  = "use workflow.NewTimer(ctx, d)"
	fixRand   = "use workflow.Random(ctx) (seeded from history) or workflow.UUID4(ctx)"
	fixIO     = "do I/O in an activity and pass the result to the workflow"
	fixEnv    = "read it in an activity or pass it in the workflow input"
	fixGo     = "use workflow.Go(ctx, fn)"
	fixChan   = "wait with workflow.Await(ctx, cond) or on a workflow.Future (workflow.NewSettable)"
	fixMap    = "iterate in a fixed order: for _, k := range slices.Sorted(maps.Keys(m))"
	fixSync   = "workflow coroutines never run in parallel: drop the lock, or wait with workflow.Await(ctx, cond)"
	fixAtomic = "workflow coroutines never run in parallel: use a plain variable in the workflow struct"
	fixGlobal = "keep workflow state in the workflow struct, not in package variables"
)

// Category names, used as analysis.Diagnostic.Category.
const (
	catTime   = "time"
	catRand   = "rand"
	catIO     = "io"
	catGo     = "go"
	catChan   = "chan"
	catSelect = "select"
	catMap    = "map"
	catSync   = "sync"
	catGlobal = "global"
)

// deniedFunc decides whether a reference to fn (a function or a method of
// a concrete type) is nondeterministic. It returns the rule's category and
// fix, or ok=false. The list:
//
//	time            Now Since Until Sleep After Tick NewTimer NewTicker AfterFunc
//	math/rand(/v2)  every package-level function except the constructors
//	                (New, NewSource, NewPCG, NewChaCha8, NewZipf)
//	crypto/rand     every function
//	os              every function except the error predicates (IsExist, ...)
//	                and methods of File, Process and Root: file system,
//	                environment, process state
//	os/exec, os/signal, os/user, io/ioutil (except NopCloser, ReadAll,
//	                Discard), syscall: every function and method
//	net             Dial*, Listen*, Lookup*, Resolve*, Interface*, File*,
//	                Pipe, and methods of Conn, Listener, Dialer, Resolver types
//	net/http        Get Head Post PostForm ListenAndServe(TLS) Serve(TLS)
//	                and methods of Client, Server, Transport
//	net/rpc, net/smtp: every function and method
//	io              Copy CopyN CopyBuffer WriteString (the write side; reads
//	                of in-memory readers are deterministic)
//	sync            methods of Mutex RWMutex WaitGroup Once Cond Map Pool,
//	                OnceFunc OnceValue OnceValues NewCond
//	sync/atomic     every function and method
//
// Pure helpers of those packages (net/url, net/netip, time.Duration
// arithmetic, time.Date, time.Parse, methods of time.Time, ...) are allowed.
func deniedFunc(fn *types.Func) (category, fix string, ok bool) {
	if fn.Pkg() == nil {
		return "", "", false
	}
	path, name := fn.Pkg().Path(), fn.Name()
	recv := recvName(fn)
	switch path {
	case "time":
		if recv != "" {
			return "", "", false
		}
		switch name {
		case "Now", "Since", "Until":
			return catTime, fixNow, true
		case "Sleep":
			return catTime, fixSleep, true
		case "After", "Tick", "NewTimer", "NewTicker", "AfterFunc":
			return catTime, fixTimer, true
		}
	case "math/rand", "math/rand/v2":
		if recv == "" && !oneOf(name, "New", "NewSource", "NewPCG", "NewChaCha8", "NewZipf") {
			return catRand, fixRand, true
		}
	case "crypto/rand":
		return catRand, fixRand, true
	case "os":
		if recv == "" {
			if oneOf(name, "IsExist", "IsNotExist", "IsPermission", "IsTimeout", "NewSyscallError", "IsPathSeparator") {
				return "", "", false
			}
			if strings.HasPrefix(name, "Get") || oneOf(name, "Environ", "LookupEnv", "ExpandEnv", "Hostname", "Executable", "UserHomeDir", "UserCacheDir", "UserConfigDir", "TempDir") {
				return catIO, fixEnv, true
			}
			return catIO, fixIO, true
		}
		if oneOf(recv, "File", "Process", "Root") {
			return catIO, fixIO, true
		}
	case "os/exec", "os/signal", "os/user", "syscall", "net/rpc", "net/smtp":
		return catIO, fixIO, true
	case "io/ioutil":
		if !oneOf(name, "NopCloser", "ReadAll", "Discard") {
			return catIO, fixIO, true
		}
	case "net":
		if recv == "" {
			for _, p := range []string{"Dial", "Listen", "Lookup", "Resolve", "Interface", "File", "Pipe"} {
				if strings.HasPrefix(name, p) {
					return catIO, fixIO, true
				}
			}
			return "", "", false
		}
		if strings.HasSuffix(recv, "Conn") || strings.HasSuffix(recv, "Listener") || oneOf(recv, "Dialer", "Resolver", "ListenConfig") {
			return catIO, fixIO, true
		}
	case "net/http":
		if recv == "" && oneOf(name, "Get", "Head", "Post", "PostForm", "ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS") {
			return catIO, fixIO, true
		}
		if oneOf(recv, "Client", "Server", "Transport") {
			return catIO, fixIO, true
		}
	case "io":
		if recv == "" && oneOf(name, "Copy", "CopyN", "CopyBuffer", "WriteString") {
			return catIO, fixIO, true
		}
	case "sync":
		if oneOf(recv, "Mutex", "RWMutex", "WaitGroup", "Once", "Cond", "Map", "Pool") ||
			recv == "" && oneOf(name, "OnceFunc", "OnceValue", "OnceValues", "NewCond") {
			return catSync, fixSync, true
		}
	case "sync/atomic":
		return catSync, fixAtomic, true
	}
	return "", "", false
}

// deniedVar decides whether a reference to the package variable v is
// nondeterministic (crypto/rand.Reader, os.Stdin/Stdout/Stderr, os.Args).
func deniedVar(v *types.Var) (category, fix string, ok bool) {
	if v.Pkg() == nil {
		return "", "", false
	}
	switch v.Pkg().Path() + "." + v.Name() {
	case "crypto/rand.Reader":
		return catRand, fixRand, true
	case "os.Stdin", "os.Stdout", "os.Stderr":
		return catIO, fixIO, true
	case "os.Args":
		return catIO, fixEnv, true
	}
	return "", "", false
}

func oneOf(s string, list ...string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// recvName is the receiver's type name for methods of named types, "" for
// functions.
func recvName(fn *types.Func) string {
	r := fn.Signature().Recv()
	if r == nil {
		return ""
	}
	t := r.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

// funcName names fn for call chains: "helper", "(*Greeter).Run" within
// pkg, "other.Helper", "(*other.T).Do" outside it.
func funcName(fn *types.Func, pkg *types.Package) string {
	return qualifiedName(fn, func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	})
}

// pathName names fn by import path: "math/rand.Intn",
// "(*sync/atomic.Int64).Add".
func pathName(fn *types.Func) string {
	return qualifiedName(fn, (*types.Package).Path)
}

func qualifiedName(fn *types.Func, qual types.Qualifier) string {
	prefix := func(p *types.Package) string {
		if p == nil {
			return ""
		}
		if q := qual(p); q != "" {
			return q + "."
		}
		return ""
	}
	r := fn.Signature().Recv()
	if r == nil {
		return prefix(fn.Pkg()) + fn.Name()
	}
	t := r.Type()
	star := ""
	if p, ok := t.(*types.Pointer); ok {
		t, star = p.Elem(), "*"
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		name := prefix(n.Obj().Pkg()) + n.Obj().Name()
		if star == "" {
			return name + "." + fn.Name()
		}
		return "(" + star + name + ")." + fn.Name()
	}
	return types.TypeString(t, qual) + "." + fn.Name()
}
