# Plaudit developer tasks. Everything runs from the project's own virtualenv (.venv),
# by path, never by activation; `make venv` builds it from nothing but this repo.
#
#   make test            lint, the whole pytest suite by kind, the quick benchmark; each stage timed
#   make dev             local stack (PORT=8080 make dev)
#   make build           sam build (SAM_ENV=dev|prod picks the samconfig.toml environment)
#   make help            everything else

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when pyproject.toml changes. The stamp lives inside .venv, so
# deleting .venv also forces a rebuild.
STAMP := $(VENV)/.plaudit-install.stamp

SAM_ENV ?= dev
PYTEST_ARGS ?=

# Never phone home from sam; a region so offline commands don't ask for one.
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= us-east-1

# `sam build` for the python3.13 runtime needs a working `python3.13` on PATH. Where
# it is only a pyenv shim for an inactive version, add that version to PYENV_VERSION
# for the sam command (empty when python3.13 already works).
PY313_ENV = $(shell python3.13 --version >/dev/null 2>&1 || { \
	v=$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.13(\.[0-9]+)?$$' | tail -n 1); \
	test -n "$$v" && echo "PYENV_VERSION=$$(pyenv version-name 2>/dev/null | sed 's/$$/:/')$$v"; })

.PHONY: help venv catalogues console dev test lint fmt validate alarms scan bench bench-milestones build compile-build clean distclean

help:
	@echo "make venv       create/refresh .venv (pip install -e '.[dev]')"
	@echo "make catalogues compile the message catalogues (.po) into the .mo files runtime reads"
	@echo "make console    build the web console (console/dist for prod, console/dist-dev for make dev)"
	@echo "make dev        run the local stack: .venv/bin/plaudit dev (PORT passes through; FRESH=1: from the seed)"
	@echo "make test       install, lint, unit, integration, fuzz, end to end, template, quick benchmark; timed"
	@echo "make lint       ruff check, ruff format --check, sam validate --lint"
	@echo "make fmt        ruff format and ruff check --fix"
	@echo "make validate   sam validate --lint"
	@echo "make alarms     regenerate template.yaml's per-function and per-queue alarms and the dashboard"
	@echo "make scan       the policy scanner (checkov, .checkov.yaml) over template.yaml; fails on a new finding"
	@echo "make bench      .venv/bin/python -m bench (about half an hour: 10,000 requests to the local stack)"
	@echo "make bench-milestones  the daily milestone run with 100,000 people (minutes; own section)"
	@echo "make build      sam build --config-env \$$SAM_ENV (default dev)"
	@echo "make clean      remove build output and caches; distclean also removes .venv and .plaudit/"

venv: $(STAMP)

# One line while it installs; pip's output goes to the log, shown (its end) only if the install fails.
INSTALL_LOG := $(VENV)/install.log
$(STAMP): pyproject.toml
	@echo "Installing Plaudit and its dependencies into $(VENV): a couple of minutes the first time (log: $(INSTALL_LOG))"
	@mkdir -p $(VENV)
	@( if [ ! -x $(BIN)/python ]; then \
			$(PYTHON) --version && $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --upgrade pip; \
		fi && \
		$(BIN)/python -m pip install -e '.[dev]' ) > $(INSTALL_LOG) 2>&1 \
		|| { tail -n 40 $(INSTALL_LOG); echo "make: installing into $(VENV) failed; whole log: $(INSTALL_LOG)"; exit 1; }
	@touch $@

# The .po catalogues (layers/core/plaudit/i18n/locales/) are the source; runtime reads the .mo beside each,
# committed so that sam build ships them. This recompiles those whose .po changed.
catalogues: venv
	$(BIN)/python -m plaudit_dev.catalogues

# The web console (console/): npm ci only when the lockfile changed (a stamp inside node_modules, like the
# venv's); its TypeScript types come from the OpenAPI document the backend's code produces (rewritten when the
# template or the Python code changed), so an API change that breaks a page breaks the build. Two builds:
# console/dist (prod) and console/dist-dev (with the dev sign-in page; what `make dev` serves at /).
NPM_STAMP := console/node_modules/.plaudit-npm.stamp
OPENAPI_FILE := console/build/openapi.json
CONSOLE_STAMP := console/build/.console.stamp
CONSOLE_SOURCES := $(shell find console/src -type f ! -name schema.d.ts 2>/dev/null) \
	console/index.html console/vite.config.ts console/tsconfig.json
BACKEND_SOURCES := template.yaml $(shell find layers/core/plaudit functions devtools/plaudit_dev -name '*.py' 2>/dev/null)

$(NPM_STAMP): console/package-lock.json
	cd console && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(OPENAPI_FILE): $(STAMP) $(BACKEND_SOURCES)
	$(BIN)/python -m plaudit_dev.openapi_file $@

$(CONSOLE_STAMP): $(NPM_STAMP) $(OPENAPI_FILE) $(CONSOLE_SOURCES)
	cd console && npx --no-install openapi-typescript build/openapi.json -o src/api/schema.d.ts --silent
	cd console && npx --no-install tsc --noEmit
	cd console && npx --no-install vite build --logLevel warn && npx --no-install vite build --mode dev --logLevel warn
	@touch $@

console: $(CONSOLE_STAMP)

# the data is kept across restarts (.plaudit/); FRESH=1 starts from the seed
dev: venv catalogues console
	$(BIN)/plaudit dev $(if $(filter 1 yes true,$(FRESH)),--fresh)

# Each stage is timed (devtools/stage.sh); the times and the total are printed at the end, or when a
# stage fails. Exit code 5 of pytest = nothing selected (PYTEST_ARGS may name tests of one kind only).
STAGE := devtools/stage.sh
CHROMIUM_INSTALL := { command -v chromium && command -v chromedriver; } >/dev/null || \
	{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }
PYTEST_KIND = $(BIN)/pytest $(PYTEST_ARGS)
test:
	@$(STAGE) --begin
	@$(STAGE) install '$(MAKE) --no-print-directory venv catalogues'
	@$(STAGE) lint '$(BIN)/ruff check . && $(BIN)/ruff format --check .'
	@$(STAGE) unit '$(PYTEST_KIND) -m "not e2e and not template and not fuzz and not browser" tests/unit || [ $$? -eq 5 ]'
	@$(STAGE) integration '$(PYTEST_KIND) -n auto -m "not e2e and not template and not fuzz and not browser" --ignore=tests/unit || [ $$? -eq 5 ]'
	@# the API fuzzer against a local stack of its own (tests/e2e/test_openapi_fuzz.py)
	@$(STAGE) fuzz '$(PYTEST_KIND) -m fuzz || [ $$? -eq 5 ]'
	@# end to end: one local stack, one story per module in order (xdist's loadgroup does not keep a group on
	@# one worker under pytest 9, checked with xdist 3.8, so they run in one process of their own)
	@$(STAGE) end-to-end '$(PYTEST_KIND) -m e2e || [ $$? -eq 5 ]'
	@$(STAGE) template '$(PYTEST_KIND) -m template || [ $$? -eq 5 ]'
	@$(STAGE) policy-scan '$(MAKE) --no-print-directory scan'
	@# the web console in a real headless Chromium (Debian's chromium and chromium-driver, installed when
	@# missing) against a local stack of its own (tests/e2e/test_console_browser.py)
	@$(STAGE) browser '$(MAKE) --no-print-directory console && $(CHROMIUM_INSTALL) && { $(PYTEST_KIND) -m browser || [ $$? -eq 5 ]; }'
	@$(STAGE) quick-benchmark '$(BIN)/python -m bench --quick > /dev/null && $(BIN)/python -m bench.console --quick > /dev/null'
	@$(STAGE) --report

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sam validate --lint --template-file template.yaml

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

validate: venv
	$(BIN)/sam validate --lint --template-file template.yaml

# the alarms every function, stream consumer and dead-letter queue needs, and the dashboard (plaudit_dev.alarms)
alarms: venv
	$(BIN)/python -m plaudit_dev.alarms

# checkov lives in a virtualenv of its own (devtools/checkov-requirements.txt says why), rebuilt when its pin
# changes. Every finding fails the scan unless .checkov.yaml or the resource's Metadata skips it with a reason.
CHECKOV := $(VENV)/checkov
CHECKOV_STAMP := $(CHECKOV)/.installed.stamp
$(CHECKOV_STAMP): devtools/checkov-requirements.txt
	@echo "Installing the policy scanner into $(CHECKOV) (log: $(CHECKOV)/install.log)"
	@mkdir -p $(CHECKOV)
	@( [ -x $(CHECKOV)/bin/python ] || $(PYTHON) -m venv $(CHECKOV) ) && \
		$(CHECKOV)/bin/python -m pip install -r devtools/checkov-requirements.txt > $(CHECKOV)/install.log 2>&1 \
		|| { tail -n 40 $(CHECKOV)/install.log; echo "make: installing checkov failed"; exit 1; }
	@touch $@

scan: venv $(CHECKOV_STAMP)
	$(BIN)/python -m plaudit_dev.translate .aws-sam/scan/translated.json
	BC_SKIP_MAPPING=TRUE $(CHECKOV)/bin/checkov --config-file .checkov.yaml

bench: venv console
	$(BIN)/python -m bench
	$(BIN)/python -m bench.console
	$(BIN)/python -m bench.console_browser

bench-milestones: venv
	$(BIN)/python -m bench.milestones

# sam build ships sources only, and /opt and /var/task are read-only in Lambda, so every cold start
# would compile the whole layer (about +0.5 s, see docs/performance.md): ship python3.13 bytecode.
BUILD_DIR ?= .aws-sam/build
build: venv catalogues
	env $(PY313_ENV) $(BIN)/sam build --config-env $(SAM_ENV) --template-file template.yaml
	$(MAKE) --no-print-directory compile-build

compile-build:
	env $(PY313_ENV) python3.13 -m compileall -q -j 0 --invalidation-mode unchecked-hash $(BUILD_DIR)

clean:
	rm -rf .aws-sam .pytest_cache .ruff_cache .hypothesis .benchmarks
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -type d -name '*.egg-info' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .plaudit
