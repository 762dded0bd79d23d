"""Lesson boxes for the chapters: questions, objectives, key points, instructor notes.

Each chapter declares its timing once, in its front matter::

    ---
    teaching: 15
    exercises: 10
    ---

and the ``keypoints`` box at the end of the chapter shows that estimate. The instructor guide's
``lesson-schedule`` directive turns the same numbers into a table for the whole lesson, in the
reading order of ``_toc.yml``, so that a chapter's time is written in exactly one place.
"""

from __future__ import annotations

import pathlib

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.parsers.rst.directives.admonitions import BaseAdmonition

TIMING_KEYS = ("teaching", "exercises")


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
    has_content = False

    def run(self):
        return [schedule_placeholder()]


def _minutes(meta: dict, key: str) -> int:
    value = meta.get(key, 0)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"front matter '{key}' must be a whole number of minutes, got {value!r}"
        ) from exc


def _add_timing_to_keypoints(app, doctree):
    """After a page is read, append its time estimate to its key points box."""
    docname = app.env.docname
    meta = app.env.metadata.get(docname, {})
    if not any(key in meta for key in TIMING_KEYS):
        return
    teaching, exercises = (_minutes(meta, key) for key in TIMING_KEYS)
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
    for placeholder in list(doctree.findall(schedule_placeholder)):
        table = nodes.table(classes=["lesson-schedule"])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (50, 15, 15, 20):
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

        row(["Chapter", "Teaching (min)", "Exercises (min)", "Running total"], head)
        total = 0
        for doc in _reading_order(env):
            meta = env.metadata.get(doc, {})
            if not any(key in meta for key in TIMING_KEYS):
                continue
            teaching, exercises = (_minutes(meta, key) for key in TIMING_KEYS)
            # `optional: true` in the front matter: a chapter off the core path, listed with its
            # times but left out of the running total (the core path's length).
            optional = str(meta.get("optional", "false")).lower() == "true"
            if not optional:
                total += teaching + exercises
            para = nodes.paragraph()
            ref = nodes.reference("", "", internal=True)
            ref["refuri"] = app.builder.get_relative_uri(fromdocname, doc)
            ref += nodes.Text(env.titles[doc].astext())
            para += ref
            if optional:
                para += nodes.Text(" (optional)")
            hours, minutes = divmod(total, 60)
            running = "optional" if optional else f"{hours} h {minutes:02d} min"
            row([para, teaching, exercises, running], body)
        placeholder.replace_self(table)


def setup(app):
    app.add_directive("questions", Questions)
    app.add_directive("objectives", Objectives)
    app.add_directive("prerequisites", Prerequisites)
    app.add_directive("instructor-note", InstructorNote)
    app.add_directive("keypoints", KeyPoints)
    app.add_directive("lesson-schedule", LessonSchedule)
    app.add_node(schedule_placeholder)
    app.connect("doctree-read", _add_timing_to_keypoints, priority=600)
    app.connect("doctree-resolved", _fill_schedule)
    app.connect("env-get-outdated", _schedule_pages_are_outdated)
    app.add_css_file("lesson.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
