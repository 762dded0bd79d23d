"""A lesson one workshop can teach: the half-day core and the optional tracks, honest times,
lean code on the core pages, and learner pages that speak to learners.

Every episode names its path in its front matter (`track: core`, or an optional track from
_config.yml's lesson_tracks); _toc.yml has one part per path. The limits below are the promises
the index and the instructor guide make.
"""

from __future__ import annotations

import re

import pytest
import yaml

from lessontest import pages as site
from lessontest.paths import ROOT

CORE_MINUTES = 210  # a half-day: 3 h 30 min of teaching and exercises
EPISODE_MINUTES = 45
PAGE_WORDS = 2500
WORDS_PER_MINUTE = 60
SHOWN_WHOLE_LINES = 60  # a script a core page shows whole

# The seed path, in the order the core teaches it (preprocessing split, batch job, parameter,
# array job, submission script, dependencies, collecting, the cities exercise, Snakemake with its
# Slurm profile), and the step to the learner's own work.
CORE_PATH = [
    "content/introduction",
    "content/notebook-to-script",
    "content/preprocess-and-train",
    "content/batch-job",
    "content/parameters",
    "content/array-jobs",
    "content/submission-script",
    "content/dependencies",
    "content/collecting-results",
    "content/exercise-parallel-1",
    "content/snakemake",
    "content/snakemake-slurm",
    "content/your-own-work",
]

# Pages for instructors, and the reference pages about the practice clusters, which must speak
# of how those clusters are set up and checked.
NOT_FOR_LEARNERS = {"content/instructor-guide"}
ABOUT_THE_PRACTICE_CLUSTERS = {"content/local-cluster", "content/container-cluster"}


def _toc_parts() -> list[tuple[str, list[str]]]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [
        (part.get("caption", ""), [entry["file"] for entry in part["chapters"]])
        for part in toc["parts"]
    ]


@pytest.fixture(scope="module")
def episodes(pages):
    """The timed pages, in reading order."""
    order = [doc for _, docs in _toc_parts() for doc in docs]
    timed = {p.docname: p for p in pages if {"teaching", "exercises"} & p.front_matter.keys()}
    missing = sorted(timed.keys() - set(order))
    assert not missing, f"episodes missing from _toc.yml: {missing}"
    return [timed[doc] for doc in order if doc in timed]


def test_every_episode_names_a_track_and_sits_in_that_tracks_part(episodes):
    tracks = site.tracks()
    part_of = {doc: caption for caption, docs in _toc_parts() for doc in docs}
    problems = []
    for page in episodes:
        track = page.front_matter.get("track")
        if track not in tracks:
            problems.append(f"{page.docname}: track {track!r} is not one of {list(tracks)}")
        elif part_of[page.docname] != tracks[track]:
            problems.append(
                f"{page.docname}: track {track!r} but listed under {part_of[page.docname]!r}"
            )
        if "optional" in page.front_matter:
            problems.append(f"{page.docname}: 'optional' is replaced by 'track'")
    assert not problems, "\n".join(problems)


def test_the_paths_come_in_order_with_the_core_first():
    tracks = list(site.tracks().values())
    captions = [caption for caption, _ in _toc_parts() if caption in tracks]
    assert captions == tracks


def test_the_core_walks_the_seed_path_in_half_a_day(episodes):
    core = [page for page in episodes if page.front_matter.get("track") == "core"]
    assert [page.docname for page in core] == CORE_PATH
    total = sum(page.minutes for page in core)
    assert total <= CORE_MINUTES, f"the core states {total} min, more than {CORE_MINUTES}"


def test_every_track_but_the_core_is_optional_and_has_episodes(episodes):
    used = {page.front_matter.get("track") for page in episodes}
    assert used == set(site.tracks()), f"tracks without episodes: {set(site.tracks()) - used}"


def test_every_episode_fits_one_session_and_its_stated_time(episodes):
    problems = []
    for page in episodes:
        if not 0 < page.minutes <= EPISODE_MINUTES:
            problems.append(f"{page.docname}: {page.minutes} min (at most {EPISODE_MINUTES})")
        limit = min(PAGE_WORDS, WORDS_PER_MINUTE * page.minutes)
        if page.words > limit:
            problems.append(
                f"{page.docname}: {page.words} words for {page.minutes} min "
                f"(at most {limit}: {WORDS_PER_MINUTE} a minute, {PAGE_WORDS} a page)"
            )
    assert not problems, "\n".join(problems)


def test_no_learner_page_runs_long(pages):
    long = [
        f"{page.docname}: {page.words} words"
        for page in pages
        if page.docname not in NOT_FOR_LEARNERS and page.words > PAGE_WORDS
    ]
    assert not long, long


def test_core_pages_show_only_short_files_whole(episodes):
    """A file a core episode includes whole (no :lines:, :pyobject:, :start-after: ...) is the
    teaching version of a script: at most 60 lines."""
    selectors = {"lines", "pyobject", "start-after", "start-at", "end-before", "end-at"}
    problems = []
    for page in episodes:
        if page.front_matter.get("track") != "core":
            continue
        for block in page.blocks:
            if block.name != "literalinclude" or selectors & block.options.keys():
                continue
            target = block.argument.strip()
            if not target.startswith(("/code/", "/exercises/", "/solutions/")):
                continue  # generated outputs and site files
            lines = len(site.resolve(page.path, target).read_text(encoding="utf-8").splitlines())
            if lines > SHOWN_WHOLE_LINES:
                problems.append(f"{block.where}: {target} shown whole has {lines} lines")
    assert not problems, "\n".join(problems)


# Sentences about the lesson's own machinery. "test" alone is the example's vocabulary (test
# accuracy, the test split), so only its uses about checking the lesson are caught.
MACHINERY = re.compile(
    r"|".join(
        [
            r"\b(?:lesson's|our|its|their|these|the lesson|this lesson)(?:'s)? (?:own )?tests?\b",
            r"\btests? (?:of|in|for) (?:this|the) lesson\b",
            r"\btest suites?\b",
            r"\bpytest\b",
            r"\bnbval\b",
            r"\bCI\b",
            r"continuous integration",
            r"\bmaintainers?\b",
            r"\b(?:lesson|it|this|command|example) (?:is |was )?(?:not )?tested\b",
            r"\b(?:is|are|was|were|not|be) tested (?:with|on|here|by)\b",
            r"\btested example\b",
            r"\bthe tests? (?:runs?|checks?|checked|makes?|made|fails?|compares?)\b",
            r"\bbuild(?:s|ing)? (?:of )?(?:the|this) (?:site|book|lesson|pages?)\b",
            r"\b(?:the|a) (?:site|book|page) is built\b",
            r"\bbuild time\b",
            r"\bthe (?:site's |lesson's )?build\b",
        ]
    ),
    re.IGNORECASE,
)


def test_learner_pages_do_not_talk_about_the_lessons_machinery(pages):
    problems = []
    for page in pages:
        if page.docname in NOT_FOR_LEARNERS | ABOUT_THE_PRACTICE_CLUSTERS:
            continue
        body = re.sub(r"\A---\n.*?\n---\n", "", page.text, count=1, flags=re.DOTALL)
        for line in body.splitlines():
            for match in MACHINERY.finditer(line):
                problems.append(f"{page.docname}: '{match[0]}' in: {line.strip()}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "caught"),
    [
        ("every command is run by the lesson's tests", True),
        ("(its test checks that)", True),
        ("the tests of this lesson check that", True),
        ("CI runs it on every change", True),
        ("when the site is built", True),
        ("the test accuracy of the model", False),
        ("the train/test split", False),
        ("build the image with podman", False),
        ("the versions the lesson is tested with", True),
        ("so this command is not tested here", True),
        ("trained and tested on the same flowers", False),
        ("a little more than a test run needed", False),
    ],
)
def test_the_machinery_pattern(text, caught):
    assert bool(MACHINERY.search(text)) is caught


# --- The schedules ---------------------------------------------------------------------------


def _built_tables(html: str) -> list[list[list[str]]]:
    tables = re.findall(r'<table class="[^"]*lesson-schedule.*?</table>', html, re.DOTALL)
    return [
        [
            [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in row]
            for row in (
                re.findall(r"<td[^>]*>(.*?)</td>", tr, re.DOTALL)
                for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.DOTALL)
            )
            if row
        ]
        for table in tables
    ]


def _schedule_blocks(page):
    return [block for block in page.blocks if block.name == "lesson-schedule"]


def test_the_schedules_are_made_from_the_front_matter(pages, episodes, site_dir):
    """Every schedule table on the built site lists the episodes of the tracks its directive
    names, in reading order, with their front matter's minutes and a running total."""
    if not (site_dir / "index.html").exists():
        pytest.skip(f"the site is not built at {site_dir} (run 'make html' or set SITE_DIR)")
    tracks = site.tracks()
    checked = 0
    for page in pages:
        blocks = _schedule_blocks(page)
        if not blocks:
            continue
        html = (site_dir / f"{page.docname}.html").read_text(encoding="utf-8")
        tables = _built_tables(html)
        assert len(tables) == len(blocks), page.docname
        for block, rows in zip(blocks, tables, strict=True):
            wanted = block.options.get("tracks", "all").split()
            wanted = list(tracks) if wanted == ["all"] else wanted
            expected, total = [], 0
            for episode in episodes:
                if episode.front_matter["track"] not in wanted:
                    continue
                total += episode.minutes
                title = re.search(r"^# (.+)$", episode.text, re.MULTILINE)[1]
                expected.append(
                    [
                        title,
                        tracks[episode.front_matter["track"]],
                        str(episode.front_matter["teaching"]),
                        str(episode.front_matter["exercises"]),
                        f"{total // 60} h {total % 60:02d} min",
                    ]
                )
            assert rows == expected, (page.docname, block.options)
            checked += 1
    assert checked


def test_the_instructor_guide_has_a_half_day_and_a_two_day_schedule(pages):
    guide = next(page for page in pages if page.docname == "content/instructor-guide")
    schedules = [block.options.get("tracks", "all").split() for block in _schedule_blocks(guide)]
    assert ["core"] in schedules, "no half-day schedule of the core"
    days = [tracks for tracks in schedules if tracks != ["core"] and tracks != ["all"]]
    assert len(days) == 2 and days[0][0] == "core", f"no two-day schedule: {schedules}"
    assert set(days[0] + days[1]) <= set(site.tracks())


def test_built_episodes_say_which_path_they_are_on(episodes, site_dir):
    if not (site_dir / "index.html").exists():
        pytest.skip(f"the site is not built at {site_dir} (run 'make html' or set SITE_DIR)")
    tracks = site.tracks()
    problems = []
    for page in episodes:
        html = (site_dir / f"{page.docname}.html").read_text(encoding="utf-8")
        banner = re.search(r'<p class="lesson-path">(.*?)</p>', html, re.DOTALL)
        track = page.front_matter["track"]
        where = "On the core path" if track == "core" else f"Optional. {tracks[track]}"
        if not banner or not banner[1].startswith(f"{where} · {page.minutes} min"):
            problems.append(f"{page.docname}: {banner[1] if banner else 'no path line'}")
    assert not problems, "\n".join(problems)
