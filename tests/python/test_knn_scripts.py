"""The k-nearest-neighbour example's scripts: outputs, determinism, and errors for bad input."""

from __future__ import annotations

import csv
import json
import os
import shutil

import matplotlib.image
import pytest

from lessontest.shell import (
    assert_one_error_line,
    learner_env,
    python,
    python_in_process,
    run,
)
from lessontest.tree import tree_bytes

EXAMPLE = "python/scikit_example"  # the scripts, as learners name them from code/
NEIGHBOURS = [1, 2, 4, 8, 16, 32, 64]
METRICS = ["euclidean", "manhattan", "chebyshev", "canberra", "cosine"]
GRID = [(k, m) for k in NEIGHBOURS for m in METRICS]
RESULT_KEYS = [
    "cv_accuracy_mean",
    "cv_accuracy_std",
    "cv_folds",
    "cv_repeats",
    "metric",
    "n_neighbors",
    "test_accuracy",
]
SCRIPTS = [
    "knn_iris.py",
    "grid.py",
    "preprocess.py",
    "train_and_plot.py",
    "train_one.py",
    "train_task.py",
    "train_resumable.py",
    "create_parameter_file.py",
    "collect_results.py",
    "cores.py",
    "shared_table.py",
]


def png_shape(path):
    """Decode a PNG fully (so a truncated file fails) and return its (height, width)."""
    return matplotlib.image.imread(path).shape[:2]


# ---------------------------------------------------------------------------- normal runs


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_script_has_help(code, page_output, name):
    if name == "train_one.py":  # the parameters page runs this one
        stdout = page_output("parameters-help")[0]
        assert "--n-neighbors K" in stdout and "--index I" in stdout
    else:
        proc = python_in_process(f"{EXAMPLE}/{name}", "--help", cwd=code)
        assert proc.returncode == 0, proc.stderr
        stdout = proc.stdout
    assert stdout.startswith(f"usage: {name} [-h]")


def test_preprocess_saves_a_stratified_split(full_run, code, page_output):
    assert "105 training and 45 test samples" in page_output("train-preprocess-and-run", 0)[0]
    split = json.loads((full_run / "data/iris_split.json").read_text())
    assert split["feature_names"] == ["sepal length (cm)", "sepal width (cm)"]
    assert split["target_names"] == ["setosa", "versicolor", "virginica"]
    assert len(split["X_train"]) == len(split["y_train"]) == 105
    assert len(split["X_test"]) == len(split["y_test"]) == 45
    # Stratified: each species keeps its third of the flowers in both parts.
    assert [split["y_train"].count(c) for c in range(3)] == [35, 35, 35]
    assert [split["y_test"].count(c) for c in range(3)] == [15, 15, 15]
    # Together the two parts are exactly the 150 flowers (iris has duplicate rows: compare lists).
    assert sorted(map(tuple, split["X_train"] + split["X_test"])) == sorted(
        map(tuple, _iris_sepals())
    )
    # Another run, in another folder, gives the same bytes, and only that one file.
    python(f"{EXAMPLE}/preprocess.py", "--output", "elsewhere/split.json", cwd=code)
    assert (code / "elsewhere/split.json").read_bytes() == (
        full_run / "data/iris_split.json"
    ).read_bytes()
    assert [name for name in tree_bytes(code) if name.startswith("elsewhere/")] == [
        "elsewhere/split.json"
    ]


def _iris_sepals():
    from sklearn.datasets import load_iris

    return load_iris().data[:, :2].tolist()


def test_serial_run_writes_every_combination(full_run):
    results = full_run / "results"
    for k, metric in GRID:
        stem = results / f"knn_k{k:02d}_{metric}"
        result = json.loads(stem.with_suffix(".json").read_text())
        assert list(result) == RESULT_KEYS  # written with sorted keys
        assert (result["n_neighbors"], result["metric"]) == (k, metric)
        assert (result["cv_folds"], result["cv_repeats"]) == (5, 1)
        for key in ("test_accuracy", "cv_accuracy_mean", "cv_accuracy_std"):
            value = result[key]
            assert 0 <= value <= 1 and round(value, 6) == value, (stem, key, value)
        # 45 test flowers: the test accuracy is a whole number of them.
        assert abs(result["test_accuracy"] * 45 - round(result["test_accuracy"] * 45)) < 1e-4
        assert png_shape(stem.with_suffix(".png")) == (400, 500)
    umask = os.umask(0)
    os.umask(umask)
    modes = {oct(p.stat().st_mode & 0o777) for p in results.iterdir()}
    assert modes == {oct(0o666 & ~umask)}, "result files should get the usual permissions"
    produced = sorted(p.name for p in results.iterdir())
    expected = sorted(
        [f"knn_k{k:02d}_{m}.{ext}" for k, m in GRID for ext in ("json", "png")]
        + ["summary.csv", "summary.png"]
    )
    assert produced == expected  # and no temporary files are left behind


def test_accuracies_are_plausible(full_run):
    """Sepal measurements separate setosa well but mix the other two: roughly 60-85 % accuracy."""
    results = [json.loads(p.read_text()) for p in (full_run / "results").glob("knn_*.json")]
    assert len(results) == 35
    assert all(0.55 <= r["test_accuracy"] <= 0.9 for r in results)
    assert max(r["cv_accuracy_mean"] for r in results) > 0.8
    # Different settings give different models: the table is not one repeated number.
    assert len({r["cv_accuracy_mean"] for r in results}) > 10


def test_parameter_file_lists_the_grid(full_run, page_output):
    text = (full_run / "params.txt").read_text()
    assert text.splitlines() == [f"{k} {m}" for k, m in GRID]
    assert text.endswith("\n")
    assert page_output("parameters-by-index", 0)[0] == "Wrote 35 lines to params.txt\n"


def test_grid_module_holds_the_grid_and_loads_no_library(code, page_output):
    assert page_output("train-grid-size")[0] == (
        f"7 neighbour counts x 5 metrics = {len(GRID)} combinations, "
        "from knn_k01_euclidean to knn_k64_cosine\n"
    )
    # The reason it is a file of its own: reading the grid must not import the heavy libraries.
    probe = (
        "import sys; import grid; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('numpy', 'sklearn', 'matplotlib', 'scipy')))"
    )
    proc = run(["python", "-c", probe], code / EXAMPLE)
    assert proc.stdout == "[]\n", proc.stdout


def test_one_combination_at_a_time_matches_the_serial_run(full_run):
    """Every combination through train_one.py's command line gives the serial run's bytes.

    To keep the test quick, the test process runs train_one.py 35 times (python_in_process, as
    `python train_one.py --index I` would); test_train_one_command_line runs it as separate
    processes too.
    """
    for i in range(35):
        proc = python_in_process(
            f"{EXAMPLE}/train_one.py",
            *("--index", i, "--params", "params.txt", "--results-dir", "one_by_one"),
            cwd=full_run,
        )
        assert proc.returncode == 0, proc.stderr
    serial = full_run / "results"
    one_by_one = full_run / "one_by_one"
    names = sorted(p.name for p in one_by_one.iterdir())
    assert len(names) == 70
    for name in names:
        assert (one_by_one / name).read_bytes() == (serial / name).read_bytes(), name


def test_train_one_command_line(full_run, page_output):
    stdout, _ = page_output("parameters-one-combination")
    assert stdout.startswith("k = 8, metric = manhattan: test accuracy 0.")
    stdout, _ = page_output("parameters-by-index", 1)  # --index 12: line 13 of params.txt
    assert stdout.startswith("k = 4, metric = chebyshev: test accuracy 0.")
    _, stderr = page_output("parameters-bad-metric")  # the page's unknown metric, on purpose
    assert stderr.count("\n") == 1 and "invalid choice: 'hamming'" in stderr
    # Both runs rewrote files of the serial run (kept aside by full_run): with the same bytes.
    serial = full_run.parent / "serial_results"
    for name in [
        "knn_k08_manhattan.json",
        "knn_k08_manhattan.png",
        "knn_k04_chebyshev.json",
        "knn_k04_chebyshev.png",
    ]:
        assert (full_run / "results" / name).read_bytes() == (serial / name).read_bytes(), name
    assert (full_run / "results" / "knn_k04_chebyshev.json").stat().st_mtime > (
        serial / "knn_k04_chebyshev.json"
    ).stat().st_mtime, "train_one.py did not rewrite it"


def test_cv_repeats_makes_more_folds_but_keeps_the_test_accuracy(full_run, code):
    (code / "data").mkdir()
    (code / "data/iris_split.json").write_bytes((full_run / "data/iris_split.json").read_bytes())
    python(
        f"{EXAMPLE}/train_one.py",
        "--n-neighbors",
        "4",
        "--metric",
        "chebyshev",
        "--cv-repeats",
        "3",
        "--results-dir",
        "heavy",
        cwd=code,
    )
    heavy = json.loads((code / "heavy/knn_k04_chebyshev.json").read_text())
    light = json.loads((full_run / "results/knn_k04_chebyshev.json").read_text())
    assert heavy["cv_repeats"] == 3
    assert heavy["test_accuracy"] == light["test_accuracy"]
    assert heavy["cv_accuracy_mean"] != light["cv_accuracy_mean"]  # 15 folds, not 5
    assert 0 <= heavy["cv_accuracy_mean"] <= 1


def test_collect_results_table_and_figure(full_run):
    rows = list(csv.DictReader((full_run / "results/summary.csv").open()))
    assert [(int(r["n_neighbors"]), r["metric"]) for r in rows] == GRID
    for row in rows:
        result = json.loads(
            (
                full_run / f"results/knn_k{int(row['n_neighbors']):02d}_{row['metric']}.json"
            ).read_text()
        )
        for key in ("test_accuracy", "cv_accuracy_mean", "cv_accuracy_std"):
            assert row[key] == f"{result[key]:.4f}"
        assert int(row["cv_repeats"]) == 1
    height, width = png_shape(full_run / "results/summary.png")
    assert width > 600 and height > 300


def test_collect_results_is_deterministic_and_tells_the_best(full_run, code):
    (code / "results").mkdir()
    for p in (full_run / "results").glob("knn_*.json"):
        (code / "results" / p.name).write_bytes(p.read_bytes())
    proc = python(
        f"{EXAMPLE}/collect_results.py",
        "--table",
        "out/table.csv",
        "--figure",
        "out/fig.png",
        cwd=code,
    )
    assert "Collected 35 results into out/table.csv and out/fig.png" in proc.stdout
    best = max(
        (json.loads(p.read_text()) for p in (code / "results").glob("*.json")),
        key=lambda r: r["cv_accuracy_mean"],
    )
    assert f"(k = {best['n_neighbors']}, {best['metric']})" in proc.stdout
    assert (code / "out/table.csv").read_bytes() == (full_run / "results/summary.csv").read_bytes()
    assert (code / "out/fig.png").read_bytes() == (full_run / "results/summary.png").read_bytes()


def test_collect_results_partial_grid(full_run, code):
    (code / "results").mkdir()
    for p in sorted((full_run / "results").glob("knn_k0[14]_*.json")):
        (code / "results" / p.name).write_bytes(p.read_bytes())
    before = tree_bytes(code)
    proc = python(f"{EXAMPLE}/collect_results.py", cwd=code, check=False)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1
    assert_one_error_line(
        proc, "no result for 25 of the 35 combinations in 'results'", "--allow-missing"
    )
    assert tree_bytes(code) == before
    python(f"{EXAMPLE}/collect_results.py", "--allow-missing", cwd=code)
    rows = list(csv.DictReader((code / "results/summary.csv").open()))
    assert [(int(r["n_neighbors"]), r["metric"]) for r in rows] == [
        g for g in GRID if g[0] in (1, 4)
    ]
    assert png_shape(code / "results/summary.png")[1] > 600


# ---------------------------------------------------------------------------- bad input


def _setup(code, full_run, what):
    """Put a good split, parameter file or results folder in place, as a case needs."""
    if "split" in what:
        (code / "data").mkdir(exist_ok=True)
        (code / "data/iris_split.json").write_bytes(
            (full_run / "data/iris_split.json").read_bytes()
        )
    if "params" in what:
        (code / "params.txt").write_bytes((full_run / "params.txt").read_bytes())
    if "results" in what:
        (code / "results").mkdir(exist_ok=True)
        for p in (full_run / "results").glob("knn_*.json"):
            (code / "results" / p.name).write_bytes(p.read_bytes())


def _write(code, name, text):
    path = code / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# (script, arguments, what to set up first, files to write first, words stderr must contain)
BAD_INPUT = [
    ("grid.py", ["--metric", "cosine"], "", {}, ["unrecognized arguments: --metric cosine"]),
    (
        "preprocess.py",
        ["--output", "blocker/split.json"],
        "",
        {"blocker": "a file"},
        ["cannot write blocker/split.json", "blocker exists but is a file, not a folder"],
    ),
    (
        "train_and_plot.py",
        [],
        "",
        {},
        ["data file 'data/iris_split.json' not found", "preprocess.py"],
    ),
    (
        "train_and_plot.py",
        [],
        "",
        {"data/iris_split.json": "{not json"},
        ["data/iris_split.json", "not a valid split file"],
    ),
    (
        "train_and_plot.py",
        ["--cv-repeats", "0"],
        "split",
        {},
        ["--cv-repeats", "invalid positive integer value: '0'"],
    ),
    (
        "train_one.py",
        ["--n-neighbors", "3", "--metric", "haversine"],
        "split",
        {},
        [
            "invalid choice: 'haversine'",
            "euclidean",
            "manhattan",
            "chebyshev",
            "canberra",
            "cosine",
        ],
    ),
    (
        "train_one.py",
        ["--n-neighbors", "0", "--metric", "cosine"],
        "split",
        {},
        ["--n-neighbors", "positive integer", "'0'"],
    ),
    (
        "train_one.py",
        ["--n-neighbors", "500", "--metric", "cosine"],
        "split",
        {},
        ["n_neighbors must be between 1 and 84", "500"],
    ),
    (
        "train_one.py",
        ["--index", "35"],
        "split params",
        {},
        ["index 35 is out of range", "between 0 and 34"],
    ),
    (
        "train_one.py",
        ["--index", "-1"],
        "split params",
        {},
        ["index -1 is out of range", "between 0 and 34"],
    ),
    (
        "train_one.py",
        ["--index", "0", "--params", "nowhere.txt"],
        "split",
        {},
        ["parameter file 'nowhere.txt' not found", "create_parameter_file.py"],
    ),
    (
        "train_one.py",
        ["--index", "1"],
        "split",
        {"params.txt": "1 euclidean\n2 hamming\n"},
        ["parameter file 'params.txt', line 2", "'2 hamming'"],
    ),
    (
        "train_one.py",
        ["--index", "0"],
        "params",
        {},
        ["data file 'data/iris_split.json' not found"],
    ),
    (
        "create_parameter_file.py",
        ["--output", "blocker/params.txt"],
        "",
        {"blocker": "a file"},
        ["cannot write blocker/params.txt", "blocker exists but is a file, not a folder"],
    ),
    (
        "collect_results.py",
        [],
        "",
        {"results/notes.txt": "no results here"},
        ["no result files (knn_*.json) in 'results'"],
    ),
    (
        "collect_results.py",
        [],
        "results",
        {"results/knn_k01_cosine.json": "{"},
        ["malformed result file 'results/knn_k01_cosine.json'"],
    ),
    (
        "collect_results.py",
        [],
        "results",
        {
            "results/knn_k02_cosine.json": json.dumps(
                {
                    "n_neighbors": 2,
                    "metric": "cosine",
                    "test_accuracy": 1.5,
                    "cv_accuracy_mean": 0.5,
                    "cv_accuracy_std": 0.1,
                    "cv_repeats": 1,
                }
            )
        },
        ["malformed result file 'results/knn_k02_cosine.json'", "test_accuracy", "between 0 and 1"],
    ),
    (
        "knn_iris.py",
        ["--figure", "blocker/grid.png"],
        "",
        {"blocker": "a file"},
        ["cannot create a folder for the figure 'blocker/grid.png'"],
    ),
    (
        "train_task.py",
        ["--index", "7", "--chunk", "5"],
        "split params",
        {},
        ["index 7 is out of range", "35 lines for tasks of 5 lines", "between 0 and 6"],
    ),
    (
        "train_task.py",
        ["--n-neighbors", "4", "--metric", "cosine", "--chunk", "5"],
        "split",
        {},
        ["--chunk goes with --index"],
    ),
    (
        "shared_table.py",
        ["--index", "35"],
        "split params",
        {},
        ["index 35 is out of range", "between 0 and 34"],
    ),
    (
        "shared_table.py",
        ["--index", "2"],
        "split params",
        {"results/table.csv": "k,metric\n4,cosine\n"},
        ["malformed table 'results/table.csv'", "n_neighbors,metric,test_accuracy"],
    ),
    (
        "train_task.py",
        ["--n-neighbors", "4", "--metric", "cosine", "--n-jobs", "0"],
        "split",
        {},
        ["argument --n-jobs: invalid positive integer value: '0'"],
    ),
    (
        "train_resumable.py",
        ["--cv-repeats", "2"],
        "split",
        {
            "results/knn_k01_euclidean.json": json.dumps({"cv_repeats": 1}),
            "results/knn_k01_euclidean.png": "a figure",
        },
        ["'results/knn_k01_euclidean.json' was made with --cv-repeats 1, not 2", "--results-dir"],
    ),
    (
        "train_resumable.py",
        [],
        "split",
        {"results/knn_k01_euclidean.json": "{", "results/knn_k01_euclidean.png": "a figure"},
        ["malformed result file 'results/knn_k01_euclidean.json'"],
    ),
    (
        "train_one.py",
        ["--n_neighbors", "4", "--metric", "cosine"],
        "split",
        {},
        ["unrecognized arguments: --n_neighbors 4"],
    ),
    (
        "train_one.py",
        ["--index", "3", "--metric", "cosine"],
        "split params",
        {},
        ["give --n-neighbors and --metric, or --index, not both"],
    ),
    (
        "knn_iris.py",
        ["--figures", "grid.png"],
        "",
        {},
        ["unrecognized arguments: --figures grid.png"],
    ),
]


@pytest.mark.parametrize(
    "name, args, setup, written, words",
    BAD_INPUT,
    ids=[f"{case[0]}-{i}" for i, case in enumerate(BAD_INPUT)],
)
def test_bad_input_gives_one_clear_line(full_run, code, name, args, setup, written, words):
    _setup(code, full_run, setup)
    for path, text in written.items():
        _write(code, path, text)
    before = tree_bytes(code)
    # In this process, to keep the many cases quick; the next test runs two in real processes.
    proc = python_in_process(f"{EXAMPLE}/{name}", *args, cwd=code)
    assert_one_error_line(proc, *words)
    assert proc.stderr.endswith("\n") and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(f"{name}: error: "), proc.stderr
    assert tree_bytes(code) == before, "the failed run left files behind or changed some"


@pytest.mark.parametrize("case", [0, 8], ids=["usage-mistake", "bad-index"])
def test_bad_input_is_the_same_in_a_real_process(full_run, tmp_path, case):
    """The cases above run inside the test process (python_in_process); a real `python SCRIPT`
    process gives the same exit status, stdout and stderr (one usage mistake, one bad index)."""
    name, args, setup, written, _ = BAD_INPUT[case]
    folders = {}
    for kind in ("real", "here"):
        folders[kind] = tmp_path / kind
        folders[kind].mkdir()
        shutil.copytree(full_run / "python", folders[kind] / "python")
        _setup(folders[kind], full_run, setup)
        for path, text in written.items():
            _write(folders[kind], path, text)
    real = python(f"{EXAMPLE}/{name}", *args, cwd=folders["real"], check=False)
    here = python_in_process(f"{EXAMPLE}/{name}", *args, cwd=folders["here"])
    assert real.returncode in (1, 2), real
    assert (real.returncode, real.stdout, real.stderr) == (
        here.returncode,
        here.stdout,
        here.stderr,
    )


def test_a_chunk_trains_its_lines_one_after_another(full_run, code):
    """train_task.py --index 6 --chunk 5: lines 30 to 34 of params.txt, in order, with the serial
    run's bytes."""
    _setup(code, full_run, "split params")
    proc = python(
        f"{EXAMPLE}/train_task.py", "--index", "6", "--chunk", "5", "--results-dir", "c", cwd=code
    )
    lines = (code / "params.txt").read_text().splitlines()[30:]
    said = [line.split(":")[0] for line in proc.stdout.splitlines()]
    assert said == [f"k = {k}, metric = {m}" for k, m in map(str.split, lines)], proc.stdout
    assert len(list((code / "c").iterdir())) == 10
    for made in (code / "c").iterdir():
        assert made.read_bytes() == (full_run / "results" / made.name).read_bytes(), made.name


def test_shared_table_adds_a_row_to_what_it_read(full_run, code):
    """Run one after another, the tasks of shared_table.py keep every row (the race needs tasks
    at the same time: tests/on_cluster/test_throughput.py); each also writes its own files."""
    _setup(code, full_run, "split params")
    for index in (3, 0):
        python(f"{EXAMPLE}/shared_table.py", "--index", str(index), cwd=code)
    rows = list(csv.DictReader((code / "results/table.csv").open()))
    serial = [
        json.loads((full_run / "results" / f"{name}.json").read_text())
        for name in ("knn_k01_canberra", "knn_k01_euclidean")
    ]
    assert rows == [
        {key: str(result[key]) for key in ("n_neighbors", "metric", "test_accuracy")}
        for result in serial
    ]
    assert len(list((code / "results").glob("knn_*"))) == 4


def test_more_processes_do_not_change_the_result(full_run, code):
    """train_task.py --n-jobs 2 cross-validates on two processes: the same bytes as the serial
    run's; a value that is not a positive integer (SLURM_CPUS_PER_TASK can be '2(x2)') is one clear
    line, and nothing is written. tests/slurm runs task_job.sh, which passes
    SLURM_CPUS_PER_TASK on."""
    _setup(code, full_run, "split")
    args = ["--n-neighbors", "4", "--metric", "chebyshev", "--results-dir", "two"]
    python(f"{EXAMPLE}/train_task.py", *args, "--n-jobs", "2", cwd=code)
    for name in ("knn_k04_chebyshev.json", "knn_k04_chebyshev.png"):
        assert (code / "two" / name).read_bytes() == (full_run / "results" / name).read_bytes()
    shutil.rmtree(code / "two")
    before = tree_bytes(code)
    proc = python(f"{EXAMPLE}/train_task.py", *args, "--n-jobs", "2(x2)", cwd=code, check=False)
    assert proc.returncode == 2
    assert_one_error_line(proc, "--n-jobs: invalid positive integer value: '2(x2)'")
    assert tree_bytes(code) == before


def test_cores_py_reports_four_numbers(code):
    env = {**learner_env(), "SLURM_CPUS_PER_TASK": "3", "OMP_NUM_THREADS": "1"}
    proc = python(f"{EXAMPLE}/cores.py", cwd=code, env=env)
    values = [line.rsplit(maxsplit=1)[1] for line in proc.stdout.splitlines()]
    assert values == ["3", str(len(os.sched_getaffinity(0))), str(os.cpu_count()), "1"], proc.stdout


def test_resume_trains_nothing_that_is_done(full_run, code):
    """train_resumable.py over a results folder that has every combination: it says so, and
    changes no file (long-jobs.md runs it in parts on the cluster, against an uninterrupted
    run)."""
    _setup(code, full_run, "split")
    shutil.copytree(full_run.parent / "serial_results", code / "results")
    before = tree_bytes(code)
    proc = python_in_process(f"{EXAMPLE}/train_resumable.py", cwd=code)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    n = len((full_run / "params.txt").read_text().splitlines())
    assert proc.stdout.splitlines() == [
        f"resuming: {n} of {n} combinations already done",
        f"all {n} combinations done",
    ]
    assert tree_bytes(code) == before


def test_a_failed_write_leaves_no_partial_file(full_run, code):
    """A write that fails (here: a folder sits where the PNG goes) leaves no temporary file."""
    _setup(code, full_run, "split")
    prepared = code
    results = prepared / "results"
    results.mkdir()
    (results / "knn_k01_euclidean.png").mkdir()  # a folder where the PNG should go
    before = tree_bytes(prepared)
    proc = python(
        f"{EXAMPLE}/train_one.py",
        "--n-neighbors",
        "1",
        "--metric",
        "euclidean",
        cwd=prepared,
        check=False,
    )
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert_one_error_line(proc, "knn_k01_euclidean.png")
    assert tree_bytes(prepared) == before
    assert sorted(p.name for p in results.iterdir()) == ["knn_k01_euclidean.png"]
