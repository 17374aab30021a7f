# Two commands a newcomer needs (see README):
#   make serve   set up everything, build archive.db from seeds/, serve it on http://127.0.0.1:8001
#   make test    set up everything (the test extras) and run the whole suite
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
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench_build.py

clean:
	rm -rf $(VENV) archive.db archive.db.nlpcache .pytest_cache test-artifacts
