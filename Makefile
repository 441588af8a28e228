# The practice exchange. `make run` serves the demo; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CLUSTER_PORT ?= 8100
# pytest excludes the PostgreSQL/Redis tests unless both services are configured.
PYTEST_MARK := $(if $(and $(DATABASE_URL),$(REDIS_URL)),not e2e,not e2e and not services)
TEST_ENV := SECRET_KEY=test-only-secret-key PLAIN_STATIC_STORAGE=1
# How the catalogs are extracted; tests/forum/test_translations.py extracts the same way.
MESSAGES_ARGS := --locale fr --locale de --no-obsolete --add-location file \
	--ignore .venv --ignore var --ignore tests --ignore scripts --ignore staticfiles

.PHONY: install run serve test lint unit e2e chromium gettext messages migrate demo clean bench-tools cluster bench bench-quick

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

## Serve the app with the demo data on the embedded default (SQLite, in-memory layer).
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (demo logins in README.md)"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

unit: install gettext
	$(TEST_ENV) $(BIN)/pytest -m "$(PYTEST_MARK)"

## GNU gettext (xgettext, msgfmt) from Debian's packages: a test checks that the catalogs
## under locale/ hold every string of the code. Serving needs none of it: the compiled
## catalogs are committed.
gettext:
	@if ! command -v xgettext >/dev/null || ! command -v msgfmt >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else \
	    echo "The catalog test needs GNU gettext: sudo apt-get install gettext"; exit 1; \
	  fi; \
	fi

## Gather the strings marked for translation into locale/{fr,de}, then compile them.
## Translate the new entries in the .po files, run it again, and commit both files.
messages: install gettext
	$(TEST_ENV) $(BIN)/python manage.py makemessages $(MESSAGES_ARGS)
	$(TEST_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv

## Chromium comes from Debian's packages; never a downloaded browser build.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Debian's Chromium: sudo apt-get install chromium"; exit 1; \
	  fi; \
	fi

e2e: install chromium
	$(TEST_ENV) $(BIN)/pytest -m e2e tests/e2e

test: lint unit e2e

## The load-test tools come from Debian's packages: wrk, and nginx for the cluster's proxy.
bench-tools:
	@if ! command -v wrk >/dev/null || ! { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; \
	  else \
	    echo "The benchmark needs wrk and nginx: sudo apt-get install wrk nginx-light"; exit 1; \
	  fi; \
	fi

## Production's topology on this machine: gunicorn for the pages, uvicorn for /ws/, nginx in
## front on 127.0.0.1:$(CLUSTER_PORT), on the local PostgreSQL and Redis (DATABASE_URL, REDIS_URL).
cluster: install bench-tools
	PORT=$(CLUSTER_PORT) scripts/cluster.sh

## The benchmark (docs/benchmarks.md): seeds 10,000 and 100,000 practices the first time.
bench: install bench-tools
	$(BIN)/python scripts/bench.py

## The same on small data, in about four minutes; CI runs it as a smoke test.
bench-quick: install bench-tools
	$(BIN)/python scripts/bench.py --quick

clean:
	rm -rf $(VENV) var staticfiles
