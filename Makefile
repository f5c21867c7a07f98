# clvkit build. `make help` lists the targets.
GO      ?= go
BIN     := bin
PKGS    := ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
# FUZZTIME is how long `make fuzz` runs each fuzz target.
FUZZTIME ?= 2m

.PHONY: help build test deps tidy-check fuzz bench bench-all bench-postgres bench-page lint demo demo-plugins plugins wasm web clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-13s %s\n", $$1, $$2}'

build: web ## build the clv binary into bin/ (with the calculator page embedded)
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/clv ./host

wasm: ## compile the core for the browser (GOOS=js GOARCH=wasm) into bin/clv.wasm
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags '-s -w $(LDFLAGS)' -o $(BIN)/clv.wasm ./wasm

web: web/node_modules/.package-lock.json ## build the calculator page into web/dist (and host/webdist for clv serve); needs Node
	cd web && node build.mjs --embed ../host/webdist

# npm ci fails when package.json and the lockfile disagree; a package npm
# reports as deprecated fails too.
# The DuckDB that host/internal/sqlgen's tests run the generated SQL in
# (test-only, prebuilt for the platform by npm; the clv binary has no
# DuckDB and no cgo).
DUCKDBTEST := host/internal/sqlgen/duckdbtest
$(DUCKDBTEST)/node_modules/.package-lock.json: $(DUCKDBTEST)/package-lock.json
	@cd $(DUCKDBTEST) && npm ci --no-audit --no-fund

web/node_modules/.package-lock.json: web/package-lock.json
	@log=$$(cd web && npm ci --no-audit --no-fund 2>&1) || { echo "$$log"; exit 1; }; echo "$$log"; \
	if printf '%s\n' "$$log" | grep -qi 'warn deprecated'; then \
	  echo "web/package-lock.json holds deprecated packages (above); update them" >&2; rm -rf web/node_modules/.package-lock.json; exit 1; \
	fi

test: deps tidy-check web ## install what the tests need (see deps), check go.mod is tidy, build the page into the binary's embed folder (so clv serve's end-to-end tests run), then run every test (unit, examples, golden, end-to-end)
	$(GO) test -count=1 -timeout 30m $(PKGS)

# deps installs, when missing, what the tests need beyond Go: Chromium for
# the browser tests, qemu-user for the arm64 determinism test and
# PostgreSQL's server binaries for the database tests (apt-get, with sudo
# unless root; Node.js and npm too if absent), and the page's npm packages
# from the lockfile. With everything present it does nothing. The database
# tests start their own throwaway server (internal/pgtest), so the cluster
# Debian's package may create and start is not used.
deps: ## install the test dependencies that are missing: chromium, qemu-user, postgresql (apt-get), web/node_modules and the sqlgen DuckDB (npm ci)
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v qemu-aarch64 >/dev/null || command -v qemu-aarch64-static >/dev/null || missing="$$missing qemu-user"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "make deps: installing$$missing"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing || exit 1; \
	fi
	@$(MAKE) -s --no-print-directory web/node_modules/.package-lock.json $(DUCKDBTEST)/node_modules/.package-lock.json

tidy-check: ## fail if go.mod/go.sum are not what `go mod tidy` makes them (needs the Go module proxy)
	@out=$$($(GO) mod tidy -diff 2>&1) && exit 0; \
	if printf '%s\n' "$$out" | grep -q '^diff '; then \
	  echo "tidy-check: go.mod/go.sum are not tidy; run 'go mod tidy' and commit the result. The difference:"; \
	else \
	  echo "tidy-check: 'go mod tidy -diff' failed (it needs the Go module proxy, or the modules in the module cache):"; \
	fi; \
	printf '%s\n' "$$out"; exit 1

# fuzz finds every `func FuzzXxx` in a _test.go file, so a new fuzz target
# is run without being listed here, and stops at the first failure (the
# failing input is saved under the package's testdata/fuzz/FuzzXxx/).
# -timeout 0: the run is bounded by -fuzztime; go test's default 10m would
# cut a FUZZTIME of 10m or more short. Go 1.26's fuzz coordinator can end a
# run that found nothing with a bare "context deadline exceeded" just as
# -fuzztime expires (golang/go#75804, fixed in Go 1.27): such a run, which
# wrote no failing input, has fuzzed its full time and counts as clean.
fuzz: ## run every fuzz target for FUZZTIME each (default 2m; FUZZTIME=30s make fuzz), stopping at the first failure
	@targets=$$(grep -rE --include='*_test.go' --exclude-dir=node_modules --exclude-dir=testdata --exclude-dir=.git \
	    '^func Fuzz[A-Za-z0-9_]*\(' . | sed -E 's|^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*|\1:\2|' | sort); \
	if [ -z "$$targets" ]; then echo "fuzz: no fuzz targets found"; exit 1; fi; \
	log=$$(mktemp); trap 'rm -f "$$log" "$$log.rc"' EXIT; \
	n=$$(echo "$$targets" | wc -l); i=0; \
	for t in $$targets; do \
	  i=$$((i+1)); pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "== [$$i/$$n] $$name in ./$$pkg for $(FUZZTIME)"; \
	  { $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -timeout 0 ./$$pkg 2>&1; echo $$? >"$$log.rc"; } | tee "$$log"; \
	  if [ "$$(cat "$$log.rc")" = 0 ]; then continue; fi; \
	  if grep -q "^--- FAIL: $$name " "$$log" && grep -qx '    context deadline exceeded' "$$log" && ! grep -q 'Failing input written to' "$$log"; then \
	    echo "fuzz: $$name: 'context deadline exceeded' at the end of FUZZTIME with no failing input: Go's coordinator race (golang/go#75804), counted as clean"; \
	    continue; \
	  fi; \
	  echo "fuzz: $$name in ./$$pkg failed"; exit 1; \
	done; \
	echo "fuzz: all $$n targets ran $(FUZZTIME) each without a failure"

# bench runs the benchmarks behind issue 9's speed table (each with its
# baseline in the same run) and prints the table of ratios and goals
# (internal/cmd/benchtable). PAGE=1 adds the page's rows (headless
# Chromium against native, web/bench/pageperf.mjs; builds bin/clv first).
# Neither bench target is part of make test.
bench: $(if $(PAGE),build) ## issue 9's speed table: run its benchmarks with their baselines, print clv vs baseline, ratio, goal, met? (PAGE=1 adds the page's rows)
	$(GO) run ./internal/cmd/benchtable $(if $(PAGE),-page $(BIN)/clv)

bench-all: ## run every benchmark of every package once (figures are ratios against baselines in the same run)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -timeout 30m $(PKGS)

# bench-postgres is not part of bench or test: it starts its own
# PostgreSQL (see make deps), generates CLV_BENCH_PG_ROWS transaction rows
# (default 10M, 1M customers) and takes several minutes. See
# docs/warehouse/postgres.md for its figures.
CLV_BENCH_PG_ROWS ?= 10000000
bench-postgres: ## PostgreSQL at scale: summary in the database vs COPY to CSV vs every raw row into clv (time, clv's peak memory)
	CLV_BENCH_PG_ROWS=$(CLV_BENCH_PG_ROWS) $(GO) test -run '^$$' -bench '^BenchmarkPostgresScale$$' -benchtime 1x -timeout 2h -v ./host

# bench-page is not part of bench or test: it needs Chromium and takes one
# to a few minutes. See web/README.md for its figures.
bench-page: build ## the calculator page in headless Chromium against native: cold load to ready, CDNOW fits (web/bench/pageperf.mjs)
	cd web && CLV=../$(BIN)/clv node bench/pageperf.mjs

lint: tidy-check ## gofmt + go vet, after tidy-check
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

demo: build ## score the bundled CDNOW sample and print a readable summary
	$(BIN)/clv score --config examples/cdnow/clv.toml --out $(BIN)/demo-scores.csv
	@echo; echo "first rows of $(BIN)/demo-scores.csv:"; head -4 $(BIN)/demo-scores.csv

plugins: ## build the example plugins (WebAssembly modules and go-plugin programs) into bin/plugins
	@mkdir -p $(BIN)/plugins
	@for p in contribution valuematrix; do \
	  GOOS=wasip1 GOARCH=wasm $(GO) build -trimpath -buildmode=c-shared -o $(BIN)/plugins/$$p.wasm ./examples/plugins/$$p/cmd/wasm || exit 1; \
	  $(GO) build -trimpath -o $(BIN)/plugins/$$p-grpc ./examples/plugins/$$p/cmd/grpc || exit 1; \
	done
	sed -e "s/@CONTRIBUTION_SHA256@/$$(sha256sum $(BIN)/plugins/contribution-grpc | cut -d' ' -f1)/" \
	    -e "s/@VALUEMATRIX_SHA256@/$$(sha256sum $(BIN)/plugins/valuematrix-grpc | cut -d' ' -f1)/" \
	    examples/plugins/clv-grpc.toml.in > $(BIN)/plugins/clv-grpc.toml
	@ls -l $(BIN)/plugins

demo-plugins: build plugins ## score the demo with the example plugins, as WebAssembly and as go-plugin programs
	$(BIN)/clv plugins list --config examples/plugins/clv.toml
	$(BIN)/clv score --config examples/plugins/clv.toml
	$(BIN)/clv score --config $(BIN)/plugins/clv-grpc.toml --quiet
	cmp $(BIN)/plugin-scores.csv $(BIN)/plugin-scores-grpc.csv && echo "WebAssembly and go-plugin give the same scores"

clean: ## remove build outputs
	rm -rf $(BIN) web/dist web/node_modules web/test-results
	find host/webdist -mindepth 1 ! -name README.md ! -name .gitignore -delete
