# Everyday commands. `make run` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# Without DATABASE_URL, an embedded PostgreSQL under var/pgdata serves both run and test.
DB_ENV = DATABASE_URL="$${DATABASE_URL:-$$($(BIN)/python -m backend.devtools.embedded_postgres)}"

.PHONY: install run test lint typecheck pytest audit schema migrate secure-db bench bench-full bench-tools

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
	$(BIN)/mypy backend tenants tests bench

pytest: install
	$(DB_ENV) $(BIN)/pytest

test: lint typecheck pytest

# Known vulnerabilities in the installed environment (the project itself, editable, is skipped).
# --strict fails when a package could not be checked, so an unreachable service is never a pass.
# Not part of `test`: it needs PyPI's per-version JSON API (or OSV), which this network does not
# reach; run it where it does, e.g. `make audit AUDIT_SERVICE=osv`.
AUDIT_SERVICE ?= pypi
audit: install
	$(BIN)/pip-audit --skip-editable --strict --progress-spinner off --vulnerability-service $(AUDIT_SERVICE)

schema: install
	$(BIN)/python manage.py export_graphql

migrate: install
	$(DB_ENV) $(BIN)/python manage.py migrate_schemas --executor=multiprocessing

# As the migration owner, after `make migrate`: the application role (DATABASE_APP_ROLE) gets row
# access to every schema; the audit tables go to the dangjian_audit role (README "Database roles").
secure-db: install
	@test -n "$$DATABASE_APP_ROLE" || { echo "Set DATABASE_APP_ROLE to the application's role."; exit 1; }
	$(DB_ENV) $(BIN)/python manage.py secure_database --app-role "$$DATABASE_APP_ROLE"

# The benchmark (bench/README.md): our API, the SQL floor and PostGraphile on the same generated
# city, loaded with wrk. Short: one size-S district measured (two generated), 3 s per measurement.
# Full: sixteen size-M districts, 10 s per measurement. Both write bench/results.md.
bench: install bench-tools
	$(DB_ENV) $(BIN)/python -m bench.run --mode short

bench-full: install bench-tools
	$(DB_ENV) $(BIN)/python -m bench.run --mode full

# wrk from Debian's packages (as root, or through sudo); PostGraphile from npm, pinned by its lock.
bench-tools:
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi; }
	@command -v node >/dev/null || { echo "PostGraphile needs Node.js 18 or newer (node not found)."; exit 1; }
	@test -d bench/peer/node_modules/postgraphile || npm ci --prefix bench/peer --no-audit --no-fund --loglevel=error
