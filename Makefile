# Safehub: the two commands a newcomer needs are `make demo` and `make test` (see README.md).
# Everything else here is what those two call, plus `make lint` for contributors.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := src/safehub/web/static/web/safehub.css
SAFEHUB := $(BIN)/safehub
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: demo test lint setup assets browser scanner migrate serve lock clean format validators

setup: $(STAMP) $(ASSETS)
	@mkdir -p var/staticfiles

# Python packages, pinned with hashes (R47). The project itself is installed editable, without
# dependencies, so its console script `safehub` exists in the venv.
$(STAMP): requirements/dev.txt pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Front-end assets from npm, served by Safehub itself (no CDN, T17).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(ASSETS): node_modules/.package-lock.json src/safehub/web/scss/safehub.scss
	npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
		--silence-deprecation=import src/safehub/web/scss/safehub.scss $(ASSETS)

assets: $(ASSETS)

# Browser tests drive Debian's chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The document tests scan real files with ClamAV (R43), against a signature database they build
# from the EICAR test string: freshclam's mirrors are not needed for that.
scanner:
	@command -v clamscan >/dev/null 2>&1 || { \
		echo "Installing Debian's clamav for the document scanning tests..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq clamav >/dev/null; }

# The DfE validators pin pandas < 2 and need Python <= 3.11, so they get their own venv and run
# out of process (issue 7, docs/domain/returns-validation.md). Stamped: a second run is instant.
VALIDATORS_VENV := var/validators-venv
VALIDATORS_STAMP := $(VALIDATORS_VENV)/.installed
VALIDATORS_PYTHON := $(firstword $(wildcard /usr/bin/python3.11) $(shell command -v python3.11 2>/dev/null))

validators: $(VALIDATORS_STAMP)

$(VALIDATORS_STAMP): requirements/validators.txt
	@test -n "$(VALIDATORS_PYTHON)" || { echo "The DfE validators need python3.11 (not found)."; exit 1; }
	@test -d $(VALIDATORS_VENV) || $(VALIDATORS_PYTHON) -m venv $(VALIDATORS_VENV)
	$(VALIDATORS_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements/validators.txt
	@touch $(VALIDATORS_STAMP)

migrate: setup
	@mkdir -p var
	$(SAFEHUB) migrate --no-input
	$(SAFEHUB) sync_reference_data

demo: migrate validators
	$(SAFEHUB) load_demo_city
	@# Train the matcher on the demo index and fill the duplicate review queue (a few seconds).
	$(SAFEHUB) people train-matcher --as-user sysadmin@demo.safehub.test > var/train-matcher.log
	$(SAFEHUB) people dedupe --as-user mash.manager@demo.safehub.test
	@echo "Safehub is starting at http://127.0.0.1:8000 (Ctrl+C to stop)."
	$(SAFEHUB) runserver 127.0.0.1:8000

# The whole suite on SQLite, or on PostgreSQL when DATABASE_URL names one, spread over every core
# (pytest-xdist; each worker its own test database). --dist loadscope keeps a module's tests on one
# worker, so a module-scoped fixture (the demo city) is built once; --no-loadscope-reorder keeps
# the order conftest.py sets, slowest modules first. PYTEST_ARGS adds to it.
TEST_WORKERS ?= auto
test: setup browser scanner validators
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy
	DJANGO_SETTINGS_MODULE=config.settings.test $(SAFEHUB) makemigrations --check --dry-run
	$(BIN)/bandit -q -c pyproject.toml -r src config

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin dependencies with hashes after editing pyproject.toml.
lock:
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra dev -o requirements/dev.txt pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links -o requirements/prod.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules var $(ASSETS)
