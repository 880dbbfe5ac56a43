# gridgov — make demo (serve the Wenling demo) and make test (the whole suite) do all set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export GRIDGOV_VAR_DIR ?= $(CURDIR)/var

.PHONY: install browser demo test lint lock messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "gridgov needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed
	@mkdir -p var/static var/media

# Debian's Chromium, CJK fonts and poppler (PDF to PNG), for the browser tests only (never a downloaded browser).
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/pdftoppm ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk poppler-utils; \
	fi

demo: install
	GRIDGOV_ENV=demo $(BIN)/gridgov migrate --noinput
	GRIDGOV_ENV=demo $(BIN)/gridgov demo
	GRIDGOV_ENV=demo $(BIN)/gridgov serve --port $(PORT) --with-worker

test: install browser
	GRIDGOV_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	GRIDGOV_ENV=test $(BIN)/mypy
	GRIDGOV_ENV=test $(BIN)/gridgov makemigrations --check --dry-run

# Re-resolve the newest versions the ranges in pyproject.toml allow and pin them.
lock:
	rm -rf /tmp/gridgov-lock && $(PYTHON) -m venv /tmp/gridgov-lock
	/tmp/gridgov-lock/bin/pip install --quiet '.[dev]'
	{ echo "# Exact versions for every install (pip install -c constraints.txt). Regenerate with: make lock"; \
	  /tmp/gridgov-lock/bin/pip freeze --exclude gridgov; } > constraints.txt

messages: install
	cd gridgov && ../$(BIN)/gridgov makemessages -l zh_Hans -l en --no-obsolete && ../$(BIN)/gridgov compilemessages

clean:
	rm -rf $(VENV) node_modules var
