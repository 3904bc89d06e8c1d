// Package model is the plain data that temporalgen's stages hand to each
// other: what gen/check builds from directives and go/types, and the only
// input of code emission.
//
// Nothing here refers to go/ast or go/types. A [Package] lists the
// workflows, activities and Nexus services of one Go package; a [Workflow] has its run
// method, optional init method and message handlers; every Go type that
// crosses the wire is a [TypeRef], which holds exactly what is needed to
// render the type with jennifer (import path, name, element types, type
// arguments) plus a ready-made string for messages. Every element carries
// the [Pos] of its declaration.
//
// The model is built by gen/check:
//
//	pkg, errs := check.Package(fset, p)
//	for _, wf := range pkg.Workflows {
//		fmt.Println(wf.Name, wf.Run.Params[0].Type)
//	}
package model

// Package is one Go package with temporal directives.
type Package struct {
	Path       string     // import path
	Name       string     // package name
	Dir        string     // directory of the package's files
	Workflows  []Workflow // in source order
	Activities []Activity // in source order
	// NexusServices are the //temporal:nexus types, in source order.
	NexusServices []NexusService `json:",omitzero"`
	// Imports are the packages referenced by the types of the model, sorted
	// by path, excluding the package itself.
	Imports []Import
	// Declared are the package-level identifiers of the package's own
	// files (not those temporalgen generated), sorted by name: generated
	// identifiers must not collide with them.
	Declared []Ident
	Pos      Pos // position of the package clause of its first file
}

// Ident is a declared identifier and where it is declared.
type Ident struct {
	Name string
	Pos  Pos
}

// Import is a package that generated code must import.
type Import struct {
	Path string
	Name string // package name
}

// Workflow is a struct type annotated with //temporal:workflow.
type Workflow struct {
	GoName        string    // Go type name
	Name          string    // registered workflow type name (name=, default GoName)
	Dynamic       bool      // handles every workflow type without a registration
	Sandboxed     bool      // false when sandboxed=false: determinism checks off
	FailureErrors []TypeRef // failure_errors=: error types that fail the workflow
	Versioning    Versioning
	TaskQueue     string  // default task queue for clients (task_queue=)
	Init          *Method // //temporal:init, or nil
	Run           Method  // //temporal:run
	Signals       []Handler
	Queries       []Handler
	Updates       []Handler
	Pos           Pos
}

// Versioning is the worker versioning behavior of a workflow.
type Versioning string

// Versioning behaviors; the empty value means unspecified.
const (
	VersioningUnspecified Versioning = ""
	VersioningPinned      Versioning = "pinned"
	VersioningAutoUpgrade Versioning = "auto_upgrade"
)

// Method is a Go method or function with its signature in model terms.
type Method struct {
	GoName          string
	PointerReceiver bool     // receiver is *T (methods only)
	HasContext      bool     // first parameter is workflow.Context / context.Context
	Params          []Param  // parameters after the context
	Result          *TypeRef // the non-error result, or nil
	ReturnsError    bool     // last result is error
	Pos             Pos      // position of the method name
}

// Param is one parameter of a method.
type Param struct {
	Name string // may be empty or "_"
	Type TypeRef
	Pos  Pos
}

// HandlerKind is the kind of a message handler.
type HandlerKind string

// Handler kinds, spelled like their directives.
const (
	SignalHandler HandlerKind = "signal"
	QueryHandler  HandlerKind = "query"
	UpdateHandler HandlerKind = "update"
)

// Unfinished is what happens to a signal or update handler still running
// when the workflow completes.
type Unfinished string

// Unfinished policies; the empty value means the default (warn).
const (
	UnfinishedDefault Unfinished = ""
	UnfinishedWarn    Unfinished = "warn"
	UnfinishedAbandon Unfinished = "abandon"
)

// Handler is a signal, query or update method of a workflow.
//
// For a dynamic handler, Params are the name and the raw arguments
// (string, converter.Values) and Name is empty.
type Handler struct {
	Kind         HandlerKind
	GoName       string
	Name         string // registered name (name=, default GoName)
	Dynamic      bool
	Description  string
	Unfinished   Unfinished // signals and updates
	Validator    *Method    // updates only: validator=, or nil
	HasContext   bool
	Params       []Param
	Result       *TypeRef
	ReturnsError bool
	Pos          Pos
}

// Activity is a function annotated with //temporal:activity, or an
// exported method of a struct type annotated with //temporal:activity.
type Activity struct {
	GoName string // function or method name
	// Name is the registered activity type name: name= on a function, else
	// the prefix= of the struct (if any) followed by GoName.
	Name string
	// Receiver is the struct type name for methods, "" for functions.
	Receiver        string
	PointerReceiver bool
	HasContext      bool // always true for a valid activity
	Params          []Param
	Result          *TypeRef
	ReturnsError    bool
	Pos             Pos
}

// NexusService is a struct or interface type annotated with
// //temporal:nexus: a Nexus service whose operations are its methods.
type NexusService struct {
	GoName string // Go type name
	Name   string // service name (name=, default GoName)
	// Interface is true for an interface type, whose implementations
	// serve the operations; a struct type serves them with its own
	// methods (on *T).
	Interface  bool
	Operations []NexusOperation // in source order
	Pos        Pos
}

// NexusOperation is a synchronous operation of a Nexus service: a method
// Op(ctx context.Context, in I) (O, error), or Op(ctx context.Context, in
// I) error.
type NexusOperation struct {
	GoName string   // method name
	Name   string   // operation name (name= of //temporal:operation, default GoName)
	Input  Param    // the parameter after the context
	Result *TypeRef // the non-error result, or nil
	Pos    Pos      // position of the method name
}
