# The two commands in the README: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
# Pango (libpango-1.0-0, libpangoft2-1.0-0) and HarfBuzz's subsetter are what WeasyPrint lays PDFs out with;
# gettext's xgettext and msgfmt are what `make messages` extracts and compiles translations with.
APT_PACKAGES := postgresql-15-postgis-3 gdal-bin libgdal-dev chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext
DATABASE_NAME ?= vigia
HOST ?= 127.0.0.1
PORT ?= 8000
CLAVEUNICA_PORT ?= 8001
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup services database demo test lint pytest bench clean messages

help:
	@echo "make demo   install everything, load demo data and serve http://$(HOST):$(PORT)"
	@echo "make test   install everything, then run ruff, the layering contract and pytest"
	@echo "make bench  run the benchmarks in bench/ (long)"

$(STAMPS):
	@mkdir -p $(STAMPS)

# Debian packages: installed only when one is missing, so a second run costs one dpkg query.
$(STAMPS)/apt: | $(STAMPS)
	@if [ "$$(dpkg-query -W -f='$${Status}\n' $(APT_PACKAGES) 2>/dev/null | grep -c 'install ok installed')" = "$(words $(APT_PACKAGES))" ]; then \
	  echo "Debian packages present"; \
	else \
	  echo "Installing Debian packages: $(APT_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi
	@touch $@

$(PY):
	python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip 2>&1 | grep -v '^WARNING: Location' || true

# Reinstall only when the dependency list changes.
$(STAMPS)/venv: pyproject.toml $(PY) | $(STAMPS)
	$(PY) -m pip install -q -e '.[dev]' 2>&1 | grep -v -e '^WARNING: Location' -e 'BuildBackendWarning' || true
	$(PY) -c "import django, channels, celery, rest_framework_gis, esda, playwright, weasyprint"
	@touch $@

setup: $(STAMPS)/apt $(STAMPS)/venv services database

# PostgreSQL and Redis normally run already; start them if they are installed but stopped.
services: $(STAMPS)/apt
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "Starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -n1) main start; \
	  for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "Starting Redis"; \
	  mkdir -p /var/lib/redis /var/log/redis; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
	    --dir /var/lib/redis --logfile /var/log/redis/vigia.log; \
	  for i in $$(seq 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done; }

# PostGIS needs a superuser to create; putting it in template1 gives every new database (tests too) PostGIS.
database: services
	@PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -U postgres -d template1 -qtAc "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
	@psql -h 127.0.0.1 -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname='$(DATABASE_NAME)'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $(DATABASE_NAME)"

lint: $(STAMPS)/venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Translations: extract the project's strings (Python, templates) and the pages' scripts' (djangojs) into
# backend/config/locale/es_CL/, then compile every catalogue. The station keeps its own (backend/station/locale/), edited by hand,
# so its files stay out of the project's. Translate new entries, leave none fuzzy, and run this again.
MESSAGES_IGNORE := --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
STATION_IGNORE := --ignore 'backend/station/*' --ignore 'dashboards/station/*' --ignore 'dashboards/templates/station/*'
messages: $(STAMPS)/apt $(STAMPS)/venv
	$(PY) manage.py makemessages -l es_CL --no-obsolete $(MESSAGES_IGNORE) $(STATION_IGNORE)
	$(PY) manage.py makemessages -l es_CL -d djangojs --no-obsolete $(MESSAGES_IGNORE) --ignore 'backend/common/static/vendor/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

# CI builds the test database afresh: a database that an interrupted run left behind must not decide the result.
PYTEST_ARGS ?= $(if $(CI),--create-db)
pytest: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: setup lint pytest

# The demo's ClaveÚnica is a local test provider (manage.py claveunica_fake) with the four sandbox RUNs.
demo: export CLAVEUNICA_BASE_URL ?= http://$(HOST):$(CLAVEUNICA_PORT)
demo: export STATION_PUBLIC_URL ?= http://$(HOST):$(PORT)
demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_precincts fixtures/precincts/south_precinct.geojson
	$(PY) manage.py demo_setup
	$(PY) manage.py station_signing_keys ensure
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Starting two event relays (one active, one standby; log: var/relay.log), the Celery worker with beat"
	@echo "(var/celery.log), the local ClaveÚnica on http://$(HOST):$(CLAVEUNICA_PORT) (var/claveunica.log)"
	@echo "and the ASGI server on http://$(HOST):$(PORT)"
	@mkdir -p var
	@# nice: a PDF pack or a prefecture-wide count must not slow the pages and the alert button down.
	scripts/supervise.sh var/relay.log $(PY) manage.py relay_events & \
	  scripts/supervise.sh var/relay.log $(PY) manage.py relay_events & \
	  nice -n 10 $(VENV)/bin/celery -A backend.config worker --beat --schedule var/celerybeat-schedule \
	    --loglevel=INFO --concurrency=2 >var/celery.log 2>&1 & \
	  $(PY) manage.py claveunica_fake --host $(HOST) --port $(CLAVEUNICA_PORT) >var/claveunica.log 2>&1 & \
	  trap 'kill %1 %2 %3 %4 2>/dev/null' EXIT; \
	  $(VENV)/bin/uvicorn backend.config.asgi:application --host $(HOST) --port $(PORT) --workers 2 --no-access-log --no-proxy-headers

# Long: builds its own databases (vigia_bench, vigia_bench_rt) with a million rows each; see BENCHMARKS.md.
bench: setup
	$(PY) bench/bench_geo.py
	$(PY) bench/bench_gistar.py
	$(PY) bench/bench_alerts.py
	$(PY) bench/bench_analytics.py
	$(PY) bench/bench_packs.py
	$(PY) bench/bench_realtime.py
	$(PY) bench/bench_auth.py
	$(PY) bench/bench_station.py
	$(PY) bench/bench_permits.py
	$(PY) bench/bench_instructions.py
	$(PY) bench/bench_event_lock.py
	$(PY) bench/bench_write_path.py
	$(PY) bench/bench_fault_soak.py
	BENCH_DATABASE=vigia_interop_bench $(PY) bench/bench_interop.py

clean:
	rm -rf $(STAMPS) $(VENV) var
