# Two entry points, both self-contained on a machine with only Python >= 3.11:
#   make run    create .venv, install rmsim, run the main job: every pairing policy against the control
#   make test   create .venv, install rmsim with its test tools, run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint clean

run: $(STAMP)
	$(BIN)/rmsim experiment run

test: $(STAMP)
	@# best effort: Debian's Chromium for the dashboard's browser test (skipped, with the reason, without it)
	-@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1; } || \
		echo "chromium not installed: the dashboard's browser test will be skipped"
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check rmsim tests benchmarks notebooks
	$(BIN)/ruff format --check rmsim tests benchmarks

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,notebooks]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
