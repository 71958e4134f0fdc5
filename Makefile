# parindex — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := parindex/web/static/vendor/.built
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test bench lint format install assets migrate demo clean typecheck

$(STAMP): pyproject.toml requirements/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=25"
	$(BIN)/python -m pip install -q -c requirements/constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Front-end libraries come from the npm registry (package.json + lock); Node from PyPI when the
# machine has none. The built copies are git-ignored.
$(ASSETS): package.json package-lock.json $(STAMP)
	@bash scripts/build-assets.sh
	@touch $(ASSETS)

assets: $(ASSETS)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate assets
	$(BIN)/python manage.py demo_load

run: demo
	@$(BIN)/python manage.py demo_accounts
	@echo "Mở http://127.0.0.1:$(PORT)/ (dừng bằng Ctrl+C)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy parindex/scoring parindex/exchange

test: install assets lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -q -p no:cacheprovider

bench: install
	$(BIN)/python bench/run_all.py

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules parindex/web/static/vendor .pytest_cache .ruff_cache .mypy_cache
