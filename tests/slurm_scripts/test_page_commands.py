"""The commands that batch-job.md, array-jobs.md, submission-script.md and exercise-parallel-1.md
tell learners to type, run exactly as written, WITHOUT a cluster.

Each page's shell blocks are copied here verbatim and run with bash, in a copy of the lesson's files
laid out as the download unpacks them (code/, exercises/, solutions/), with a fake sbatch first on
PATH that records what would have been submitted. The same commands are submitted to a real Slurm
cluster by the tests in tests/cluster/. The last test checks that the highlighted lines of the
pages' literalincludes still point at the lines the text talks about.
"""

from __future__ import annotations

import pathlib
import re
import shlex
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Each page's shell blocks, in page order, exactly as they stand on the page.
BATCH_JOB = """\
sbatch slurm/scikit_example/serial.sh
"""

ARRAY_JOBS = """\
python python/scikit_example/create_parameter_file.py
head -n 3 params.txt
python python/scikit_example/preprocess.py
SLURM_ARRAY_TASK_ID=3 bash slurm/scikit_example/array.sh
sbatch --array=0-$(( $(wc -l < params.txt) - 1 )) slurm/scikit_example/array.sh
bash slurm/scikit_example/submit_pipeline.sh
sbatch --array=3,17 slurm/scikit_example/array.sh
sbatch slurm/scikit_example/collect.sh
rerun_id=$(sbatch --parsable --array=3,17 slurm/scikit_example/array.sh)
sbatch --dependency=afterok:$rerun_id slurm/scikit_example/collect.sh
"""

SUBMISSION_SCRIPT = """\
python python/scikit_example/submit_jobs.py --dry-run
python python/scikit_example/preprocess.py
python python/scikit_example/submit_jobs.py
preprocess_id=$(sbatch --parsable slurm/scikit_example/preprocess.sh)
python python/scikit_example/submit_jobs.py --dependency afterok:$preprocess_id
"""

EXERCISE_PARALLEL_1 = """\
cd ../exercises/parallel-1
python long_code.py
cp ../../solutions/parallel-1/long_code_for_index.py ../../solutions/parallel-1/cities_array.sh .
python long_code_for_index.py --count
python long_code_for_index.py 0
sbatch --array=0-$(( $(python long_code_for_index.py --count) - 1 )) cities_array.sh
"""


def page_commands(name: str) -> list[str]:
    """The command lines of a page's ```bash blocks (site-specific code-blocks are not included)."""
    text = (ROOT / "content" / name).read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"^ *```bash\n(.*?)^ *```", text, re.MULTILINE | re.DOTALL):
        commands += [line.strip() for line in block.splitlines() if line.strip()]
    return commands


@pytest.mark.parametrize(
    ("page", "script"),
    [("batch-job.md", BATCH_JOB), ("array-jobs.md", ARRAY_JOBS),
     ("submission-script.md", SUBMISSION_SCRIPT), ("exercise-parallel-1.md", EXERCISE_PARALLEL_1)],
)
def test_commands_here_are_the_pages_commands(page, script):
    assert page_commands(page) == script.splitlines()


@pytest.fixture
def lesson(tmp_path):
    """The lesson's files as the download unpacks them; commands start in code/."""
    top = tmp_path / "parallel-workflows-code"
    for folder in ("code", "exercises", "solutions"):
        shutil.copytree(ROOT / folder, top / folder, ignore=shutil.ignore_patterns(
            "data", "results", "output", "params.txt", "slurm-*.out", "__pycache__", ".snakemake"))
    return top


def run_page(script, lesson, fake_sbatch, runner):
    proc = runner(["bash", "-c", "set -euo pipefail\n" + script], lesson / "code", fake_sbatch.env())
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    return proc


def test_batch_job_page(lesson, fake_sbatch, runner):
    run_page(BATCH_JOB, lesson, fake_sbatch, runner)
    (call,) = fake_sbatch.calls()
    assert call["options"] == [] and call["script"] == "slurm/scikit_example/serial.sh"


def test_array_jobs_page(lesson, fake_sbatch, runner):
    proc = run_page(ARRAY_JOBS, lesson, fake_sbatch, runner)
    code = lesson / "code"
    lines = (code / "params.txt").read_text().splitlines()
    last = len(lines) - 1
    # head -n 3 printed the first three lines; the task run by hand trained line 3.
    assert "\n".join(lines[:3]) in proc.stdout
    k, metric = lines[3].split()
    assert sorted(p.name for p in (code / "results").iterdir()) == [
        f"knn_k{int(k):02d}_{metric}.json", f"knn_k{int(k):02d}_{metric}.png"
    ]
    calls = [(call["options"], call["script"].rsplit("/", 1)[-1]) for call in fake_sbatch.calls()]
    assert calls == [
        ([f"--array=0-{last}"], "array.sh"),
        (["--parsable"], "preprocess.sh"),  # submit_pipeline.sh: three chained jobs
        (["--parsable", "--dependency=afterok:5002", f"--array=0-{last}"], "array.sh"),
        (["--parsable", "--dependency=afterok:5003"], "collect.sh"),
        (["--array=3,17"], "array.sh"),  # the exercise's solution
        ([], "collect.sh"),
        (["--parsable", "--array=3,17"], "array.sh"),
        (["--dependency=afterok:5007"], "collect.sh"),
    ]


def expected_command(k, metric, dependency=None):
    """The sbatch command submit_jobs.py must run for one combination, as an argument list."""
    options = ["--parsable", f"--job-name=knn_k{k:02d}_{metric}"]
    if dependency:
        options.append(f"--dependency={dependency}")
    return ["sbatch", *options, "slurm/scikit_example/one_job.sh", "--n_neighbors", str(k),
            "--metric", metric]


def test_submission_script_page(lesson, fake_sbatch, runner, grid):
    """The dry run prints exactly the commands then submitted, as argument lists, one per
    combination, named after it; --dependency reaches every job."""
    proc = run_page(SUBMISSION_SCRIPT, lesson, fake_sbatch, runner)
    out = proc.stdout.splitlines()
    n = len(grid)
    assert out[:n] == [shlex.join(expected_command(k, metric)) for k, metric in grid]
    assert (lesson / "code" / "data" / "iris_split.json").exists()
    submitted = [f"knn_k{k:02d}_{metric}: job {5001 + i}" for i, (k, metric) in enumerate(grid)]
    start = out.index(submitted[0], n)  # after what preprocess.py prints
    assert out[start:start + n + 1] == [*submitted, f"Submitted {n} jobs."]
    calls = fake_sbatch.calls()
    assert len(calls) == 2 * n + 1
    plain, preprocess, chained = calls[:n], calls[n], calls[n + 1:]
    assert [["sbatch", *call["argv"]] for call in plain] == [shlex.split(line) for line in out[:n]]
    # The fake splits like sbatch: options (with the job name), the script, the script's arguments.
    for call, (k, metric) in zip(plain, grid):
        assert call["script"] == "slurm/scikit_example/one_job.sh"
        assert call["script_args"] == ["--n_neighbors", str(k), "--metric", metric]
    assert preprocess["script"] == "slurm/scikit_example/preprocess.sh"
    preprocess_id = 5000 + n + 1
    assert [["sbatch", *call["argv"]] for call in chained] == [
        expected_command(k, metric, f"afterok:{preprocess_id}") for k, metric in grid
    ]


def test_exercise_parallel_1_page(lesson, fake_sbatch, runner):
    proc = run_page(EXERCISE_PARALLEL_1, lesson, fake_sbatch, runner)
    folder = lesson / "exercises" / "parallel-1"
    assert len(list((folder / "output").iterdir())) == 7
    assert "\n7\n" in proc.stdout
    assert proc.stdout.endswith("\n7\nwrote output/australia.txt\nSubmitted batch job 5001\n")
    (call,) = fake_sbatch.calls()
    assert call["options"] == ["--array=0-6"] and call["script"] == "cities_array.sh"
    assert call["cwd"] == str(folder)


# The lines each page highlights in an included file, and a word every one of them must contain.
HIGHLIGHTS = {
    ("array-jobs.md", "/code/slurm/scikit_example/array.sh"): {
        8: "%A_%a", 29: "train_one.py", 30: "SLURM_ARRAY_TASK_ID"},
    ("array-jobs.md", "/code/slurm/scikit_example/submit_pipeline.sh"): {
        23: "wc -l", 32: "--parsable", 35: "afterok", 36: "--array", 39: "afterok", 40: "collect.sh"},
    ("submission-script.md", "/code/slurm/scikit_example/one_job.sh"): {26: '"$@"'},
    ("submission-script.md", "/code/python/scikit_example/submit_jobs.py"): {
        19: "combinations", 20: "import", 25: "def sbatch_command", 26: '"""', 27: "result_name",
        28: "--job-name", 29: "if dependency", 30: "--dependency", 31: "script", 32: "script",
        33: "BATCH_SCRIPT", 34: "--n_neighbors", 35: "return command", 42: "subprocess.run(command"},
    ("exercise-parallel-1.md", "/solutions/parallel-1/long_code_for_index.py"): {
        90: "add_argument(", 91: '"index"', 92: "nargs", 93: "help", 94: ")", 95: "add_argument(",
        96: "--count", 97: "store_true", 98: "help", 99: ")", 119: "args.index is None", 120: "fail(",
        127: "stable order", 128: "sorted(", 129: "count", 130: "len(countries)", 131: "return",
        132: "valid", 133: "valid indices", 134: "len(countries)", 135: ")", 136: "try",
        137: "int(args.index)", 138: "except", 139: "fail(", 140: "len(countries)", 141: "fail(",
        142: "countries[index]"},
}


def expand(spec: str) -> list[int]:
    numbers = []
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        numbers += range(int(first), int(last or first) + 1)
    return numbers


@pytest.mark.parametrize("page", sorted({page for page, _ in HIGHLIGHTS}))
def test_highlighted_lines(page):
    text = (ROOT / "content" / page).read_text(encoding="utf-8")
    found = {}
    for path, spec in re.findall(r"```\{literalinclude\} (\S+)\n(?::[^\n]*\n)*?:emphasize-lines: ([^\n]+)",
                                 text):
        found[(page, path)] = expand(spec)
    expected = {key: sorted(lines) for key, lines in HIGHLIGHTS.items() if key[0] == page}
    assert found == expected
    for (_, path), numbers in expected.items():
        source = (ROOT / path.lstrip("/")).read_text(encoding="utf-8").splitlines()
        for number in numbers:
            word = HIGHLIGHTS[(page, path)][number]
            assert word in source[number - 1], f"{path}:{number} no longer holds {word!r}"


def test_exercise_page_describes_the_data():
    """The page's counts of cities and countries are those of cities.csv."""
    rows = (ROOT / "exercises/parallel-1/cities.csv").read_text(encoding="utf-8").splitlines()[1:]
    countries = {row.split(",")[1] for row in rows}
    text = (ROOT / "content/exercise-parallel-1.md").read_text(encoding="utf-8")
    assert f"({len(rows)} cities in {len(countries)} countries" in text
