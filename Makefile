# Everyday tasks. `make help` lists them; README.md explains the stack and the benchmark.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Newer than requirements.txt once `pip install` has succeeded for it.
INSTALLED_STAMP := $(VENV)/.requirements-installed
# pytest-xdist processes for `make test` (0 runs in one process); extra pytest options.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
# The local PostgreSQL + Redis stack (.ci/stack reads STACK_DIR too).
export STACK_DIR ?= /tmp/coach-lms-stack
STACK := .ci/stack
WITH_STACK_ENV := eval "$$($(STACK) env)"
SERVE_PROD_PORT ?= 8001
# Where `make demo` listens: this machine only, unless asked (DEMO_ADDR=0.0.0.0:8000 shares it).
DEMO_ADDR ?= 127.0.0.1:8000
BENCH_ARGS ?=

.PHONY: help install test demo lint stack stack-stop worker beat serve-prod bench
.PHONY: bench-credentials

help:
	@echo "make install     create .venv and install requirements.txt (skipped when up to date)"
	@echo "make test        run the whole test suite (PYTEST_WORKERS=$(PYTEST_WORKERS), PYTEST_ARGS=...)"
	@echo "make demo        migrate, seed demo data and serve on http://$(DEMO_ADDR)/"
	@echo "make lint        ruff check and ruff format --check"
	@echo "make stack       start local PostgreSQL + Redis and print the env to export"
	@echo "make stack-stop  stop them"
	@echo "make worker      Celery worker on the stack"
	@echo "make beat        Celery beat on the stack"
	@echo "make serve-prod  gunicorn with the production settings on the stack (port $(SERVE_PROD_PORT))"
	@echo "make bench       dashboard benchmark (bench/README.md)"

install: $(INSTALLED_STAMP)

$(INSTALLED_STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements.txt
	touch $@

# pytest exits 5 when it collected nothing: that is a failure, never a silent pass.
test: install
	@status=0; \
	$(BIN)/pytest $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS)) $(PYTEST_ARGS) \
		|| status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	exit $$status

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "Open http://$(DEMO_ADDR)/ (Ctrl-C stops the server)"
	@echo
	$(BIN)/python manage.py runserver $(DEMO_ADDR)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

stack:
	$(STACK) start
	@echo "# To use the stack from this shell:  eval \"\$$($(STACK) env)\""
	@$(STACK) env

stack-stop:
	$(STACK) stop

worker: install stack
	$(WITH_STACK_ENV); exec $(BIN)/celery -A lms worker -l info

beat: install stack
	$(WITH_STACK_ENV); exec $(BIN)/celery -A lms beat -l info \
		--schedule "$(STACK_DIR)/celerybeat-schedule"

# Production settings over plain HTTP on loopback: no HTTPS redirect or HSTS, no proxy in front
# (so no X-Forwarded-For is trusted). The secrets are generated once into the stack directory (so
# sessions survive a restart) and read by the production settings through ENV_FILE, which keeps
# each value whole; variables already in the environment win.
PROD_ENV_FILE := $(STACK_DIR)/production.env
serve-prod: install stack
	test -s "$(PROD_ENV_FILE)" || $(BIN)/python -c "import base64, secrets; \
		print('SECRET_KEY=' + secrets.token_urlsafe(50)); \
		print('FIELD_ENCRYPTION_KEYS=' + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())" \
		> "$(PROD_ENV_FILE)"
	$(WITH_STACK_ENV); \
	export DJANGO_SETTINGS_MODULE=lms.settings.production ENV_FILE="$(PROD_ENV_FILE)" \
		SITE_URL="$${SITE_URL:-http://localhost:$(SERVE_PROD_PORT)}" \
		TRUSTED_PROXY_COUNT="$${TRUSTED_PROXY_COUNT:-0}" \
		ALLOWED_HOSTS="$${ALLOWED_HOSTS:-localhost,127.0.0.1}" \
		CACHE_URL="$${CACHE_URL:-$${CELERY_BROKER_URL%/*}/2}" CONN_MAX_AGE="$${CONN_MAX_AGE:-60}" \
		SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0; \
	echo "Open http://localhost:$(SERVE_PROD_PORT)/ (Ctrl-C stops gunicorn)"; \
	exec $(BIN)/gunicorn lms.wsgi:application --bind 127.0.0.1:$(SERVE_PROD_PORT) \
		--workers 2 --worker-class gthread --threads 4 --access-logfile -

bench: install
	$(BIN)/python bench/dashboard.py $(BENCH_ARGS)

# Issue-3 benchmarks (bench/README.md): the progress page of a trainee with 5,000 log rows,
# then the nightly evaluation batch over 10,000 trainees.
bench-credentials: install
	$(BIN)/python bench/progress.py
	$(BIN)/python bench/nightly.py
