# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-integration lint security fmt setup migrate demo bench screenshots lock clean \
	keys demo-reset restore-drill
.PHONY: run test test-integration lint security fmt setup migrate demo bench screenshots lock clean vendor-livekit

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $(STAMP)

setup: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

## A fresh demo: the embedded SQLite database thrown away and seeded again (a session open now, no old alerts).
## Never touches a DATABASE_URL database.
demo-reset: $(STAMP)
	@if [ -n "$${DATABASE_URL:-}" ]; then echo "demo-reset only resets the embedded SQLite demo; unset DATABASE_URL" >&2; exit 1; fi
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	$(MAKE) demo

## Fresh secrets for .env (production refuses the change-me placeholders). Needs only python3.
keys:
	@$(PYTHON) scripts/keys.py

## The restore drill (docs/operations.md) on this machine: the newest dump in BACKUP_DIR (default ./backups)
## into a fresh database on DRILL_ADMIN_URL's server; migrations, audit chain and decryption checked.
restore-drill: $(STAMP)
	PYTHON=$(BIN)/python DRILL_ADMIN_URL=$${DRILL_ADMIN_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres} \
	scripts/restore_drill.sh

## Set up (venv, install, migrate, demo data) and serve on http://127.0.0.1:8000 (websockets included).
run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## The whole suite. Integration tests run when REDIS_URL and DATABASE_URL are set (see README).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The same suite against the local PostgreSQL and Redis, as CI's second run does.
test-integration: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/peersupport} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1} \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The benchmark (docs/performance.md): real servers on loopback, the local PostgreSQL and Redis
## (BENCH_DATABASE_URL, BENCH_REDIS_URL). About 10 minutes; BENCH_QUICK=1 for about one.
bench: $(STAMP)
	$(BIN)/python -m bench $(if $(BENCH_QUICK),--quick) $(BENCH_ARGS)

## PNGs of the main pages for each role, on a throwaway database with the demo data, into docs/screenshots/
## (needs Chromium at /usr/bin/chromium or CHROMIUM_PATH). SCREENSHOTS_ONLY="leader-dashboard" for some of them.
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py $(if $(SCREENSHOTS_ONLY),--only $(SCREENSHOTS_ONLY))

## ruff, and the layers between the apps (import-linter's contracts in pyproject.toml; docs/architecture.md).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

## Static security analysis of the apps (also run by .ci/run and tests/security/test_static_analysis.py).
security: $(STAMP)
	$(BIN)/bandit -q -r -x '*/migrations/*' core members groups sessions safeguarding care wellbeing charity peersupport

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Regenerate the pinned versions after changing pyproject.toml.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet ".[dev]"
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^peersupport' > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-*

## Update the vendored LiveKit browser client (the UMD build from npm; no build step). Needs npm.
LIVEKIT_CLIENT_VERSION ?= 2.23.0
vendor-livekit:
	rm -rf .vendor-livekit && mkdir .vendor-livekit
	cd .vendor-livekit && npm pack --silent livekit-client@$(LIVEKIT_CLIENT_VERSION) >/dev/null
	tar -xzf .vendor-livekit/livekit-client-$(LIVEKIT_CLIENT_VERSION).tgz -C .vendor-livekit
	mkdir -p static/vendor/livekit-client
	# The source map is not shipped: drop its reference so collectstatic's manifest does not look for it.
	sed '/^\/\/# sourceMappingURL=/d' .vendor-livekit/package/dist/livekit-client.umd.js > static/vendor/livekit-client/livekit-client.umd.js
	cp .vendor-livekit/package/LICENSE static/vendor/livekit-client/LICENSE
	printf 'livekit-client %s (npm), dist/livekit-client.umd.js, Apache-2.0: see LICENSE. Updated by make vendor-livekit.\n' $(LIVEKIT_CLIENT_VERSION) > static/vendor/livekit-client/VERSION
	rm -rf .vendor-livekit
