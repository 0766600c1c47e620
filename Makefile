# Etalase UMKM — the two-command quick start: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app marketplace
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint format install node-tools migrate demo bench clean translations extract update

# Python packages: uv (from PyPI, pinned here, bootstrapped into the venv by pip) installs
# requirements.txt in parallel from its cache (~/.cache/uv); pip does it when uv cannot be
# had or fails. NO_UV=1 forces pip.
UV_VERSION := 0.13.9
UV         := $(VENV)/bin/uv

$(VENV)/.installed: requirements.txt
	@echo "[1/4] Memasang paket Python (requirements.txt)…"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@if [ -z "$(NO_UV)" ] && { $(UV) --version 2>/dev/null | grep -qF " $(UV_VERSION)" \
	     || $(PY) -m pip install --quiet "uv==$(UV_VERSION)"; } \
	  && $(UV) pip install --python $(PY) -r requirements.txt; then :; \
	else echo "      uv tidak tersedia: memakai pip (lebih lambat)"; \
	  $(PY) -m pip install --quiet --upgrade pip && \
	  $(PY) -m pip install --progress-bar on -r requirements.txt; fi
	@touch $@

install: $(VENV)/.installed translations

# Translations: Indonesian source strings, English in translations/en_ID. The compiled .mo
# files are build output (git-ignored), made here so `make run` and `make test` have them.
PYBABEL        := $(VENV)/bin/pybabel
BABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2

## Compile translations/*/LC_MESSAGES/*.po (ours, and WTForms' messages in Indonesian) into .mo files
translations: $(VENV)/.installed
	$(PYBABEL) -q compile -d translations -D "messages wtforms"

## Refresh translations/messages.pot from the code and merge it into every messages.po
extract: $(VENV)/.installed
	$(PYBABEL) -q extract -F babel.cfg $(BABEL_KEYWORDS) --project "Etalase UMKM" \
		--msgid-bugs-address "" -o translations/messages.pot .
	$(PYBABEL) -q update -i translations/messages.pot -d translations --ignore-obsolete

update: extract

# Node test tools (vnu-jar, axe-core, Lighthouse; package-lock.json) for `make test` and
# `make bench` only: `make run` needs nothing but Python. Without npm the browser and
# HTML-checker tests skip locally (and fail under CI=true).
node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

node-tools:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory node_modules/.package-lock.json; \
	else echo "npm not found: skipping the Node test tools"; fi

migrate: install
	@echo "[2/4] Menyiapkan basis data (migrasi)…"
	@$(FLASK) db upgrade

demo: migrate
	@echo "[3/4] Memuat data demo (sekali saja)…"
	@$(FLASK) demo load

## Create the virtualenv, install, migrate, load demo data once, serve on http://127.0.0.1:5000
## (HOST=0.0.0.0 PORT=8000 make run to serve elsewhere)
run: demo
	@echo "[4/4] Menjalankan server di http://$(HOST):$(PORT) (Ctrl+C untuk berhenti)"
	@$(FLASK) demo accounts --url http://$(HOST):$(PORT)
	$(FLASK) run --host $(HOST) --port $(PORT)

## The whole test suite. As root on Debian it first installs the system parts that are missing
## (tests/testparts.py runs the .ci/install-*.sh scripts, idempotent); otherwise the run ends
## by naming the groups that skipped and the one command that installs them.
test: install
	@$(PY) tests/testparts.py install
	@$(MAKE) --no-print-directory node-tools
	$(PY) -m pytest $(PYTEST_ARGS)

## The system parts of the whole suite (Debian, as root; idempotent): browser, Java, Node,
## Redis, PostgreSQL 15 — what CI installs; then the pinned Node tools.
.PHONY: test-deps
test-deps:
	bash .ci/install-system-packages.sh
	bash .ci/install-browser.sh
	bash .ci/install-redis.sh
	bash .ci/install-postgres.sh >/dev/null
	@$(MAKE) --no-print-directory node-tools

## The whole suite on PostgreSQL 15 as CI's second pass runs it (TZ=America/New_York). As root
## the server is installed/started first by .ci/install-postgres.sh (idempotent); otherwise
## PG_URL names a running one (default: the URL that script prints). The Node test tools
## come from `make test` / `make node-tools` (not re-run here: `npm ci` would replace them).
.PHONY: test-pg
PG_URL ?= postgresql+psycopg://etalase:etalase@127.0.0.1:54329/etalase
test-pg: install
	@url="$(PG_URL)"; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  url="$$(bash .ci/install-postgres.sh | tail -n 1)"; fi; \
	echo "== PostgreSQL pass on $$url (TZ=America/New_York)"; \
	TZ=America/New_York DATABASE_URL="$$url" $(PY) -m pytest $(PYTEST_ARGS)

## Lint and format check (ruff, settings in pyproject.toml); `make format` rewrites the files
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Benchmarks (ratios measured in one run)
bench: install node-tools
	$(PY) bench/photo_bench.py
	$(PY) bench/page_server_bench.py
	$(PY) bench/lighthouse_bench.py
	$(PY) bench/rush.py
	-bash .ci/install-wrk.sh
	$(PY) bench/catalogue_bench.py
	$(PY) bench/demand_bench.py
	$(PY) bench/moderation_bench.py
	$(PY) bench/import_bench.py
	$(PY) bench/cold_start.py

clean:
	rm -rf $(VENV) .pytest_cache
