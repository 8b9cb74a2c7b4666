# Öppna data Kalmar län — the two entry points are `make publish` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
UV_VERSION := 0.13.9
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY := $(VENV)/bin/python
STATE := .state

.PHONY: env publish test test-reliability portal-up portal-down portal-status portal-reset serve clean

## env: create .venv from uv.lock; uv itself comes from PyPI into .tools/ (works where system pip is locked).
## The portal goes first in publish/test: portal/stack installs the apt packages (python3-venv among them).
env: $(VENV)/.synced

$(UV):
	@python3 -m venv $(TOOLS) || { echo "python3 -m venv failed: install python3-venv (apt-get install python3-venv)"; exit 1; }
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock $(UV)
	@$(UV) sync --frozen --quiet
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
publish: portal-up env
	@set -a; eval "$$(portal/stack env)"; set +a; $(VENV)/bin/oppnadata run

## serve: the nightly schedule (02:00 Europe/Stockholm) against a local Prefect server
serve: portal-up env
	@set -a; eval "$$(portal/stack env)"; set +a; $(VENV)/bin/oppnadata serve

## test: start the portal and run the whole test suite (PORTAL_TEST_TOOLS: the stack also installs
## Debian's chromium and chromium-driver for the browser tests in tests/ui)
test: export PORTAL_TEST_TOOLS := 1
test: portal-up env
	@$(VENV)/bin/pytest

## test-reliability: fault-injection and security scenarios only
test-reliability: portal-up env
	@$(VENV)/bin/pytest tests/reliability -m reliability

clean:
	rm -rf $(STATE)
