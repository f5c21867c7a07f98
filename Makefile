# clvkit build. `make help` lists the targets.
GO      ?= go
BIN     := bin
PKGS    := ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: help build test deps bench lint demo demo-plugins plugins wasm web clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: web ## build the clv binary into bin/ (with the calculator page embedded)
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/clv ./host

wasm: ## compile the core for the browser (GOOS=js GOARCH=wasm) into bin/clv.wasm
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags '-s -w $(LDFLAGS)' -o $(BIN)/clv.wasm ./wasm

web: web/node_modules/.package-lock.json ## build the calculator page into web/dist (and host/webdist for clv serve); needs Node
	cd web && node build.mjs --embed ../host/webdist

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

test: deps ## install what the tests need (see deps), then run every test (unit, examples, golden, end-to-end)
	$(GO) test -count=1 -timeout 20m $(PKGS)

# deps installs, when missing, what the tests need beyond Go: Chromium for
# the browser tests and qemu-user for the arm64 determinism test (apt-get,
# with sudo unless root; Node.js and npm too if absent), and the page's npm
# packages from the lockfile. With everything present it does nothing.
deps: ## install the test dependencies that are missing: chromium, qemu-user (apt-get), web/node_modules (npm ci)
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v qemu-aarch64 >/dev/null || command -v qemu-aarch64-static >/dev/null || missing="$$missing qemu-user"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "make deps: installing$$missing"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing || exit 1; \
	fi
	@$(MAKE) -s --no-print-directory web/node_modules/.package-lock.json

bench: ## run the benchmarks (figures are ratios against baselines in the same run)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -timeout 30m $(PKGS)

lint: ## gofmt + go vet
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
