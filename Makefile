# temporalgen developer entrypoints. Run `make help` for a summary.
#
# Everything needed beyond Go itself (the Temporal dev server) is built here
# into ./bin, so a fresh clone only needs Go and access to the module proxy.

SHELL := /usr/bin/env bash
GO    ?= go

# --- Temporal CLI / dev server ----------------------------------------------
# CLI v1.5.1 embeds Temporal Server 1.29.1 and UI 2.42.1.
TEMPORAL_CLI_VERSION := v1.5.1
BIN                  := $(CURDIR)/bin
TEMPORAL             := $(BIN)/temporal

# Tests (runtime/testsuite/devserver) locate the binary through this variable.
export TEMPORAL_CLI := $(TEMPORAL)

# --- Go modules -------------------------------------------------------------
# Every Go module in the repo, relative to the root. vet/test/generate run in
# each. Add nested modules here as they land, e.g.:
#   GO_MODULES := . interop bench
GO_MODULES  := . interop bench contrib/otel examples/observability
TEST_TIMEOUT ?= 20m
TEST_FLAGS   ?= -count=1

# --- demo -------------------------------------------------------------------
DEMO_IP      ?= 127.0.0.1
DEMO_PORT    ?= 7233
DEMO_UI_PORT ?= 8233
DEMO_TIMEOUT ?= 60
DEMO_DIR     := $(CURDIR)/.devserver
DEMO_PIDFILE := $(DEMO_DIR)/demo.pid
DEMO_LOG     := $(DEMO_DIR)/demo.log
DEMO_PKG     := ./examples/hello/cmd/demo
DEMO_ENC_PKG := ./examples/encryption/cmd/demo
# A module of its own (it needs contrib/otel): run from its directory.
DEMO_OBS_DIR := examples/observability
KEEP         ?=

.DEFAULT_GOAL := help

.PHONY: help devserver devserver-run test vet generate bench chaos fuzz fuzz-short demo demo-stop clean

help:
	@echo "make demo        build the dev server, start it, run $(DEMO_PKG), $(DEMO_ENC_PKG) and $(DEMO_OBS_DIR)/cmd/demo, stop (KEEP=1 keeps it running)"
	@echo "make demo-stop   stop a server left running by 'make demo KEEP=1'"
	@echo "make test        go vet + go test for all modules against the real dev server"
	@echo "make devserver   build the pinned Temporal CLI $(TEMPORAL_CLI_VERSION) into bin/temporal (if missing)"
	@echo "make devserver-run  run the dev server in the foreground with the Web UI (DB=file to persist)"
	@echo "make generate    go generate ./..."
	@echo "make chaos       the chaos suite's full form: 1,000 workflows through worker and server crashes (CHAOS_FLAGS=...)"
	@echo "make fuzz        every fuzz target for FUZZTIME each (default $(FUZZTIME)), one after another; make fuzz-short: $(FUZZTIME_SHORT) each (part of make test)"
	@echo "make bench       ours vs go.temporal.io/sdk vs a raw gRPC loop; writes BENCHMARKS.md (~7 min; BENCH_FLAGS=-quick for a smoke run)"
	@echo "make clean       remove bin/ and .devserver/"

# ---------------------------------------------------------------------------
# Dev server

devserver: $(TEMPORAL)

# Built only when missing. CGO is off so no C toolchain is needed (the CLI's
# SQLite is pure Go). `make clean` forces a rebuild, e.g. after a version bump.
$(TEMPORAL):
	@echo ">> building Temporal CLI $(TEMPORAL_CLI_VERSION) into $(BIN) (takes a few minutes)"
	@mkdir -p $(BIN)
	GOBIN=$(BIN) CGO_ENABLED=0 $(GO) install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)
	@$(TEMPORAL) --version

# Foreground dev server with the Web UI, for exploring. Ctrl-C stops it.
devserver-run: devserver
	$(TEMPORAL) server start-dev --ip $(DEMO_IP) --port $(DEMO_PORT) --ui-port $(DEMO_UI_PORT) \
		$(if $(DB),--db-filename $(DB))

# ---------------------------------------------------------------------------
# Build / test

vet:
	@set -e; for m in $(GO_MODULES); do \
		echo ">> go vet ($$m)"; (cd $$m && $(GO) vet ./...); \
	done

test: devserver vet
	@set -e; for m in $(GO_MODULES); do \
		echo ">> go test ($$m)"; (cd $$m && $(GO) test -timeout $(TEST_TIMEOUT) $(TEST_FLAGS) ./...); \
	done
	@$(MAKE) --no-print-directory fuzz-short

generate:
	@set -e; for m in $(GO_MODULES); do \
		echo ">> go generate ($$m)"; (cd $$m && $(GO) generate ./...); \
	done

# Fuzzing: every fuzz target, as package:Target, each with a committed seed
# corpus in its package's testdata/fuzz/Target. `go test -fuzz` takes one
# target per run, so they run one after another: `make fuzz` for FUZZTIME
# each, `make fuzz-short` (run by `make test`) for FUZZTIME_SHORT each. A
# crash leaves the failing input in the corpus directory and fails the
# run; commit it with the fix and a regression test. FUZZ_FLAGS is passed
# to go test (e.g. FUZZ_FLAGS=-parallel=1). FuzzGenerate makes its copies
# of the golden inputs in _fuzzgen-* at the root; they are removed after.
FUZZ_TARGETS := \
	./runtime/worker/replaytest:FuzzParseHistoryJSON \
	./runtime/worker/replaytest:FuzzReplayHistoryJSON \
	./runtime/worker/replaytest:FuzzReplayHistoryProto \
	./runtime/worker/replaytest:FuzzReplayHistoryEdits \
	./runtime/converter:FuzzFromPayload \
	./runtime/converter:FuzzCodecChain \
	./runtime/converter:FuzzFailureConversion \
	./runtime/converter/codecserver:FuzzHandler \
	./examples/encryption:FuzzCodecDecode \
	./gen/directive:FuzzParseFile \
	./gen:FuzzGenerate
FUZZTIME         ?= 5m
FUZZTIME_SHORT   ?= 3s
FUZZMINIMIZETIME ?= 5s
FUZZ_FLAGS       ?=

# Arguments: the -fuzztime and the -timeout of each run. A run that fails
# with "context deadline exceeded" and writes no failing input is Go's
# fuzztime race (go.dev/issue/75804, fixed in Go 1.27), not a finding: it
# is reported and does not fail the run. -short keeps packages whose
# TestMain starts a dev server (examples/encryption) from starting one.
define FUZZ_SH
set -uo pipefail
fuzztime=$$1 timeout=$$2 failed=()
for target in $(FUZZ_TARGETS); do
  pkg=$${target%%:*} name=$${target##*:}
  corpus=$$pkg/testdata/fuzz/$$name
  before=$$(ls "$$corpus" 2>/dev/null)
  log=$$(mktemp)
  echo ">> fuzz $$name ($$pkg, $$fuzztime)"
  $(GO) test -short -run '^$$' -fuzz "^$$name\$$" -fuzztime "$$fuzztime" -fuzzminimizetime $(FUZZMINIMIZETIME) \
    -timeout "$$timeout" $(FUZZ_FLAGS) "$$pkg" 2>&1 | tee "$$log"
  rc=$${PIPESTATUS[0]}
  rm -rf _fuzzgen-*
  if grep -q 'no fuzz tests to fuzz' "$$log"; then
    failed+=("$$name(no such target in $$pkg)")
  elif (( rc != 0 )); then
    if grep -q 'context deadline exceeded' "$$log" && ! grep -q 'Failing input written' "$$log" \
       && [[ "$$(ls "$$corpus" 2>/dev/null)" == "$$before" ]]; then
      echo "fuzz: $$name: 'context deadline exceeded' without a failing input: Go's fuzztime race (go.dev/issue/75804), not a finding"
    else
      failed+=("$$name")
    fi
  fi
  rm -f "$$log"
done
if (( $${#failed[@]} > 0 )); then
  echo "fuzz: FAILED: $${failed[*]} (failing inputs are under each package's testdata/fuzz)" >&2
  exit 1
fi
endef
export FUZZ_SH

fuzz:
	@bash -c "$$FUZZ_SH" fuzz $(FUZZTIME) 0

fuzz-short:
	@bash -c "$$FUZZ_SH" fuzz-short $(FUZZTIME_SHORT) 5m

# Chaos suite (reliability/): the short form (100 workflows) runs in
# `make test` as reliability.TestChaosShort; this is the full form.
CHAOS_FLAGS ?= -n 1000

chaos: devserver
	$(GO) run ./reliability/cmd/chaos $(CHAOS_FLAGS)

# Benchmarks (issue 7): bench/cmd/bench starts its own dev server and runs
# every measurement for our worker, go.temporal.io/sdk and a raw gRPC loop,
# each worker a bench/cmd/benchworker child process. Sizes are flags of
# bench/cmd/bench, passed through BENCH_FLAGS (e.g. BENCH_FLAGS="-n 500",
# or -quick for tiny sizes; a -quick run does not write BENCHMARKS.md).
BENCH_FLAGS ?=
BENCH_BIN   := $(CURDIR)/bench/bin

bench: devserver
	cd bench && $(GO) build -o $(BENCH_BIN)/ ./cmd/bench ./cmd/benchworker
	$(GO) build -o $(BENCH_BIN)/temporalgen ./cmd/temporalgen
	cd bench && BENCH_COMMAND="make bench$(if $(BENCH_FLAGS), BENCH_FLAGS='$(BENCH_FLAGS)')" \
		$(BENCH_BIN)/bench -worker $(BENCH_BIN)/benchworker -temporalgen $(BENCH_BIN)/temporalgen \
		-temporal $(TEMPORAL) -repo $(CURDIR) -workdir out -out $(CURDIR)/BENCHMARKS.md $(BENCH_FLAGS)

# ---------------------------------------------------------------------------
# Demo: dev server in the background + the hello, encryption and
# observability examples (each a worker and a starter in one process). The
# Web UI stays browsable while the demo runs; pass KEEP=1 to leave the server
# up afterwards (stop it with `make demo-stop`).

define DEMO_SH
set -euo pipefail
temporal='$(TEMPORAL)'
ip='$(DEMO_IP)'; port='$(DEMO_PORT)'; ui='$(DEMO_UI_PORT)'
pidfile='$(DEMO_PIDFILE)'; log='$(DEMO_LOG)'; keep='$(KEEP)'

if [[ ! -d '$(DEMO_PKG)' ]]; then
  echo "demo: $(DEMO_PKG) does not exist yet (the hello example has not landed)" >&2
  exit 1
fi
if [[ -f "$$pidfile" ]] && kill -0 "$$(cat "$$pidfile")" 2>/dev/null \
   && { [[ ! -r "/proc/$$(cat "$$pidfile")/cmdline" ]] || tr '\0' ' ' <"/proc/$$(cat "$$pidfile")/cmdline" | grep -q start-dev; }; then
  echo "demo: a demo server is already running (pid $$(cat "$$pidfile")); run 'make demo-stop' first" >&2
  exit 1
fi

# Pick the next free pair if the requested ports are taken.
in_use() { (exec 3<>"/dev/tcp/$$ip/$$1") 2>/dev/null; }
for _ in $$(seq 1 50); do
  if in_use "$$port" || in_use "$$ui"; then
    echo "demo: port $$port or $$ui is busy, trying $$((port+1))/$$((ui+1))"
    port=$$((port+1)); ui=$$((ui+1))
  else
    break
  fi
done
addr="$$ip:$$port"

mkdir -p "$$(dirname "$$pidfile")"
"$$temporal" server start-dev --ip "$$ip" --port "$$port" --ui-port "$$ui" \
  --headless=false --log-level error >"$$log" 2>&1 &
pid=$$!
echo "$$pid" >"$$pidfile"

stop() {
  kill -TERM "$$pid" 2>/dev/null || true
  for _ in $$(seq 1 100); do kill -0 "$$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$$pid" 2>/dev/null || true
  rm -f "$$pidfile"
}
on_exit() {
  if [[ -n "$$keep" ]]; then
    echo "demo: server left running (KEEP=1) at $$ip:$$port, Web UI http://$$ip:$$ui. Stop it with: make demo-stop"
  else
    stop
  fi
}
trap on_exit EXIT

start=$$SECONDS
until "$$temporal" operator cluster health --address "$$addr" \
    --disable-config-file --disable-config-env >/dev/null 2>&1; do
  if ! kill -0 "$$pid" 2>/dev/null; then
    echo "demo: dev server exited; log ($$log):" >&2; cat "$$log" >&2; exit 1
  fi
  if (( SECONDS - start > $(DEMO_TIMEOUT) )); then
    echo "demo: dev server not healthy after $(DEMO_TIMEOUT)s; log ($$log):" >&2; cat "$$log" >&2; exit 1
  fi
  sleep 0.2
done
echo "demo: Temporal dev server at $$addr (pid $$pid)"
echo "demo: Web UI: http://$$ip:$$ui"

TEMPORAL_ADDRESS="$$addr" TEMPORAL_NAMESPACE=default $(GO) run '$(DEMO_PKG)'

echo
echo "demo: encryption: payloads encrypted by the worker and client, decrypted by a codec server"
TEMPORAL_ADDRESS="$$addr" TEMPORAL_NAMESPACE=default $(GO) run '$(DEMO_ENC_PKG)' -ui "http://$$ip:$$ui"
echo
echo "demo: to see the encrypted payloads decoded in the Web UI, keep the server (make demo KEEP=1),"
echo "demo: run the codec server:  TEMPORAL_ADDRESS=$$addr $(GO) run $(DEMO_ENC_PKG) -serve -ui http://$$ip:$$ui"
echo "demo: and in the Web UI (http://$$ip:$$ui) open the codec server settings in the top bar and"
echo "demo: set the codec server endpoint to the URL it prints (http://127.0.0.1:8081 unless taken)."

echo
echo "demo: observability: the SDK metrics served for Prometheus at /metrics, and OpenTelemetry traces"
(cd '$(DEMO_OBS_DIR)' && TEMPORAL_ADDRESS="$$addr" TEMPORAL_NAMESPACE=default $(GO) run ./cmd/demo)
echo
echo "demo: it ran 3 Order workflows (an activity, a signal, a child workflow each) with a client and a"
echo "demo: worker that record metrics and trace their calls, scraped its own /metrics and printed the"
echo "demo: spans of one workflow's trace. To keep /metrics up for Prometheus or curl, keep the server"
echo "demo: (make demo KEEP=1) and run:"
echo "demo:   cd $(DEMO_OBS_DIR) && TEMPORAL_ADDRESS=$$addr $(GO) run ./cmd/demo -serve"
echo "demo: to send the traces to an OTLP collector (Jaeger, Tempo, an OpenTelemetry Collector) instead of"
echo "demo: a file, set OTEL_EXPORTER_OTLP_ENDPOINT:"
echo "demo:   cd $(DEMO_OBS_DIR) && TEMPORAL_ADDRESS=$$addr OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 $(GO) run ./cmd/demo"

endef
export DEMO_SH

demo: devserver
	@bash -c "$$DEMO_SH"

demo-stop:
	@if [[ ! -f '$(DEMO_PIDFILE)' ]]; then echo "demo-stop: no demo server running"; exit 0; fi; \
	pid=$$(cat '$(DEMO_PIDFILE)'); \
	if kill -0 $$pid 2>/dev/null && \
	   { [[ ! -r /proc/$$pid/cmdline ]] || tr '\0' ' ' </proc/$$pid/cmdline | grep -q start-dev; }; then \
		kill -TERM $$pid; \
		for _ in $$(seq 1 100); do kill -0 $$pid 2>/dev/null || break; sleep 0.1; done; \
		kill -KILL $$pid 2>/dev/null || true; \
		echo "demo-stop: stopped dev server (pid $$pid)"; \
	else \
		echo "demo-stop: pid $$pid is not a running dev server"; \
	fi; \
	rm -f '$(DEMO_PIDFILE)'

clean:
	rm -rf $(BIN) $(DEMO_DIR)
