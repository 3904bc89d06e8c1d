//go:build tools

// Package tools pins build-time dependencies the generator will use.
package tools

import (
	_ "github.com/dave/jennifer/jen"
	_ "go.temporal.io/api/workflowservice/v1"
	_ "golang.org/x/tools/go/analysis"
	_ "golang.org/x/tools/go/packages"
	_ "google.golang.org/grpc"
	_ "google.golang.org/protobuf/proto"
)
