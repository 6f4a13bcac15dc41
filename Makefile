# Two entry points for a fresh clone with nothing but Python 3.11:
#   make run    runs scenarios/baseline.yaml and writes results/baseline/ with figures
#   make test   runs the whole test suite
# Both build the local virtual environment .venv first, once.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,dask]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ecosim run scenarios/baseline.yaml --out results/baseline

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_baseline.py

clean:
	rm -rf $(VENV) results .pytest_cache
