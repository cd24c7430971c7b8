# The two commands of the README: `make demo` and `make test`. Nothing else is needed
# on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test lint format serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/joinedup migrate --noinput
	$(BIN)/joinedup demo --if-empty
	$(BIN)/joinedup serve

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every test on SQLite, then (when JOINEDUP_TEST_POSTGRES_URL is set) every test again
# on PostgreSQL.
test: lint
	$(BIN)/pytest -n auto $(PYTEST_ARGS)
	@if [ -n "$$JOINEDUP_TEST_POSTGRES_URL" ]; then \
		echo "--- the same suite on PostgreSQL"; \
		DATABASE_URL="$$JOINEDUP_TEST_POSTGRES_URL" $(BIN)/pytest -n auto $(PYTEST_ARGS); \
	fi

clean:
	rm -rf $(VENV) var/joinedup.sqlite3* var/static
