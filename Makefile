# Set-up is part of every target: `make test` and `make gallery` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The extra JAX test environments (docs/jax-versions.md): one venv per supported JAX minor
# release besides the default's, each on its own interpreter and pinned by ci/jax-X.Y.txt.
# A new JAX release: add its adapter to plategraph/tracing/_jax.py, its constraints file, and
# its venv here.
# Each is the first interpreter of that Python that runs, as its real path: `python3.X` on PATH,
# else pyenv's (`pyenv which`: an active version; `pyenv prefix`: any installed one). A pyenv
# shim of a version that is not active is on PATH but fails, so a candidate is run, not just
# found. Set PYTHON312=/path/to/python3.12 (or PYTHON313) to choose one yourself.
find_python = $(shell for c in python$(1) "$$(pyenv which python$(1) 2>/dev/null)" \
  "$$(p=$$(pyenv prefix $(1) 2>/dev/null) && echo "$$p/bin/python$(1)")"; do \
  [ -n "$$c" ] && "$$c" -c 'import sys; print(sys.executable)' 2>/dev/null && break; done)
PYTHON312 ?= $(call find_python,3.12)
PYTHON313 ?= $(call find_python,3.13)
JAX_ENVS := .venv-jax011 .venv-jax012
.venv-jax011/.installed: ENV_PYTHON = $(PYTHON312)
.venv-jax011/.installed: ENV_NEEDS = Python 3.12
.venv-jax011/.installed: ENV_VAR = PYTHON312
.venv-jax011/.installed: ci/jax-0.11.txt
.venv-jax012/.installed: ENV_PYTHON = $(PYTHON313)
.venv-jax012/.installed: ENV_NEEDS = Python 3.13
.venv-jax012/.installed: ENV_VAR = PYTHON313
.venv-jax012/.installed: ci/jax-0.12.txt
# the tests they run: tracing, graph and drawing (the rest needs the default env's extras)
JAX_TESTS = $(shell cat ci/jax-tests.txt)
# where each env's run records the graph of every model its tests trace, for
# tests/tracing/test_jax_versions.py
GRAPHS := build/jax-graphs

# Mermaid's own parser under Node, for the tests of to_mermaid (tests/export/test_mermaid.py):
# the npm packages of ci/mermaid/package-lock.json, installed into build/mermaid
MERMAID := build/mermaid/.installed

.PHONY: install system-deps mermaid test test-jax jax-envs lint gallery docs bench clean

install: $(STAMP) system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# graphviz's `dot`, Chromium (the page test), pdflatex with TikZ and poppler's pdftotext/pdffonts
# (the TikZ and paper-figure tests), Node and npm (Mermaid's parser, the to_mermaid tests), the
# LaTeX packages of Sphinx's LaTeX builder (wrapfig, titlesec, … in texlive-latex-extra: the
# Sphinx directive's test), the paper figures' default font and their Computer Modern
# (font="Computer Modern": CMU Serif) come from the system package manager.
SYSTEM_PACKAGES := graphviz nodejs npm chromium texlive-latex-base texlive-pictures \
	texlive-latex-extra poppler-utils fonts-liberation2 fonts-cmu
HAVE_SYSTEM_DEPS := command -v dot >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
	  && command -v chromium >/dev/null 2>&1 \
	  && command -v pdflatex >/dev/null 2>&1 && kpsewhich tikz.sty >/dev/null 2>&1 \
	  && kpsewhich wrapfig.sty >/dev/null 2>&1 \
	  && command -v pdftotext >/dev/null 2>&1 && fc-list 'Liberation Serif' | grep -q . \
	  && fc-list 'CMU Serif' | grep -q .
system-deps:
	@$(HAVE_SYSTEM_DEPS) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    echo "missing system packages: install them with your package manager (e.g. 'sudo apt-get install $(SYSTEM_PACKAGES)'), then re-run make" >&2; exit 1; \
	  fi; }

lint: install
	$(VENV)/bin/ruff check plategraph tests gallery benchmarks

jax-envs: $(JAX_ENVS:%=%/.installed)

$(JAX_ENVS:%=%/.installed): pyproject.toml
	@test -n "$(ENV_PYTHON)" || { echo "$(@D) needs $(ENV_NEEDS): install it (e.g. with pyenv) or name it (make $(ENV_VAR)=/path/to/python), then re-run make" >&2; exit 1; }
	rm -rf $(@D)
	$(ENV_PYTHON) -m venv $(@D)
	$(@D)/bin/python -m pip install --quiet --upgrade pip
	$(@D)/bin/python -m pip install --quiet -c $(filter ci/%,$^) -e '.[jax-tests]'
	touch $@

# the tracing, graph and drawing tests on each extra JAX, each run recording its graphs; the
# environments run side by side (each run is mostly one core), their logs shown one after the other
test-jax: jax-envs system-deps
	@mkdir -p $(GRAPHS)
	@pids=; for env in $(JAX_ENVS); do \
	  ( $$env/bin/python -c 'import sys, jax; print(f"== {sys.argv[1]}: Python {sys.version.split()[0]}, JAX {jax.__version__}")' $$env \
	    && $$env/bin/pytest -q -p no:cacheprovider --record-graphs $(GRAPHS)/$${env#.venv-}.json $(JAX_TESTS) \
	  ) > $(GRAPHS)/$${env#.venv-}.log 2>&1 & pids="$$pids $$!"; \
	done; status=0; for pid in $$pids; do wait $$pid || status=1; done; \
	for env in $(JAX_ENVS); do cat $(GRAPHS)/$${env#.venv-}.log; done; exit $$status

mermaid: $(MERMAID)

$(MERMAID): ci/mermaid/package.json ci/mermaid/package-lock.json | system-deps
	rm -rf $(@D)
	mkdir -p $(@D)
	cp ci/mermaid/package.json ci/mermaid/package-lock.json $(@D)/
	cd $(@D) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# the extra JAX envs first: the default env's whole suite then compares their graphs with its own
test: lint test-jax $(MERMAID)
	@$(PY) -c 'import sys, jax; print(f"== .venv: Python {sys.version.split()[0]}, JAX {jax.__version__}")'
	$(VENV)/bin/pytest -q

gallery: install
	$(VENV)/bin/plategraph gallery gallery -o build/gallery

# the documentation site: Sphinx (MyST, furo) with warnings as errors; the pages draw their
# diagrams with plategraph.sphinx. `docs` is in the dev extra, so `make install` installs it.
docs: install
	JAX_PLATFORMS=cpu $(PY) -m sphinx -b html -W --keep-going -q docs build/docs/html

bench: install jax-envs
	PYTHONPATH=tests:tests/layout $(PY) benchmarks/run.py

clean:
	rm -rf build $(VENV) $(JAX_ENVS) .pytest_cache
