# Two commands a newcomer needs (see README):
#   make serve   set up everything, build archive.db from seeds/, serve it on http://127.0.0.1:8001
#   make test    set up everything (the test extras, Chromium) and run the whole suite
#   make publish-check   serve archive.db exactly as `datasette publish` would and check every page
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8001
SOURCES ?= seeds
# The settings of a public archive: one place for `make serve`, `make publish-check`,
# the browser tests and (as --extra-options) the README's `datasette publish` commands.
DATASETTE_SETTINGS = --setting sql_time_limit_ms 3500 --setting max_returned_rows 1000 \
	--setting facet_time_limit_ms 500 --setting default_page_size 50
DATASETTE_FLAGS = -m metadata.yml --plugins-dir plugins --template-dir templates $(DATASETTE_SETTINGS)
CHROMIUM = /usr/bin/chromium

.PHONY: serve test build bench eval install clean chromium publish-check datasette-flags

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

# The browser tests drive Debian's Chromium; install it only when it is missing.
chromium:
	@test -x $(CHROMIUM) || (apt-get update && apt-get install -y chromium)

test: install chromium
	NEWSARCHIVE_REQUIRE_BROWSER=1 $(BIN)/python -m pytest

publish-check: build
	$(BIN)/python -m publish.check archive.db -- $(DATASETTE_FLAGS)

# Printed for the tests, which start Datasette with the same flags.
datasette-flags:
	@echo $(DATASETTE_FLAGS)

# Build scaling on the ../shared/dev news corpus (CPU vs plain spaCy, memory, workers, incremental); ~30+ minutes.
bench: install
	$(BIN)/python bench/bench_scale.py

# Every quality evaluation (seeds gold, ../shared/dev news, extraction, geo) in one table; ~8 minutes.
eval: install
	$(BIN)/python bench/eval_all.py

clean:
	rm -rf $(VENV) archive.db archive.db.cache archive.db.nlpcache .pytest_cache test-artifacts bench-results.json
