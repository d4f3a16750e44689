# swift-edge: `make dev` serves on :8000, `make test` runs everything CI runs.
SWIFT      ?= swift
PORT       ?= 8000
SYS_PKGS   := liblmdb-dev libcurl4-openssl-dev libstb-dev
# What the test suites use besides: python3 (loopback upstreams, conformance diff; the `openai` package for
# the 001 SDK test; `schemathesis` for the OpenAPI fuzz run), openssl (test
# certificates), nghttpd (HTTP/2 upstream for the fetch tests), postgresql (the server the PostgreSQL
# KV tests start themselves as `nobody` in a temp dir: Tests/support/postgres-server.sh).
TEST_PKGS  := python3 openssl nghttp2-server postgresql
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)


.PHONY: deps test-deps install-missing build release dev serve test routes bench clean container-check

## Install the system libraries the runtime links (only the missing ones).
deps:
	@$(MAKE) --no-print-directory install-missing PKGS="$(SYS_PKGS)"

test-deps:
	@$(MAKE) --no-print-directory install-missing PKGS="$(SYS_PKGS) $(TEST_PKGS)"
	@python3 -c 'import openai' 2>/dev/null || python3 -m pip install -q openai  # the 001 SDK client test
	@python3 -c 'import schemathesis' 2>/dev/null || python3 -m pip install -q 'schemathesis==4.32.5'  # conformance/openapi
	@python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install -q prometheus_client  # parses /metrics in MetricsIntegrationTests

install-missing:
	@missing=""; for p in $(PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "==> installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

## Release builds turn off Swift's run-time exclusivity checks in every module (10% of a hello request's
## instructions; debug builds, and so every test, keep them): Docs/Decisions/0028.
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

## Build, then serve Functions/ on :$(PORT) with the embedded LMDB store (./.data/kv), rebuilding and
## swapping servers on every save (edge dev).
## Prints each phase and the total: a first build from a fresh clone compiles ~1,000 files (tens of minutes
## on two cores; swift build's [done/total] counts them), later ones seconds.
dev: deps
	@t0=$$(date +%s); \
	echo "==> resolving packages (from the network or the mirror on a fresh clone)"; \
	$(SWIFT) package resolve || exit 1; t1=$$(date +%s); \
	echo "==> resolved in $$((t1 - t0))s; building edge ([done/total] counts the build steps)"; \
	$(SWIFT) build --product edge || exit 1; t2=$$(date +%s); \
	echo "==> built in $$((t2 - t1))s; total $$((t2 - t0))s; serving on :$(PORT)"
	PORT=$(PORT) .build/debug/edge dev --no-build

serve: release
	PORT=$(PORT) .build/release/edge serve

routes: build
	.build/debug/edge routes

## Everything CI checks: unit, router, integration (real binary, real sockets), KV conformance,
## schemathesis against a live `edge serve` with its OpenAPI document (conformance/openapi/run.sh), and a
## project made by `edge init --edge-path .` passing its own make test and make dev (Tests/support/init-check.py).
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel
	KV_CONFORMANCE_STORE=lmdb conformance/check.sh .build/debug/kv-conformance
	KV_CONFORMANCE_STORE=memory conformance/check.sh .build/debug/kv-conformance
	Tests/support/postgres-server.sh run env KV_CONFORMANCE_STORE=postgres conformance/check.sh .build/debug/kv-conformance
	conformance/openapi/run.sh .build/debug/edge
	Tests/support/init-check.py .build/debug/edge  # last: `edge init` + that project's make test and make dev (shares .build)

bench: release
	bench/http/run.sh

clean:
	rm -rf .build

## Verify the Docker image's runtime stage without a Docker engine: debootstrap rootfs from
## container/runtime-packages.txt + the static binary; health, KV round trip, SIGTERM (root; not part of `make test`).
container-check: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product edge
	$(SUDO) container/check.sh .build/release/edge
