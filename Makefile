# Etalase UMKM — the two-command quick start: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app marketplace
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install migrate demo bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load

## Create the virtualenv, install, migrate, load demo data once, serve on http://127.0.0.1:5000
run: demo
	$(FLASK) demo accounts
	$(FLASK) run --host $(HOST) --port $(PORT)

## The whole test suite
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

## Benchmarks (ratios measured in one run)
bench: install
	$(PY) bench/photo_bench.py

clean:
	rm -rf $(VENV) .pytest_cache
