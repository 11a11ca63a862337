# DanhGia — every developer and CI command. `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# Debian packages the tests need (see docs/operations.md): fonts with every Vietnamese glyph, PDF tools,
# LibreOffice for Word → PDF, and chromium for the browser tests.
DEBIAN_PACKAGES := fonts-liberation2 fonts-dejavu-core poppler-utils libreoffice-writer-nogui chromium libatomic1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help demo test lint format bench venv system-packages migrations serve

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"

venv: $(BIN)/uv ## Create .venv and install the locked dependencies
	$(BIN)/uv sync --frozen --quiet --python $(BIN)/python

demo: venv ## Start the demo: SQLite database, demo province (seeded once), server on 127.0.0.1:8000
	DANHGIA_DEMO=1 $(BIN)/danhgia migrate --no-input -v 0
	DANHGIA_DEMO=1 $(BIN)/danhgia demo --if-empty
	DANHGIA_DEMO=1 $(BIN)/danhgia runserver $(HOST):$(PORT)

system-packages: ## Install the Debian packages the tests need, when missing
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null; then echo "Thiếu gói hệ thống: $$missing (cài bằng trình quản lý gói của máy)"; \
	  else sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    echo "Cài gói hệ thống: $$missing"; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi; \
	fi

# The suite runs in parallel, one worker per core (PYTEST_WORKERS=0: in this process, e.g. to debug); a test
# module runs whole on one worker, so that the tests of a shared world (tests/shared.py) share its build.
PYTEST_WORKERS ?= auto

test: system-packages venv ## Run the tests (SQLite; DANHGIA_DB=postgres for PostgreSQL). T=path selects tests
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(if $(T),$(T),) $(PYTEST_ARGS)

lint: venv ## ruff (lint, format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy danhgia config bench tests tools
	DANHGIA_DB=sqlite DANHGIA_DEBUG=1 $(BIN)/danhgia makemigrations --check --dry-run -v 0

format: venv ## Reformat the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv ## Run the benchmarks at full scale on PostgreSQL (prints figures; see docs/benchmarks.md)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
