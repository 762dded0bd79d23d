"""Helpers shared by every test suite of the lesson, each kept once (pytest.ini puts tests/ on
sys.path, so suites `import lessontest` or `from lessontest import ...`).

- `lessontest.paths`: where the repository, its pages and the built site are.
- `lessontest.shell`: a learner's environment, running commands, the one-line error contract.
- `lessontest.tree`: a learner's copy of the lesson's files, and a folder as {path: bytes}.
- `lessontest.snakemake`: what Snakemake printed, read back (its job table).
- `lessontest.pages`: the pages parsed with markdown-it, and their named command blocks.
- `lessontest.plugin`: ties each named command block to the test module that runs it
  (tests/page_commands.yml) and checks, while the tests run, that it really does.
"""
