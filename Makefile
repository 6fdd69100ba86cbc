# surveykit: the two quick-start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.surveykit-installed

.PHONY: demo demo-hr test bench venv clean

venv: $(STAMP)

# Re-install when the project's dependency list changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing surveykit and its dependencies into $(VENV) (log: $(VENV)/install.log)"
	@( $(BIN)/python -m pip install --upgrade pip && $(BIN)/python -m pip install -e '.[test]' ) \
		> $(VENV)/install.log 2>&1 || { tail -40 $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/surveykit run questionnaires/schick2012.yaml

# The second bundled survey: units, three waves, key drivers, engagement and eNPS (issue 16).
demo-hr: $(STAMP)
	$(BIN)/surveykit run questionnaires/examples/mrs-participation.yaml --per-unit 2

test: $(STAMP)
	$(BIN)/python -m pytest -q

# BENCH_HR=0 skips the survey-cycle benchmark (1,000,000 respondents x 2 waves, 1,000 units; issue 16).
BENCH_HR ?= 1
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	@if [ "$(BENCH_HR)" != "0" ]; then $(BIN)/python benchmarks/hr_cycle.py; fi

clean:
	rm -rf reports/*/ .pytest_cache
