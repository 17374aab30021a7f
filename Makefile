# Two commands a newcomer needs (see README):
#   make serve   set up everything, build archive.db from seeds/, serve it on http://127.0.0.1:8001
#   make test    set up everything (test extras, Chromium for browser tests) and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8001
SOURCES ?= seeds
DATASETTE_FLAGS = -m metadata.yml --plugins-dir plugins --template-dir templates

.PHONY: serve test build bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

build: install
	$(BIN)/python build_db.py $(SOURCES) --db archive.db

serve: build
	$(BIN)/datasette archive.db $(DATASETTE_FLAGS) --host 127.0.0.1 --port $(PORT)

test: install
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium could not be installed: browser tests will fail"; }
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench_build.py

clean:
	rm -rf $(VENV) archive.db archive.db.nlpcache .pytest_cache test-artifacts
