"""Exercise Parallel-1: the serial cities script, its per-index solution and the array script.

Runs with plain python and bash, no cluster: the array script's body is run once per index with
the SLURM_ARRAY_* variables a real array task gets. Submitting it to a real scheduler is tested in
tests/on_cluster/.
"""

from __future__ import annotations

import csv
import shutil

import pytest

from lessontest.paths import ROOT
from lessontest.shell import assert_one_error_line, learner_env, run
from lessontest.tree import tree_bytes

EXERCISE = ROOT / "exercises" / "parallel-1"
SOLUTION = ROOT / "solutions" / "parallel-1"


@pytest.fixture
def workdir(tmp_path):
    """A learner's folder: the downloaded cities.csv and long_code.py, plus the solution's files."""
    for source in (
        EXERCISE / "cities.csv",
        EXERCISE / "long_code.py",
        SOLUTION / "long_code_for_index.py",
        SOLUTION / "cities_array.sh",
    ):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path


def read_rows():
    with open(EXERCISE / "cities.csv", newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_data_file():
    """Real-looking data: a header, at least 100 cities in at least 4 countries, valid positions."""
    rows = read_rows()
    assert rows[0] == ["city", "country", "latitude", "longitude"]
    cities = rows[1:]
    assert len(cities) >= 100
    assert len({country for _, country, _, _ in cities}) >= 4
    assert len({(city, country) for city, country, _, _ in cities}) == len(cities)
    for city, country, latitude, longitude in cities:
        assert city and country
        assert -90 <= float(latitude) <= 90 and -180 <= float(longitude) <= 180


def test_serial_writes_one_file_per_country(workdir):
    run(["python", "long_code.py", "--delay", "0"], workdir)
    countries = sorted({row[1] for row in read_rows()[1:]})
    files = sorted((workdir / "output").iterdir())
    assert len(files) == len(countries)
    listed = {}
    for path in files:
        header, columns, *lines = path.read_text(encoding="utf-8").splitlines()
        assert columns == "city\tlatitude\tlongitude"
        assert lines == sorted(lines)
        listed[header.split(":")[0].lstrip("# ")] = len(lines)
    assert sorted(listed) == countries
    assert sum(listed.values()) == len(read_rows()) - 1


def test_exercise_is_not_solved_yet(workdir):
    """The starting script has no index: it rejects one (the exercise is to add it)."""
    proc = run(["python", "long_code.py", "3", "--delay", "0"], workdir, check=False)
    assert proc.returncode == 2
    assert "unrecognized arguments: 3" in proc.stderr
    assert not (workdir / "output").exists()


def test_every_index_gives_the_serial_files(workdir):
    """Running the solution once per index writes exactly the serial run's files, byte for byte."""
    run(["python", "long_code.py", "--delay", "0", "--output-dir", "serial"], workdir)
    count = run(["python", "long_code_for_index.py", "--count"], workdir)
    n = int(count.stdout)
    assert n == len(tree_bytes(workdir / "serial"))
    for index in range(n):
        run(["python", "long_code_for_index.py", str(index), "--delay", "0"], workdir)
    assert tree_bytes(workdir / "output") == tree_bytes(workdir / "serial")


def test_array_script_matches_serial(workdir):
    """cities_array.sh, run as tasks 0..N-1 of one array (in reverse order).

    The result equals the serial run.
    """
    run(["python", "long_code.py", "--delay", "0", "--output-dir", "serial"], workdir)
    n = len(tree_bytes(workdir / "serial"))
    for task in reversed(range(n)):
        task_env = learner_env(
            {
                "SLURM_ARRAY_JOB_ID": "900",
                "SLURM_ARRAY_TASK_ID": str(task),
                "SLURM_ARRAY_TASK_MIN": "0",
                "SLURM_ARRAY_TASK_MAX": str(n - 1),
                "SLURM_ARRAY_TASK_COUNT": str(n),
            }
        )
        run(["bash", "cities_array.sh"], workdir, env=task_env)
    assert tree_bytes(workdir / "output") == tree_bytes(workdir / "serial")


def test_index_order_does_not_depend_on_row_order(workdir):
    """Index 0 is the first country in sorted order, however the CSV rows are arranged."""
    rows = read_rows()
    with open(workdir / "cities.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([rows[0], *reversed(rows[1:])])
    run(["python", "long_code_for_index.py", "0", "--delay", "0"], workdir)
    first = min(row[1] for row in rows[1:])
    (written,) = (workdir / "output").iterdir()
    assert written.read_text(encoding="utf-8").startswith(f"# {first}:")


@pytest.mark.parametrize(
    ("index", "words"),
    [
        ("x", ["'x' is not a whole number", "0..6"]),
        ("7", ["index 7 is out of range", "0..6"]),
        ("-1", ["index -1 is out of range", "0..6"]),
        ("2.5", ["not a whole number", "0..6"]),
    ],
)
def test_bad_index(index, words, workdir):
    """The 7 countries give indices 0..6: anything else is one line naming the range, no output."""
    assert len({row[1] for row in read_rows()[1:]}) == 7
    proc = run(["python", "long_code_for_index.py", index, "--delay", "0"], workdir, check=False)
    assert_one_error_line(proc, *words)
    assert not (workdir / "output").exists()


def test_no_index(workdir):
    proc = run(["python", "long_code_for_index.py"], workdir, check=False)
    assert_one_error_line(proc, "give a country index")


BAD_FILES = {
    "missing": (None, "cannot read cities file"),
    "header": ("name,country,lat,lon\nOulu,Finland,65.01,25.47\n", "must start with the header"),
    "number": ("city,country,latitude,longitude\nOulu,Finland,north,25.47\n", "line 2"),
    "fields": ("city,country,latitude,longitude\nOulu,Finland,65.01\n", "line 2"),
    "empty": ("city,country,latitude,longitude\n", "lists no cities"),
}


@pytest.mark.parametrize("script", ["long_code.py", "long_code_for_index.py"])
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_cities_file(case, script, workdir):
    """A missing or malformed file: one line naming the problem, nothing written."""
    text, words = BAD_FILES[case]
    (workdir / "cities.csv").unlink()
    if text is not None:
        (workdir / "cities.csv").write_text(text, encoding="utf-8")
    args = ["python", script, "--delay", "0"] + (
        ["0"] if script == "long_code_for_index.py" else []
    )
    proc = run(args, workdir, check=False)
    assert_one_error_line(proc, "cities.csv", words)
    assert not (workdir / "output").exists()


def test_bad_delay(workdir):
    proc = run(["python", "long_code.py", "--delay", "-1"], workdir, check=False)
    assert_one_error_line(proc, "--delay")
    assert not (workdir / "output").exists()


def test_array_script_outside_an_array(workdir):
    proc = run(["bash", "cities_array.sh"], workdir, check=False)
    assert_one_error_line(proc, "not an array task", "--array")
    assert not (workdir / "output").exists()


def _task(workdir, task, first, last):
    """cities_array.sh as task `task` of an array that runs `first`..`last`."""
    env = learner_env(
        {"SLURM_ARRAY_TASK_ID": task, "SLURM_ARRAY_TASK_MIN": first, "SLURM_ARRAY_TASK_MAX": last}
    )
    return run(["bash", "cities_array.sh"], workdir, env=env, check=False)


@pytest.mark.parametrize("task", ["7", "9"])
def test_a_task_past_the_last_country_names_the_valid_range(task, workdir):
    proc = _task(workdir, task, "0", "9")
    assert_one_error_line(proc, f"index {task} is out of range", "0..6", "7 countries")
    assert not (workdir / "output").exists()


def test_a_rerun_of_some_countries_runs_only_those(workdir):
    """Array-1 teaches rerunning only the failed tasks (--array=1,4): each task works on its own,
    and writes exactly the file the serial run writes for that country."""
    run(["python", "long_code.py", "--delay", "0", "--output-dir", "serial"], workdir)
    countries = sorted({row[1] for row in read_rows()[1:]})
    for task in ("1", "4"):
        proc = _task(workdir, task, "1", "4")
        assert proc.returncode == 0, proc.stderr
    written = tree_bytes(workdir / "output")
    names = [f"{countries[i].lower().replace(' ', '_')}.txt" for i in (1, 4)]
    assert sorted(written) == sorted(names)
    serial = tree_bytes(workdir / "serial")
    assert {name: serial[name] for name in names} == written


def test_the_starting_script_numbers_countries_in_file_order(workdir):
    """The trap Parallel-1's first question is about: long_code.py visits the countries in the
    order they first appear in cities.csv, which is not the sorted order the solution uses."""
    proc = run(["python", "long_code.py", "--delay", "0"], workdir)
    in_file = list(dict.fromkeys(row[1] for row in read_rows()[1:]))
    assert in_file != sorted(in_file), "cities.csv must list the countries unsorted"
    written = [line.split("/", 1)[1] for line in proc.stdout.splitlines()]
    assert written == [f"{c.lower().replace(' ', '_')}.txt" for c in in_file]
