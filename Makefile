# Two commands for a new user: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# PostgreSQL and Redis: DATABASE_URL, CELERY_BROKER_URL and REDIS_URL when set; else embedded
# servers (data under .services/), which `make test` uses only when nothing answers on
# localhost's usual ports. See scripts/services.py.
SERVICES := $(BIN)/python scripts/services.py exec

.PHONY: run test lint install worker beat migrate demo format clean services-stop client messages

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The demo on 127.0.0.1:8000: web, a Celery worker and beat (Procfile.dev), stopped together
# by Ctrl-C, with the embedded servers when none is configured.
run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} PATH="$(CURDIR)/$(BIN):$$PATH" $(SERVICES) -- \
		bash -c 'set -e; python manage.py migrate --no-input; \
		python manage.py collectstatic --no-input --verbosity 0; \
		python manage.py bootstrap --demo; exec honcho --no-prefix -f Procfile.dev start'

# The whole suite, against the configured servers, localhost's, or embedded ones.
test: install
	$(SERVICES) --prefer-local -- $(BIN)/pytest --create-db -p no:randomly

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=true $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The portal's translations: collect every marked string into locale/zh_Hans/.../django.po,
# then compile the .mo (both committed: `make run` needs no gettext). Needs GNU gettext.
MESSAGES_IGNORE := --ignore '.venv/*' --ignore 'clients/*' --ignore 'tests/*' \
	--ignore 'staticfiles/*' --ignore 'benchmarks/*' --ignore 'scripts/*' --ignore '.services/*'
messages: install
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages -l zh_Hans --add-location file \
		$(MESSAGES_IGNORE)
	DJANGO_DEBUG=true $(BIN)/python manage.py compilemessages -l zh_Hans --ignore '.venv'

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
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py demo

# Stop embedded servers left running (e.g. after a crash).
services-stop: install
	$(BIN)/python scripts/services.py stop

clean: services-stop
	rm -rf $(VENV) staticfiles .services
