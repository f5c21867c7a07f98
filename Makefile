# clvkit build. `make help` lists the targets.
GO      ?= go
BIN     := bin
PKGS    := ./...

.PHONY: help test bench lint demo clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

test: ## run every test (unit, examples, golden, end-to-end)
	$(GO) test -count=1 $(PKGS)

bench: ## run the benchmarks (figures are ratios against baselines in the same run)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x $(PKGS)

lint: ## gofmt + go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

demo: ## the main job on the bundled example data
	$(GO) run ./examples/demo

clean: ## remove build outputs
	rm -rf $(BIN)
