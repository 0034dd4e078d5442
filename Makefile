# Backprop Lab. `make serve` builds and serves the app; `make test` runs every test.
# Both install what is missing first (wasm target, wasm-bindgen-cli, npm tools, Chromium).
SHELL := /bin/bash
CARGO ?= cargo
SHARED_FIXTURES := ../shared/fixtures
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
CARGO_BIN := $(HOME)/.cargo/bin
WASM_BINDGEN := $(CARGO_BIN)/wasm-bindgen
WASM_OPT := node_modules/.bin/wasm-opt
## Minifies each ES module and the CSS on its own (no bundling): the files stay as written.
ESBUILD := node_modules/.bin/esbuild
## Two wasm modules from the one crate: the first (no `full` feature) draws the first
## screen; the full one is the whole lab, loaded on first use (see www/core.js).
WASM := target/wasm32-unknown-unknown/release/backprop_lab.wasm
WASM_FIRST := target/first/wasm32-unknown-unknown/release/backprop_lab.wasm
WASM_OPT_FLAGS := -Oz --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue
## Both modules use 128-bit SIMD (every current browser runs it): the training loops and
## the forward pass work on two f64 lanes at a time (src/engine/lanes.rs), the same
## numbers as one at a time.
WASM_RUSTFLAGS := -C target-feature=+simd128
PORT ?= 8000
## Writes {preset: description} from the full module (wasm-bindgen's output, run in node).
PRESETS_JSON := const m = await import('./target/bindgen/full/backprop_lab.js'); \
  const fs = await import('node:fs'); \
  await m.default({ module_or_path: fs.readFileSync('target/bindgen/full/backprop_lab_bg.wasm') }); \
  const { presets } = JSON.parse(m.vocabulary()); \
  console.log(JSON.stringify(Object.fromEntries(presets.map((p) => [p.name, p.description]))));

.PHONY: bench fuzz soak test test-native test-wasm test-e2e check-shared lint cli setup setup-web setup-browser dist serve clean

test: test-native check-shared lint test-wasm test-e2e

## ---- set-up: each step only when something is missing -------------------------

setup-web:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@# --force: cargo's record of installed crates can outlive the binaries (moved aside,
	@# deleted); the version check is what says whether the tool is there.
	@if ! "$(WASM_BINDGEN)" --version 2>/dev/null | grep -qx "wasm-bindgen $(WASM_BINDGEN_VERSION)"; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 4 minutes, once)"; \
	  $(CARGO) install --force wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION); fi
	@[ -x $(WASM_OPT) ] && [ -x $(ESBUILD) ] && [ -d node_modules/@playwright/test ] || npm ci --no-audit --no-fund

setup-browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! fc-list | grep -qi wqy || ! fc-list | grep -qi "DejaVu Math"; then \
	  echo "installing Debian's chromium, chromium-driver, a CJK font (for the Chinese interface) and a math font (for the formulas)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei fonts-texgyre-math >/dev/null; fi

## numpy for the NumPy scripts' test (tests/codegen_test.rs runs them with the first of
## `python3` and /usr/bin/python3 that imports numpy): Debian's python3-numpy when neither does.
.PHONY: setup-python
setup-python:
	@if ! python3 -c 'import numpy' 2>/dev/null && ! /usr/bin/python3 -c 'import numpy' 2>/dev/null; then \
	  echo "installing Debian's python3-numpy (the NumPy scripts' test)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy >/dev/null; fi

setup: setup-web setup-browser setup-python

## ---- build and serve ------------------------------------------------------------

## A self-contained static site: works from any file host and offline.
dist: setup-web
	RUSTFLAGS="$(WASM_RUSTFLAGS)" CARGO_PROFILE_RELEASE_OPT_LEVEL=z $(CARGO) build --release --target wasm32-unknown-unknown --lib --no-default-features --target-dir target/first
	RUSTFLAGS="$(WASM_RUSTFLAGS)" CARGO_PROFILE_RELEASE_OPT_LEVEL=z $(CARGO) build --release --target wasm32-unknown-unknown --lib
	rm -rf dist target/bindgen && mkdir -p dist/pkg/full dist/www
	$(WASM_BINDGEN) --target web --no-typescript --out-dir target/bindgen/first $(WASM_FIRST)
	$(WASM_BINDGEN) --target web --no-typescript --out-dir target/bindgen/full $(WASM)
	$(WASM_OPT) $(WASM_OPT_FLAGS) target/bindgen/first/backprop_lab_bg.wasm -o dist/pkg/backprop_lab_bg.wasm
	$(WASM_OPT) $(WASM_OPT_FLAGS) target/bindgen/full/backprop_lab_bg.wasm -o dist/pkg/full/backprop_lab_bg.wasm
	cp index.html dist/
	$(ESBUILD) www/*.js www/*.css --minify --target=es2022 --sourcemap --log-level=warning --outdir=dist/www
	$(ESBUILD) target/bindgen/first/backprop_lab.js --minify --target=es2022 --sourcemap --log-level=warning --outfile=dist/pkg/backprop_lab.js
	$(ESBUILD) target/bindgen/full/backprop_lab.js --minify --target=es2022 --sourcemap --log-level=warning --outfile=dist/pkg/full/backprop_lab.js
	mkdir -p dist/examples && cp www/examples/* dist/examples/
	@# The presets' descriptions (the menu's tooltips), which the first module leaves out:
	@# read from the full module's vocabulary; the page fetches them after its first frame.
	node --no-warnings --input-type=module -e "$(PRESETS_JSON)" > dist/www/presets.json
	@echo "dist/ is ready: $$(du -sh dist | cut -f1)"

serve: dist
	@echo "Backprop Lab on http://127.0.0.1:$(PORT)/"
	cd dist && python3 -m http.server $(PORT) --bind 127.0.0.1

## ---- tests ----------------------------------------------------------------------

## Native tests: the core, the CLI, the fixtures.
test-native: setup-python
	$(CARGO) test --all-targets

## Every fixture that ../shared/fixtures holds (more may appear there) through `check`.
## In CI (CI=true) a missing ../shared/fixtures is a failure, not a silent pass.
check-shared:
	@if [ -d $(SHARED_FIXTURES) ]; then \
	  $(CARGO) run --quiet --release --bin backprop-lab -- check $(SHARED_FIXTURES)/*.json $$(ls $(SHARED_FIXTURES)/cnn/*.json 2>/dev/null); \
	elif [ "$${CI:-}" = true ]; then echo "CI: $(SHARED_FIXTURES) is missing" >&2; exit 1; \
	else echo "no $(SHARED_FIXTURES): skipped"; fi

## Browser unit tests (wasm-bindgen-test) in headless Chromium.
test-wasm: setup
	RUSTFLAGS="$(WASM_RUSTFLAGS)" CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
	  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$(CARGO_BIN)/wasm-bindgen-test-runner \
	  $(CARGO) test --target wasm32-unknown-unknown --test web

## End-to-end user flows (Playwright, Debian's Chromium) against dist/.
test-e2e: setup dist
	npx playwright test

## Fuzzing: FUZZ_SECONDS (default 600) of random loads and edit/step sequences.
fuzz:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} $(CARGO) test --release --test fuzz_test -- --ignored --nocapture

## The benchmark: prints a table and writes bench/results.json.
bench: setup dist
	node bench/run.mjs

## Soak: SOAK_SECONDS (default 600) of continuous training in headless Chromium.
soak: setup dist
	node bench/soak.mjs

## Needs the wasm32 target (setup-web) for the wasm clippy pass.
lint: setup-web
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	RUSTFLAGS="$(WASM_RUSTFLAGS)" $(CARGO) clippy --target wasm32-unknown-unknown --lib -- -D warnings
	RUSTFLAGS="$(WASM_RUSTFLAGS)" $(CARGO) clippy --target wasm32-unknown-unknown --lib --no-default-features -- -D warnings

cli:
	$(CARGO) build --release --bin backprop-lab

clean:
	rm -rf dist target test-results
