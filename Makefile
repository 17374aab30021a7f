# Two commands a newcomer needs (see README):
#   make serve   set up everything, build archive.db from seeds/, serve it on http://127.0.0.1:8001
#   make test    set up everything (the test extras, Chromium) and run the whole suite
#   make publish-check   serve the archive exactly as `datasette publish` would and check every page
#
# Your own archive: make serve DB=mine.db SOURCES=mine/ builds mine/ into mine.db (incrementally)
# and serves it; make serve DB=mine.db and make publish-check DB=mine.db serve it as it is.
# An archive that exists is only ever built from the SOURCES you name: never from the seeds.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8001
DEFAULT_DB = archive.db
DB ?= $(DEFAULT_DB)
SOURCES ?=
# The settings of a public archive: one place for `make serve`, `make publish-check`,
# the browser tests and (as --extra-options) the README's `datasette publish` commands.
DATASETTE_SETTINGS = --setting sql_time_limit_ms 3500 --setting max_returned_rows 500 \
	--setting facet_time_limit_ms 500 --setting default_page_size 50 --setting suggest_facets off \
	--setting truncate_cells_html 300
DATASETTE_FLAGS = -m metadata.yml --plugins-dir plugins --template-dir templates $(DATASETTE_SETTINGS)
CHROMIUM = /usr/bin/chromium

.PHONY: serve test build archive bench bench-serve eval install clean chromium publish-check datasette-flags

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# make build: SOURCES into DB; with no SOURCES, the seeds into archive.db (the demo archive).
build: install
ifneq ($(strip $(SOURCES)),)
	$(BIN)/python build_db.py $(SOURCES) --db $(DB)
else ifeq ($(DB),$(DEFAULT_DB))
	$(BIN)/python build_db.py seeds --db $(DB)
else
	@echo "make build DB=$(DB): name the folders to build, SOURCES=<your folder>"; exit 2
endif

# The archive to serve: built from SOURCES when they are named, from the seeds when there is no
# archive yet and none was named; an existing archive without SOURCES is served as it is.
archive: install
ifneq ($(strip $(SOURCES)),)
	$(BIN)/python build_db.py $(SOURCES) --db $(DB)
else ifeq ($(wildcard $(DB)),)
ifeq ($(DB),$(DEFAULT_DB))
	$(BIN)/python build_db.py seeds --db $(DB)
else
	@echo "$(DB): no such archive. Build it: make serve DB=$(DB) SOURCES=<your folder>"; exit 2
endif
endif

serve: archive
	$(BIN)/datasette $(DB) $(DATASETTE_FLAGS) --host 127.0.0.1 --port $(PORT)

# The browser tests drive Debian's Chromium; install it only when it is missing.
chromium:
	@test -x $(CHROMIUM) || (apt-get update && apt-get install -y chromium)

test: install chromium
	NEWSARCHIVE_REQUIRE_BROWSER=1 $(BIN)/python -m pytest

publish-check: archive
	$(BIN)/python -m publish.check $(DB) -- $(DATASETTE_FLAGS)

# Printed for the tests, which start Datasette with the same flags.
datasette-flags:
	@echo $(DATASETTE_FLAGS)

# Build scaling on the ../shared/dev news corpus (CPU vs plain spaCy, memory, workers, incremental); ~30+ minutes.
bench: install
	$(BIN)/python bench/bench_scale.py

# Every page of a published archive of ~100,000 articles (the shared corpus replicated): p50/p95 and size; ~15 minutes.
bench-serve: install
	$(BIN)/python bench/bench_serve.py

# Every quality evaluation (seeds gold, ../shared/dev news, extraction, geo) in one table; ~8 minutes.
eval: install
	$(BIN)/python bench/eval_all.py

clean:
	rm -rf $(VENV) archive.db archive.db.cache archive.db.nlpcache .pytest_cache test-artifacts bench-results.json
