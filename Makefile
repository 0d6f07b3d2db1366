# The two Quickstart commands: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres lint install system-deps runtime-deps bench

# A Python >= 3.12: the first one found on PATH or under pyenv.
PYTHON := $(shell for p in python3.12 python3.13 $${PYENV_ROOT:-$${HOME:-/root}/.pyenv}/versions/3.12*/bin/python3 $${PYENV_ROOT:-$${HOME:-/root}/.pyenv}/versions/3.13*/bin/python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null && { echo $$p; break; }; done)

$(BIN)/accord: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Accord needs Python 3.12 or newer." >&2; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(BIN)/accord

install: $(BIN)/accord

run: install runtime-deps
	$(BIN)/accord migrate --noinput
	$(BIN)/accord demo
	$(BIN)/accord serve

# The browser tests drive Debian's Chromium; Chinese needs a CJK font (the PDFs embed it too).
# WeasyPrint (PDF) lays text out with pango; the tests read PDFs with poppler-utils.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RUNTIME_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
SYSTEM_PACKAGES := $(RUNTIME_PACKAGES) chromium poppler-utils wrk
# What Accord itself needs (the PDF's font and layout libraries), for `make run`.
runtime-deps:
	@dpkg -s $(RUNTIME_PACKAGES) >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(RUNTIME_PACKAGES) >/dev/null; }

# Everything the tests need besides.
system-deps:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; }

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/accord makemigrations --check --dry-run

test-sqlite: install system-deps
	ACCORD_DATABASE_URL= $(BIN)/python -m pytest -p no:cacheprovider

test-postgres: install system-deps
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	ACCORD_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -p no:cacheprovider

test: lint test-sqlite test-postgres

# The load benchmark (benchmarks/run.py) on PostgreSQL: a database of its own, seeded with
# 1,000,000 action items the first time (a few minutes), then every operation under wrk.
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/accord_bench
bench: install system-deps
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw accord_bench || createdb -h 127.0.0.1 -U postgres accord_bench
	ACCORD_DATABASE_URL=$(BENCH_URL) $(BIN)/python benchmarks/run.py $(BENCH_ARGS)
