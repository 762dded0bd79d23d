# Entry points for learners, instructors and maintainers. `make help` lists them, from the `## `
# comment on each target's line. The learners' own (help, cluster-up, cluster-down, bench) are in
# learners.mk, which the learners' download holds as its Makefile.
include learners.mk
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PORT ?= 8000
# The cluster the lesson is made for: its site file, sites/$(SITE).yaml (content/instructor-guide.md)
SITE ?= practice
# Extra arguments for pytest, e.g. make test PYTEST_ARGS="-k array -x"
PYTEST_ARGS ?=
# `make test` and `make test-code` run the suites side by side on this many pytest-xdist workers
# (each suite stays on one worker: tests/conftest.py); WORKERS=0 runs everything in one process.
WORKERS ?= auto
# Every rule runs with the lesson's environment first on PATH, so that the tools, the build's
# subprocesses and the jobs they submit find the pinned versions.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: venv system-packages html serve test test-code test-slurm test-strict-site test-browser lint \
        bench-overhead bench-array-jobs bench-groups bench-build record clean

# What the build needs from the system (Graphviz, Python's venv module) comes first: as root on
# Debian or Ubuntu it is installed with apt-get, otherwise make stops here, before .venv, with
# the command that installs it. It is checked on every run, and takes milliseconds.
system-packages:
	@bash tools/system_packages.sh "$(PYTHON)" "$(VENV)"

# The virtual environment is (re)made whenever the pins change (tools/venv.sh says how).
$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml | system-packages
	bash tools/venv.sh "$(PYTHON)" "$(VENV)"

venv: $(VENV)/.installed ## create or update .venv from the pinned requirements.txt

html: $(VENV)/.installed ## build the site into _build/html (for another cluster: SITE=<name>, from sites/<name>.yaml)
	LESSON_SITE=$(SITE) $(PY) -m lessontest.generate
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

serve: ## preview the built site on http://localhost:8000 (another port: PORT=8080)
	@test -f _build/html/index.html || { echo "No site yet: run 'make html' first." >&2; exit 1; }
	$(PYTHON) -m http.server --directory _build/html --bind 127.0.0.1 $(PORT)

# The test stages are in tools/test.sh, which says what each runs.
TEST = PY=$(PY) WORKERS=$(WORKERS) bash tools/test.sh

test: html ## build the site strictly, then run every test suite
	$(TEST) all $(PYTEST_ARGS)

test-memory-sampling: $(VENV)/.installed ## run the cluster's limit tests with memory enforced by Slurm's sampling (restarts the cluster)
	$(TEST) sampling $(PYTEST_ARGS)

test-strict-site: $(VENV)/.installed ## run the lesson's cluster examples on the strict practice cluster (restarts the cluster)
	$(TEST) strict $(PYTEST_ARGS)

test-code: $(VENV)/.installed ## run the tests that need neither the cluster nor the browser (quick)
	$(TEST) code $(PYTEST_ARGS)

test-slurm: $(VENV)/.installed ## run only the tests that need the cluster
	$(TEST) slurm $(PYTEST_ARGS)

test-browser: html ## run only the browser and accessibility tests
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

# Each line is one check; CONTRIBUTING.md says what each one holds the files to.
lint: $(VENV)/.installed ## check code style: ruff, shellcheck, snakefmt, line lengths
	ruff check .
	ruff format --check .
	git ls-files -z '*.sh' .ci/run | xargs -0 --no-run-if-empty shellcheck --exclude=SC1091
	git ls-files -z -- '*Snakefile' '*.smk' | xargs -0 --no-run-if-empty snakefmt --check
	$(PY) tools/check_line_length.py

# learners.mk runs the bench with the python3 on PATH, here the one in .venv.
bench: $(VENV)/.installed

bench-overhead: $(VENV)/.installed ## record what one extra local Snakemake job costs (many-small-tasks page)
	cd code && $(abspath $(PY)) snakemake/many_small_tasks/measure_overhead.py \
		--output $(CURDIR)/bench/results/overhead_local.json

# The two lighter workloads only: where the cost per job shows (the heaviest alone takes about
# 45 minutes here, and the main bench has it for the other methods).
bench-array-jobs: $(VENV)/.installed ## measure Snakemake's train jobs as one Slurm array job beside the plain array (about 10 minutes)
	$(PY) bench/run_bench.py --methods serial,array,snakemake_slurm_tuned,snakemake_slurm_array \
		--workloads 300,1 --output bench/results/slurm_array_jobs.json

bench-groups: $(VENV)/.installed ## record the many-small-tasks page's group jobs on the local cluster (about 1 minute; STRICT=1: the refused one, on the strict cluster)
	$(PY) -m lessontest.group_jobs$(if $(STRICT), --strict)

# Which pages to record: all that show recorded output, or e.g. PAGES=right-sizing.md
PAGES ?=
record: $(VENV)/.installed ## record what the local cluster answers to the pages' commands (make cluster-up first)
	$(PY) -m lessontest.record $(PAGES)

bench-build: $(VENV)/.installed ## measure clean and no-change builds of the site
	$(PY) -m lessontest.build_speed

clean: ## remove build outputs (keeps .venv)
	rm -rf _build _generated
