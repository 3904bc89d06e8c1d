package engine_test

import "github.com/temporalgen/temporalgen/runtime/internal/engine"

func moreWorkflows() map[string]*engine.Definition { return nil }
