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
# (each suite, a folder of tests/, stays on one worker); WORKERS=0 runs everything in one process.
WORKERS ?= auto
PARALLEL := $(if $(filter 0,$(WORKERS)),,--numprocesses $(WORKERS) --dist loadscope --no-loadscope-reorder)
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

# The virtual environment is (re)made whenever the pins change. uv (pinned in requirements.txt)
# installs the same pinned packages as pip would, about twice as fast (it downloads and unpacks
# in parallel); --compile-bytecode writes the .pyc files pip would, so that no test process
# compiles scikit-learn again. Learners use plain pip (content/setup.md); the result is the same.
$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml | system-packages
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "$$(grep '^uv==' requirements.txt)"
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(PY) --no-deps --no-build-isolation --editable .
	touch $@

venv: $(VENV)/.installed ## create or update .venv from the pinned requirements.txt

html: $(VENV)/.installed ## build the site into _build/html (for another cluster: SITE=<name>, from sites/<name>.yaml)
	LESSON_SITE=$(SITE) $(PY) -m lessontest.generate
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

serve: ## preview the built site on http://localhost:8000 (another port: PORT=8080)
	@test -f _build/html/index.html || { echo "No site yet: run 'make html' first." >&2; exit 1; }
	$(PYTHON) -m http.server --directory _build/html --bind 127.0.0.1 $(PORT)

# The lifecycle test stops and restarts the local cluster, so it runs alone, after the rest
# (pytest's exit status 5, "no test selected", is no failure when PYTEST_ARGS selects others).
AFTER_THE_REST = $(PY) -m pytest -m lifecycle $(PYTEST_ARGS) || [ $$? -eq 5 ]

test: html ## build the site strictly, then run every test suite
	$(PY) -m pytest $(PARALLEL) -m "not lifecycle and not strict" $(PYTEST_ARGS)
	$(AFTER_THE_REST)
	$(MAKE) --no-print-directory test-memory-sampling
	$(MAKE) --no-print-directory test-strict-site

# The tests of the cluster's limits and of its start and stop again, on the practice cluster
# started as on a host without cgroup v1 (Slurm samples memory and kills a job over its --mem);
# the cluster is restarted for them, and in its default mode afterwards.
SAMPLED = tests/cluster_limits tests/cluster/test_local_cluster.py
test-memory-sampling: $(VENV)/.installed ## run the cluster's limit tests with memory enforced by Slurm's sampling (restarts the cluster)
	bash cluster/down.sh
	LESSON_MEMORY_LIMITS=sampling bash cluster/up.sh
	status=0; \
	$(PY) -m pytest -m "not lifecycle" $(SAMPLED) $(PYTEST_ARGS) \
		&& { $(PY) -m pytest -m lifecycle $(SAMPLED) $(PYTEST_ARGS) || [ $$? -eq 5 ]; } \
		|| status=$$?; \
	bash cluster/down.sh >/dev/null && bash cluster/up.sh >/dev/null; \
	[ $$status -eq 0 ] || [ $$status -eq 5 ]

# The cluster examples again, on the practice cluster started strict, with the lesson made for its
# site file. The cluster is restarted strict for them, and in its default mode afterwards.
STRICT_SITE = practice-strict
test-strict-site: $(VENV)/.installed ## run the lesson's cluster examples on the strict practice cluster (restarts the cluster)
	bash cluster/down.sh
	bash cluster/up.sh --strict
	status=0; \
	LESSON_SITE=$(STRICT_SITE) $(PY) -m pytest -m "(site or strict) and not lifecycle" $(PYTEST_ARGS) \
		|| status=$$?; \
	bash cluster/down.sh >/dev/null && bash cluster/up.sh >/dev/null; \
	[ $$status -eq 0 ] || [ $$status -eq 5 ]

test-code: $(VENV)/.installed ## run the tests that need neither the cluster nor the browser (quick)
	$(PY) -m pytest $(PARALLEL) -m "not slurm and not browser" $(PYTEST_ARGS)

test-slurm: $(VENV)/.installed ## run only the tests that need the cluster
	$(PY) -m pytest -m "slurm and not lifecycle and not strict" $(PYTEST_ARGS)
	$(AFTER_THE_REST)

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
