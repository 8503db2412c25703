# Set-up is part of every target: `make test` and `make gallery` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install system-deps test lint gallery bench clean

install: $(STAMP) system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# graphviz's `dot` and (for the page test) Chromium come from the system package manager.
system-deps:
	@command -v dot >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz chromium >/dev/null; \
	  elif ! command -v dot >/dev/null 2>&1; then \
	    echo "graphviz is missing: install it with your package manager (e.g. 'sudo apt-get install graphviz'), then re-run make" >&2; exit 1; \
	  fi; }

lint: install
	$(VENV)/bin/ruff check plategraph tests gallery benchmarks

test: lint
	$(VENV)/bin/pytest -q

gallery: install
	$(VENV)/bin/plategraph gallery gallery -o build/gallery

bench: install
	$(PY) benchmarks/run.py

clean:
	rm -rf build $(VENV) .pytest_cache
