# The commands of the README. Everything runs from the virtualenv .venv, made by 'make install'.
VENV := .venv
PY := $(VENV)/bin/python
SOURCES_OF_INSTALL := requirements/lock.txt requirements/dev.txt web/package-lock.json $(wildcard libs/*/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml)

.PHONY: up down status test test-unit lint install bench bench-18 web

up: $(VENV)/.installed web      ## start the whole system with demo data on http://localhost:8080
	$(PY) tools/devstack.py up

down:                            ## stop it
	@if [ -x $(PY) ]; then $(PY) tools/devstack.py down; else echo "nothing is running"; fi

status:
	$(PY) tools/devstack.py status

test: $(VENV)/.installed web lint ## every test: unit, integration, contract, end-to-end
	$(PY) -m pytest

test-unit: $(VENV)/.installed
	$(PY) -m pytest -m "not integration and not e2e"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: $(VENV)/.installed        ## throughput and latency figures (bench/README.md)
	$(PY) bench/run.py
	$(PY) bench/adaptive_test.py
	$(PY) bench/certification_simulation.py
	$(PY) bench/campaign_lists.py
	$(PY) bench/reporting_export.py
	$(PY) bench/capacity.py
	$(PY) bench/logins.py
	$(PY) bench/faults.py
	$(PY) bench/certification_window.py
	$(PY) bench/attestations.py

bench-18: $(VENV)/.installed     ## issue 18's table: every row's bench, before and now, beside its goal (bench/README.md)
	$(PY) bench/issue18.py $(ARGS)

install: $(VENV)/.installed

# The web faces again when their sources changed since the last build.
WEB_BUILD := gateway/src/gateway/web/index.html
web: $(WEB_BUILD)
$(WEB_BUILD): $(VENV)/.installed web/vite.config.js web/index.html web/orga/index.html web/certif/index.html $(shell find web/src -type f 2>/dev/null)
	cd web && npm run --silent build -- --logLevel warn

$(VENV)/.installed: $(SOURCES_OF_INSTALL)
	tools/install.sh
