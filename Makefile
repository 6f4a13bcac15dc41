# Two entry points for a fresh clone with nothing but Python 3.11:
#   make run    runs scenarios/baseline.yaml and writes results/baseline/ with figures
#   make test   runs the whole test suite
# (make test-quick, for development, leaves out the tests marked slow: pytest -m "not slow".)
# Both build the local virtual environment .venv first, once. PyTorch goes in first, pinned to the CPU
# build (torch==2.13.0), so that sentence-transformers never pulls a GPU build.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := dev,dask,text,brief,dashboard,calibrate

.PHONY: run test test-quick bench system clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

# System programs the tests drive: Chromium (brief PDF, dashboard) and poppler-utils (PDF to PNG).
# Installed with apt-get when missing and when run as root (CI); otherwise those tests say what to install.
system:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else echo "note: install chromium and poppler-utils for the browser and PDF tests"; fi; \
	fi

run: $(STAMP)
	$(BIN)/ecosim run scenarios/baseline.yaml --out results/baseline

test: $(STAMP) system
	$(BIN)/python -m pytest

test-quick: $(STAMP) system
	$(BIN)/python -m pytest -m "not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_baseline.py

clean:
	rm -rf $(VENV) results .pytest_cache
