# Backprop Lab. `make test` runs every test; `make serve` builds and serves the app.
SHELL := /bin/bash
CARGO ?= cargo
SHARED_FIXTURES := ../shared/fixtures

.PHONY: test test-native check-shared lint cli

test: test-native check-shared lint

## Native tests: the core, the CLI, the fixtures.
test-native:
	$(CARGO) test --all-targets

## Every fixture that ../shared/fixtures holds (more may appear there) through `check`.
check-shared:
	@if [ -d $(SHARED_FIXTURES) ]; then \
	  $(CARGO) run --quiet --release --bin backprop-lab -- check $(SHARED_FIXTURES)/*.json; \
	else echo "no $(SHARED_FIXTURES): skipped"; fi

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

cli:
	$(CARGO) build --release --bin backprop-lab
