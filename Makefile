# clvkit build. `make help` lists the targets.
GO      ?= go
BIN     := bin
PKGS    := ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: help build test bench lint demo clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## build the clv binary into bin/
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/clv ./host

test: ## run every test (unit, examples, golden, end-to-end)
	$(GO) test -count=1 -timeout 20m $(PKGS)

bench: ## run the benchmarks (figures are ratios against baselines in the same run)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -timeout 30m $(PKGS)

lint: ## gofmt + go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

demo: build ## score the bundled CDNOW sample and print a readable summary
	$(BIN)/clv score --config examples/cdnow/clv.toml --out $(BIN)/demo-scores.csv
	@echo; echo "first rows of $(BIN)/demo-scores.csv:"; head -4 $(BIN)/demo-scores.csv

clean: ## remove build outputs
	rm -rf $(BIN)
