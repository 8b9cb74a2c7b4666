# Öppna data Kalmar län — the two entry points are `make publish` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
VENV := .venv
PY := $(VENV)/bin/python
STATE := .state

.PHONY: env publish test test-reliability portal-up portal-down portal-status portal-reset serve clean

## env: create .venv from uv.lock (installs uv itself from PyPI when missing)
env: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || test -x "$(UV)" || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	@$$(command -v uv || echo "$(UV)") sync --frozen --quiet
	@touch $@

## portal-up: start the local CKAN 2.12 portal (PostgreSQL, Redis, CKAN); idempotent
portal-up:
	@portal/stack up

portal-down:
	@portal/stack down

portal-status:
	@portal/stack status

portal-reset:
	@portal/stack reset

## publish: the main job — start the portal and run the nightly publication once
publish: env portal-up
	@set -a; eval "$$(portal/stack env)"; set +a; $(VENV)/bin/oppnadata run

## serve: the nightly schedule (02:00 Europe/Stockholm) against a local Prefect server
serve: env portal-up
	@set -a; eval "$$(portal/stack env)"; set +a; $(VENV)/bin/oppnadata serve

## test: start the portal and run the whole test suite
test: env portal-up
	@$(VENV)/bin/pytest

## test-reliability: fault-injection and security scenarios only
test-reliability: env portal-up
	@$(VENV)/bin/pytest tests/reliability -m reliability

clean:
	rm -rf $(STATE)
