# The learners' entry points. The download (parallel-workflows-code.zip, made by
# lessontest/generators/code_archive.py) holds this file as the Makefile of its top folder, next to
# cluster/ and bench/; the repository's Makefile includes it, so each target works the same in
# both. `make help` lists them, from the `## ` comment on each target's line.
SHELL := /bin/bash

.PHONY: help cluster-up cluster-down bench

help: ## list these entry points
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / { printf "make %-16s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# STRICT=1: set up like many real sites (no default partition, a project account, a QOS with a
# submit limit, a reservation); sites/practice-strict.yaml is its site file.
cluster-up: ## start a throwaway two-node practice Slurm cluster on this machine (root; STRICT=1: like a strict site)
	bash cluster/up.sh$(if $(STRICT), --strict)

cluster-down: ## stop that cluster and remove its state
	bash cluster/down.sh

# python3 is the lesson's Python when its environment is active (content/setup.md); in the
# repository, the Makefile puts .venv first on PATH.
bench: ## measure the lesson's speedups on the local cluster (about 30 minutes)
	python3 bench/run_bench.py
