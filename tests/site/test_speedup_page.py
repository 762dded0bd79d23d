"""The speedup page's generated numbers, tables and figure (lessontest/generators/bench_figures.py).

Every number is computed here again from the recorded bench data, independently of the generator,
so a wrong formula in the generator fails the test rather than being copied into it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import pytest

from lessontest import pages as site
from lessontest.generators import bench_figures
from lessontest.paths import ROOT

RECORD = json.loads((ROOT / "bench/results/slurm_speedup.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def record():
    return bench_figures.load(ROOT)


def _tables(markdown: str) -> list[list[list[str]]]:
    """The Markdown tables in a text: each a list of rows, each a list of cell texts."""
    tables, current = [], []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            current.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif current:
            tables.append(current)
            current = []
    return tables


def _body(table: list[list[str]]) -> list[list[str]]:
    assert set(table[1][0]) <= set("-: "), "the second line is the table's alignment row"
    return table[2:]


def _efficiencies(text: str) -> dict[str, list[str]]:
    """The efficiency each row shows, whichever layout: a column of its own or in brackets."""
    found: dict[str, list[str]] = {}
    for table in _tables(text):
        header = table[0]
        column = header.index("efficiency") if "efficiency" in header else None
        for row in _body(table):
            label = next((cell for cell in row if cell in bench_figures.LABELS.values()), None)
            if label is None:
                continue
            if column is not None:
                found.setdefault(label, []).append(row[column])
            else:
                found.setdefault(label, []).extend(
                    m.group(1) for cell in row if (m := re.fullmatch(r"[\d.]+ \((.*)\)", cell))
                )
    return found


def test_the_serial_job_shows_no_parallel_efficiency(record):
    """The serial job runs on one core: speedup / 2 cores would show it as 50 % efficient."""
    text = bench_figures.table_markdown(record)
    efficiency = _efficiencies(text)
    serial, array = bench_figures.LABELS["serial"], bench_figures.LABELS["array"]
    assert efficiency[serial] == ["—"] * len(RECORD["workloads"])
    assert "one core" in text, "the page says why"
    # the others: speedup over the serial job divided by the cores
    expected = [
        entry["runs"]["serial"]["seconds"]
        / entry["runs"]["array"]["seconds"]
        / RECORD["cores_used"]
        for entry in sorted(RECORD["workloads"], key=lambda e: e["cv_repeats"])
    ]
    assert efficiency[array] == [f"{e:.0%}" for e in expected]


def test_options_in_the_table_are_inline_code(record):
    """Outside code, Sphinx's smartquotes turn `--` into an en dash that cannot be copied."""
    text = bench_figures.table_markdown(record)
    assert "`--cv-repeats" in text
    outside_code = re.sub(r"`[^`]*`", "", text)
    for line in outside_code.splitlines():
        if not set(line) <= set("|-: "):  # not a table's alignment row
            assert "--" not in line, line


def test_the_tables_are_narrow_enough_for_a_phone(record):
    """Pivoted: one row per way of running, one column per workload; no row repeats the workload.

    At 375 px the article column is 343 px wide: five columns of numbers and a column of labels
    overflowed it; a column of labels and one narrow column per workload fit.
    """
    tables = _tables(bench_figures.table_markdown(record))
    assert tables
    for table in tables:
        assert len(table[0]) <= 1 + len(RECORD["workloads"]), table[0]
        assert len(_body(table)) <= len(bench_figures.LABELS)
        for row in _body(table):
            assert row[0] in bench_figures.LABELS.values(), row
            assert not any("cv-repeats" in cell for cell in row), row


def test_the_exercise_answer_is_computed_from_the_record(record):
    """Exercise speedup-1: s = (array - serial / c) * c / n, and 90 % efficiency needs w >= 9 s."""
    assert "_generated/bench_overhead.md" in bench_figures.OUTPUTS
    n, cores = len(RECORD["tasks"]), RECORD["cores_used"]
    text = bench_figures.overhead_markdown(record)
    for entry in RECORD["workloads"]:
        serial = entry["runs"]["serial"]["seconds"]
        array = entry["runs"]["array"]["seconds"]
        s = round((array - serial / cores) * cores / n, 1)
        assert (
            f"`s ≈ ({array:.2f} − {serial:.2f} / {cores}) × {cores} / {n} ≈ {s:.1f} s`, "
            f"so `w ≥ 9 × {s:.1f} s ≈ {9 * s:.0f} s`"
        ) in text
    lightest = min(entry["cv_repeats"] for entry in RECORD["workloads"])
    assert text.startswith("With the recorded numbers") and f"`--cv-repeats {lightest}`" in text


def test_the_page_shows_the_computed_answer_not_nine_seconds():
    page = site.load_page(ROOT / "content" / "speedup.md")
    solution = next(b for b in page.blocks if b.name == "solution" and b.argument == "speedup-1")
    assert "`w ≥ 9·s`" in solution.body
    assert "9 s`" not in solution.body and "several seconds" not in solution.body
    includes = [b.argument for b in page.blocks if b.name == "include" and "solution" in b.parents]
    assert includes == ["/_generated/bench_overhead.md"]


def test_the_speedup_figure_reads_at_phone_width(record):
    import matplotlib.pyplot as plt

    fig = bench_figures.speedup_plot(record)
    try:
        width, _ = fig.get_size_inches()
        # An SVG shows at 72 px per inch at most: it must not shrink much below that on a phone,
        # whose content column is about 340 CSS px wide.
        assert width * 72 <= 400, f"{width} in wide: its text shrinks to a scribble on a phone"
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        for a, b in itertools.combinations(ticks, 2):
            assert not a.overlaps(b), "x-axis labels overlap"
        texts = [t for t in fig.findobj(plt.Text) if t.get_text() and t.get_visible()]
        sizes = [t.get_fontsize() for t in texts]
        assert min(sizes) >= 9, f"text of {min(sizes)} pt"
        drawn = fig.get_tightbbox(renderer)  # in inches: everything drawn fits the figure
        assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01, drawn
        assert drawn.x1 <= width + 0.01 and drawn.y1 <= fig.get_size_inches()[1] + 0.01, drawn
        legends = fig.legends + [ax.get_legend()] * (ax.get_legend() is not None)
        assert len(legends) == 1
        legend = legends[0].get_window_extent(renderer)
        assert not legend.overlaps(ax.get_window_extent(renderer)), "the legend covers the bars"
        for tick in ticks:
            assert not legend.overlaps(tick), "the legend covers the x-axis labels"
    finally:
        plt.close(fig)


ARRAYS = json.loads((ROOT / "bench/results/slurm_array_jobs.json").read_text(encoding="utf-8"))


def test_snakemake_array_jobs_cost_more_per_job_as_the_page_says():
    """`make bench-array-jobs`' record, computed again here: the speedup page says that
    submitting Snakemake's train jobs as one array cost more per job than one job per rule job,
    and that both its jobs' run time and the time outside them grew. A new record that says
    otherwise fails here, so that the page's prose is rewritten with it."""
    n = len(ARRAYS["tasks"])
    assert {e["cv_repeats"] for e in ARRAYS["workloads"]} == {1, 300}
    for entry in ARRAYS["workloads"]:
        runs = entry["runs"]
        extra = {m: (runs[m]["seconds"] - runs["array"]["seconds"]) / n for m in runs}
        assert extra["snakemake_slurm_array"] > extra["snakemake_slurm_tuned"], entry["cv_repeats"]
        split = {}
        for method in ("snakemake_slurm_array", "snakemake_slurm_tuned"):
            jobs = runs[method]["jobs"]
            assert len(jobs) == n and runs[method]["results_identical_to_serial"]
            stamp = {
                key: [dt.datetime.fromisoformat(job[key]) for job in jobs]
                for key in ("Submit", "Start", "End")
            }
            mean = (
                sum(
                    (e - s).total_seconds()
                    for s, e in zip(stamp["Start"], stamp["End"], strict=True)
                )
                / n
            )
            outside = runs[method]["seconds"] - (max(stamp["End"]) - min(stamp["Submit"])).seconds
            split[method] = mean, outside
        assert split["snakemake_slurm_array"][0] > split["snakemake_slurm_tuned"][0]
        assert split["snakemake_slurm_array"][1] > split["snakemake_slurm_tuned"][1]
    made = bench_figures.array_jobs_markdown(bench_figures.load(ROOT, bench_figures.INPUTS[2]))
    assert made.count("more with the array") == 2, made
    page = (ROOT / "content/speedup.md").read_text(encoding="utf-8")
    assert "/_generated/bench_array_jobs.md" in page and "did not make Snakemake cheaper" in page
