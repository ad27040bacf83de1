# Two commands for a new user: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DATABASE_URL_TEST ?= postgres://postgres@127.0.0.1:5432/subsidy
export REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test lint install worker beat migrate demo format clean client

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Serves on 127.0.0.1:8000. Without DATABASE_URL it uses db.sqlite3; without
# CELERY_BROKER_URL, tasks run eagerly in the web process.
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py bootstrap_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite against PostgreSQL and Redis (DATABASE_URL, REDIS_URL; localhost by default).
test: install
	@DATABASE_URL="$${DATABASE_URL:-$(DATABASE_URL_TEST)}" $(BIN)/python scripts/check_services.py
	DATABASE_URL="$${DATABASE_URL:-$(DATABASE_URL_TEST)}" CELERY_BROKER_URL="$(REDIS_URL)" \
		$(BIN)/pytest --create-db -p no:randomly

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the typed Python client in clients/python/ from the OpenAPI schema.
client: install
	$(BIN)/python scripts/generate_client.py

worker: install
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install
	$(BIN)/celery -A config beat --loglevel=INFO

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: install
	$(BIN)/python manage.py demo

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
