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

# graphviz's `dot`, Chromium (the page test), pdflatex with TikZ and poppler's pdftotext/pdffonts
# (the TikZ and paper-figure tests) come from the system package manager.
SYSTEM_PACKAGES := graphviz chromium texlive-latex-base texlive-pictures poppler-utils
system-deps:
	@command -v dot >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 \
	  && command -v pdflatex >/dev/null 2>&1 && kpsewhich tikz.sty >/dev/null 2>&1 \
	  && command -v pdftotext >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  elif ! command -v dot >/dev/null 2>&1 || ! command -v pdflatex >/dev/null 2>&1; then \
	    echo "missing system packages: install them with your package manager (e.g. 'sudo apt-get install $(SYSTEM_PACKAGES)'), then re-run make" >&2; exit 1; \
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
