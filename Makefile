# Entry points for learners, instructors and maintainers. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PORT ?= 8000
# Extra arguments for pytest, e.g. make test PYTEST_ARGS="-k array -x"
PYTEST_ARGS ?=
# `make test` and `make test-code` run the suites side by side on this many pytest-xdist workers
# (each suite, a folder of tests/, stays on one worker); WORKERS=0 runs everything in one process.
WORKERS ?= auto
PARALLEL := $(if $(filter 0,$(WORKERS)),,--numprocesses $(WORKERS) --dist loadscope --no-loadscope-reorder)

.PHONY: help venv html serve test test-code test-slurm test-browser cluster-up cluster-down \
        bench bench-overhead bench-build clean

help:
	@echo "make html          build the site into _build/html (creates $(VENV) first if needed)"
	@echo "make test          build the site strictly, then run every test suite"
	@echo "make serve         preview the built site on http://localhost:$(PORT)"
	@echo "make cluster-up    start a throwaway single-node Slurm cluster on this machine (root)"
	@echo "make cluster-down  stop that cluster and remove its state"
	@echo "make test-slurm    run only the tests that need the cluster"
	@echo "make test-browser  run only the browser and accessibility tests"
	@echo "make bench         measure the lesson's speedups on the local cluster"
	@echo "make bench-overhead  record what one extra Snakemake job costs locally (planning page)"
	@echo "make bench-build   measure clean and no-change builds of the site"
	@echo "make clean         remove build outputs (keeps $(VENV))"

# The virtual environment is (re)made whenever the pins change.
$(VENV)/.installed: requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

html: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) tools/generate.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

serve:
	@test -f _build/html/index.html || { echo "No site yet: run 'make html' first." >&2; exit 1; }
	$(PYTHON) -m http.server --directory _build/html --bind 127.0.0.1 $(PORT)

test: html
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) -m pytest $(PARALLEL) $(PYTEST_ARGS)

test-code: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) -m pytest $(PARALLEL) -m "not slurm and not browser" $(PYTEST_ARGS)

test-slurm: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) -m pytest -m slurm $(PYTEST_ARGS)

test-browser: html
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) -m pytest -m browser $(PYTEST_ARGS)

cluster-up:
	bash cluster/up.sh

cluster-down:
	bash cluster/down.sh

bench: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) bench/run_bench.py

bench-overhead: $(VENV)/.installed
	cd code && PATH="$(CURDIR)/$(BIN):$$PATH" $(CURDIR)/$(PY) snakemake/many_small_tasks/measure_overhead.py \
		--output $(CURDIR)/bench/results/overhead_local.json

bench-build: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) bench/build_speed.py

clean:
	rm -rf _build _generated
