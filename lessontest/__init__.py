"""The lesson's helper package, for maintainers: installed editable into .venv by `make venv`
(pyproject.toml), so tests, the build's generators and the tools import it by name. The learners'
code never imports it.

Helpers of the tests:
- `paths`: where the repository, its pages and the built site are.
- `shell`: a learner's environment, running commands, the one-line error contract.
- `tree`: a learner's copy of the lesson's files, a folder as {path: bytes}, the example's grid.
- `pages`: the pages parsed with markdown-it, and their named command blocks.
- `slurm`, `learner`, `cluster_fixtures`: a learner's shell on the practice cluster, the
  ordinary user page sessions run as, and the cluster suites' shared fixtures.
- `shared`: runs made once per test run and shared by the suites that need them.
- `recording`: page sessions, and their recorded outputs compared with a new run.
- `snakemake`, `yadage`, `figures`, `browser`: what those tools printed or drew, read back;
  the site in a real browser.
- `assignment`, `study`, `podman`: what one suite's modules share (the assignment, the
  template's studies, the container cluster).

Tools (`python -m lessontest.<name>`; the Makefile's targets run them):
- `generate`: the build's products (figures, tables, the download), from `generators/`.
- `record`: `make record`, the pages' outputs recorded on the local cluster.
- `group_jobs`, `build_speed`: `make bench-groups`, `make bench-build`.
"""
