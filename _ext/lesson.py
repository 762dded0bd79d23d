"""Lesson boxes for the chapters: questions, objectives, key points, instructor notes.

Each episode declares its timing and its path once, in its front matter::

    ---
    teaching: 15
    exercises: 10
    track: core
    ---

The page then says at its top which path it is on (the core, or an optional track named in
``_config.yml``'s ``lesson_tracks``) and how long it takes, and the ``keypoints`` box at its end
repeats the estimate. The ``lesson-schedule`` directive turns the same numbers into a table of the
episodes of the tracks it names (``:tracks: core planning``), in the reading order of
``_toc.yml``, so that an episode's time is written in exactly one place.
"""

from __future__ import annotations

import pathlib

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.admonitions import BaseAdmonition
from sphinx.util import logging

TIMING_KEYS = ("teaching", "exercises")
logger = logging.getLogger(__name__)


class _LessonBox(BaseAdmonition):
    """An admonition with a fixed default title and CSS classes."""

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    node_class = nodes.admonition
    default_title = ""
    box_classes: tuple[str, ...] = ()

    def run(self):
        if not self.arguments:
            self.arguments = [self.default_title]
        extra = self.options.get("class", [])
        self.options["class"] = [*self.box_classes, *extra]
        return super().run()


class Questions(_LessonBox):
    default_title = "Questions"
    box_classes = ("lesson-questions", "note")


class Objectives(_LessonBox):
    default_title = "Objectives"
    box_classes = ("lesson-objectives", "tip")


class Prerequisites(_LessonBox):
    default_title = "Prerequisites"
    box_classes = ("lesson-prerequisites", "seealso")


class InstructorNote(_LessonBox):
    default_title = "Instructor note"
    box_classes = ("lesson-instructor-note", "attention", "dropdown")


class KeyPoints(_LessonBox):
    default_title = "Key points"
    box_classes = ("lesson-keypoints", "important")


class schedule_placeholder(nodes.General, nodes.Element):
    """Replaced by the lesson's schedule table."""


class LessonSchedule(Directive):
    """A table of the episodes of some tracks: ``:tracks: core containers`` (or ``all``), with
    an optional caption as the argument."""

    has_content = False
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {"tracks": directives.unchanged_required}

    def run(self):
        node = schedule_placeholder()
        node["tracks"] = self.options.get("tracks", "all").split()
        node["caption"] = self.arguments[0] if self.arguments else ""
        return [node]


def _minutes(meta: dict, key: str) -> int:
    value = meta.get(key, 0)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"front matter '{key}' must be a whole number of minutes, got {value!r}"
        ) from exc


def _track_name(app, meta: dict) -> str:
    """The name of the episode's track; a missing or unknown one is a build warning."""
    tracks = app.config.lesson_tracks
    track = str(meta.get("track", ""))
    if track not in tracks:
        logger.warning(
            f"front matter 'track' must be one of {', '.join(tracks)}, got {track!r}",
            location=app.env.docname,
        )
        return track
    return tracks[track]


def _add_timing(app, doctree):
    """After an episode is read, say at its top which path it is on and how long it takes, and
    append the estimate to its key points box."""
    docname = app.env.docname
    meta = app.env.metadata.get(docname, {})
    if not any(key in meta for key in TIMING_KEYS):
        return
    teaching, exercises = (_minutes(meta, key) for key in TIMING_KEYS)
    name = _track_name(app, meta)
    where = "On the core path" if meta.get("track") == "core" else f"Optional. {name}"
    text = f"{where} · {teaching + exercises} min ({teaching} teaching, {exercises} exercises)"
    banner = nodes.paragraph(text, text, classes=["lesson-path"])
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, banner)
    for box in doctree.findall(nodes.admonition):
        if "lesson-keypoints" in box["classes"]:
            text = f"Time for this chapter: {teaching} min teaching, {exercises} min exercises."
            box += nodes.paragraph(text, text, classes=["lesson-timing"])


def _reading_order(env) -> list[str]:
    """Documents in the order a reader meets them, following the toctrees from the root."""
    order: list[str] = []

    def visit(doc: str) -> None:
        if doc in order:
            return
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            visit(child)

    visit(env.config.root_doc)
    return order


def _schedule_pages_are_outdated(app, env, added, changed, removed):
    """The schedule reads every page's time estimate and the reading order, so a page that shows
    it is read again whenever any page is added, changed or removed; otherwise an incremental
    build would keep a stale table."""
    if not (added or changed or removed):
        return []
    return [
        doc
        for doc in env.found_docs
        if doc not in added | changed
        and "{lesson-schedule}" in pathlib.Path(env.doc2path(doc)).read_text(encoding="utf-8")
    ]


def _fill_schedule(app, doctree, fromdocname):
    env = app.env
    tracks = app.config.lesson_tracks
    for placeholder in list(doctree.findall(schedule_placeholder)):
        wanted = placeholder["tracks"]
        if wanted == ["all"]:
            wanted = list(tracks)
        for track in wanted:
            if track not in tracks:
                logger.warning(f"lesson-schedule: unknown track {track!r}", location=placeholder)
        table = nodes.table(classes=["lesson-schedule"])
        if placeholder["caption"]:
            table += nodes.title(text=placeholder["caption"])
            # A table with a caption needs an ID (the HTML writer numbers captioned tables).
            table["ids"].append(nodes.make_id(f"schedule {placeholder['caption']}"))
        group = nodes.tgroup(cols=5)
        table += group
        for width in (40, 25, 10, 10, 15):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        body = nodes.tbody()
        group += head
        group += body

        def row(cells, parent):
            tr = nodes.row()
            for cell in cells:
                entry = nodes.entry()
                entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=str(cell))
                tr += entry
            parent += tr

        row(["Episode", "Path", "Teaching (min)", "Exercises (min)", "Running total"], head)
        total = 0
        for doc in _reading_order(env):
            meta = env.metadata.get(doc, {})
            if not any(key in meta for key in TIMING_KEYS) or meta.get("track") not in wanted:
                continue
            teaching, exercises = (_minutes(meta, key) for key in TIMING_KEYS)
            total += teaching + exercises
            para = nodes.paragraph()
            ref = nodes.reference("", "", internal=True)
            ref["refuri"] = app.builder.get_relative_uri(fromdocname, doc)
            ref += nodes.Text(env.titles[doc].astext())
            para += ref
            hours, minutes = divmod(total, 60)
            row(
                [para, tracks[meta["track"]], teaching, exercises, f"{hours} h {minutes:02d} min"],
                body,
            )
        placeholder.replace_self(table)


def setup(app):
    app.add_config_value("lesson_tracks", {}, "env")
    app.add_directive("questions", Questions)
    app.add_directive("objectives", Objectives)
    app.add_directive("prerequisites", Prerequisites)
    app.add_directive("instructor-note", InstructorNote)
    app.add_directive("keypoints", KeyPoints)
    app.add_directive("lesson-schedule", LessonSchedule)
    app.add_node(schedule_placeholder)
    app.connect("doctree-read", _add_timing, priority=600)
    app.connect("doctree-resolved", _fill_schedule)
    app.connect("env-get-outdated", _schedule_pages_are_outdated)
    app.add_css_file("lesson.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
