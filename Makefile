# Everyday commands: `make run`, `make test`, and what CI checks: `make lint check deploy-check`.

PY := .venv/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
# check --deploy wants 50+ characters; this key is for the check only, never for a server.
DUMMY_SECRET_KEY := ci-only-dummy-key-not-secret-0123456789abcdefghijk

.PHONY: venv install run test lint check deploy-check bench

venv install: .venv/.installed

# The stamp makes pip run again only when a requirements file changes.
.venv/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# compilemessages needs gettext's msgfmt; without it the committed .mo files serve.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_facts
	@$(if $(PO_FILES),if command -v msgfmt >/dev/null; \
		then $(PY) manage.py compilemessages --ignore=.venv; \
		else echo "msgfmt not found (apt-get install gettext): using the committed .mo files"; fi)
	@echo "First Secretariat account: .venv/bin/python manage.py createsuperuser"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy accsm workplans

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

deploy-check: install
	DEBUG=0 SECRET_KEY=$(DUMMY_SECRET_KEY) ALLOWED_HOSTS=example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

# Speed and memory figures live here, never in timed unit tests: issue 8's goals, each beside
# its floor (bench/run.py). On PostgreSQL when DATABASE_URL is set (scratch databases named
# after it), else SQLite. `make bench BENCH_ARGS=--quick` leaves out the 1,000,000-row exports.
bench: install
	$(PY) -m bench.run $(BENCH_ARGS)
