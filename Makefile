# The two commands of the README: `make run` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench accuracy clean

# the program alone (what `make run` needs) …
$(BIN)/rolegraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# … and the test tools on top, for `make test`
$(BIN)/pytest: $(BIN)/rolegraph
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/rolegraph
	$(BIN)/python build.py

test: $(BIN)/pytest
	$(BIN)/ruff check graph tests build.py bench
	$(BIN)/ruff format --check graph tests build.py bench
	$(BIN)/mypy graph bench
	$(BIN)/python -m pytest

bench: $(BIN)/rolegraph
	$(BIN)/python bench/run.py --repeat 2
	$(BIN)/python bench/shapes.py --damaged 100 --copies 24 240 --tiny 10000 --line-mb 1 5
	$(BIN)/python bench/rebuild.py bench/results/corpus-1000-s7
	$(BIN)/python bench/rebuild.py bench/results/corpus-1000-s7 --change post

accuracy: $(BIN)/rolegraph
	$(BIN)/python bench/accuracy.py ../shared/corpus/real
	$(BIN)/python bench/agreement.py 1000

clean:
	rm -rf out $(VENV) .pytest_cache .ruff_cache
