# Everyday commands. `make run` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# Without DATABASE_URL, an embedded PostgreSQL under var/pgdata serves both run and test.
DB_ENV = DATABASE_URL="$${DATABASE_URL:-$$($(BIN)/python -m backend.devtools.embedded_postgres)}"

.PHONY: install run test lint typecheck pytest schema migrate

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: install
	$(DB_ENV) $(BIN)/python -m backend.devtools.quickstart

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy backend tenants tests

pytest: install
	$(DB_ENV) $(BIN)/pytest

test: lint typecheck pytest

schema: install
	$(BIN)/python manage.py export_graphql

migrate: install
	$(DB_ENV) $(BIN)/python manage.py migrate_schemas --executor=multiprocessing
