"""The lesson's page rules: chapter structure, the exercise list, no remote assets.

(That every command a page shows is run by a test is checked by
test_page_commands_are_named_by_tests.py.)
"""

from __future__ import annotations

import html.parser
import re

import pytest
import yaml

from lessontest import pages as site
from lessontest.paths import ROOT

# The parts of _toc.yml whose pages are all episodes (front matter timing, questions ... key
# points): the lesson's paths, captioned as in _config.yml's lesson_tracks.
CHAPTER_PARTS = tuple(site.tracks().values())


# --- Chapters -------------------------------------------------------------------------------------


def _toc_chapters() -> list[str]:
    """Top-level chapter entries of the chapter parts. Nested `sections` (the notebook under
    notebook-to-script) are parts of their chapter, whose timing covers them."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = []
    for part in toc["parts"]:
        if part.get("caption", "") in CHAPTER_PARTS:
            found.extend(entry["file"] for entry in part["chapters"])
    return found


def _chapters(pages) -> list:
    by_doc = {page.docname: page for page in pages}
    wanted = set(_toc_chapters())
    missing = sorted(wanted - by_doc.keys())
    assert not missing, f"_toc.yml lists chapters that are not in content/: {missing}"
    timed = {page.docname for page in pages if {"teaching", "exercises"} & page.front_matter.keys()}
    return [by_doc[doc] for doc in sorted(wanted | timed)]


def _top_level_sequence(page) -> list[str]:
    """Block-level items of a page in order, as 'heading', '{directive}' or 'other'."""
    sequence = []
    depth = 0
    for token in page.tokens:
        if token.type == "front_matter":
            continue
        if token.nesting == 1:
            if depth == 0:
                sequence.append("heading" if token.type == "heading_open" else "other")
            depth += 1
        elif token.nesting == -1:
            depth -= 1
        elif depth == 0:
            if token.type in ("fence", "colon_fence"):
                match = re.match(r"^\{([^}]+)\}", token.info.strip())
                sequence.append("{" + match.group(1) + "}" if match else "other")
            elif token.type not in ("html_block",) or not token.content.strip().startswith("<!--"):
                sequence.append("other")
    return sequence


def test_chapter_parts_exist():
    assert len(_toc_chapters()) >= 10, (
        "expected the parts of _toc.yml named after the lesson's tracks to list the episodes"
    )


def test_every_chapter_has_timing_front_matter(pages):
    problems = []
    for page in _chapters(pages):
        for key in ("teaching", "exercises"):
            value = page.front_matter.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(
                    f"{page.docname}: front matter '{key}' must be whole minutes, got {value!r}"
                )
    assert not problems, "\n".join(problems)


def test_every_chapter_opens_with_questions_and_objectives(pages):
    problems = []
    for page in _chapters(pages):
        sequence = _top_level_sequence(page)
        if sequence[:1] != ["heading"]:
            problems.append(f"{page.docname}: does not start with its title")
            continue
        if sorted(sequence[1:3]) != ["{objectives}", "{questions}"]:
            problems.append(
                f"{page.docname}: after the title comes {sequence[1:3]}, "
                "not questions and objectives"
            )
    assert not problems, "\n".join(problems)


def test_every_chapter_ends_with_key_points(pages):
    problems = []
    for page in _chapters(pages):
        sequence = _top_level_sequence(page)
        if sequence[-1:] != ["{keypoints}"]:
            problems.append(f"{page.docname}: ends with {sequence[-1:]}, not a keypoints box")
        if sequence.count("{keypoints}") != 1:
            problems.append(f"{page.docname}: has {sequence.count('{keypoints}')} keypoints boxes")
    assert not problems, "\n".join(problems)


def test_built_chapters_show_their_time_estimate(pages, site_dir):
    if not (site_dir / "index.html").exists():
        pytest.skip(f"the site is not built at {site_dir} (run 'make html' or set SITE_DIR)")
    problems = []
    for page in _chapters(pages):
        built = site_dir / f"{page.docname}.html"
        if not built.exists():
            problems.append(f"{page.docname}: not in the built site {site_dir}")
            continue
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", built.read_text(encoding="utf-8")))
        expected = (
            f"Time for this chapter: {page.front_matter.get('teaching')} min teaching, "
            f"{page.front_matter.get('exercises')} min exercises."
        )
        if expected not in text:
            problems.append(f"{page.docname}: the built page lacks '{expected}'")
    assert not problems, "\n".join(problems)


# --- The exercise list ----------------------------------------------------------------------------


def _exercise_labels(pages) -> dict[str, str]:
    labels = {}
    for page in pages:
        if page.path.name == "exercises.md":
            continue
        for b in page.blocks:
            if b.is_directive and b.name in ("exercise", "exercise-start"):
                labels[b.options.get("label", f"<no label at {b.where}>")] = b.where
    return labels


def test_every_exercise_has_a_label(pages):
    unlabelled = [
        where for label, where in _exercise_labels(pages).items() if label.startswith("<no label")
    ]
    assert not unlabelled, "exercises without :label::\n" + "\n".join(unlabelled)


def test_exercise_list_is_complete(pages):
    labels = _exercise_labels(pages)
    assert labels, "no {exercise} found in content/"
    listing = (site.CONTENT / "exercises.md").read_text(encoding="utf-8")
    referenced = set(re.findall(r"\{(?:ref|numref)\}`(?:[^`<]*<)?([^`<>]+)>?`", listing))
    missing = sorted(set(labels) - referenced)
    unknown = sorted(referenced - set(labels))
    assert not missing, "content/exercises.md does not list: " + ", ".join(
        f"{label} ({labels[label]})" for label in missing
    )
    assert not unknown, f"content/exercises.md lists labels that no exercise has: {unknown}"


def test_every_solution_is_folded_and_belongs_to_an_exercise(pages):
    labels = _exercise_labels(pages)
    problems = []
    for page in pages:
        for b in page.blocks:
            if b.is_directive and b.name in ("solution", "solution-start"):
                if "dropdown" not in b.classes:
                    problems.append(f"{b.where}: solution {b.argument} lacks :class: dropdown")
                if b.argument not in labels:
                    problems.append(f"{b.where}: solution for unknown exercise {b.argument!r}")
    assert not problems, "\n".join(problems)


# --- Nothing fetched from third-party hosts -------------------------------------------------------

_REMOTE = re.compile(r"^(?:https?:)?//", re.I)


def test_pages_reference_no_remote_images_scripts_or_styles(pages):
    problems = []
    for page in pages:
        for b in page.blocks:
            if b.is_directive and b.name in ("image", "figure") and _REMOTE.match(b.argument):
                problems.append(f"{b.where}: remote {b.name} {b.argument}")
        for match in re.finditer(r"!\[[^\]]*\]\(\s*<?((?:https?:)?//[^)\s>]+)", page.text):
            problems.append(f"{page.path.relative_to(ROOT)}: remote image {match.group(1)}")
        for match in re.finditer(
            r"<(img|script|link|iframe|video|audio|source)\b[^>]*\b(?:src|href)\s*=\s*[\"']((?:https?:)?//[^\"']+)",
            page.text,
            re.I,
        ):
            problems.append(
                f"{page.path.relative_to(ROOT)}: remote <{match.group(1)}> {match.group(2)}"
            )
    for path in sorted((ROOT / "_static").rglob("*")):
        if path.is_file() and path.suffix in (".css", ".js", ".html"):
            for match in re.finditer(
                r"(?:url\(\s*[\"']?|@import\s+[\"']|src\s*=\s*[\"'])((?:https?:)?//[^\"')\s]+)",
                path.read_text(encoding="utf-8"),
            ):
                problems.append(f"{path.relative_to(ROOT)}: remote asset {match.group(1)}")
    assert not problems, "pages must not load anything from other hosts:\n" + "\n".join(problems)


class _AssetFinder(html.parser.HTMLParser):
    """Collects the URLs a browser fetches while loading a page.

    Not the links a reader may follow.
    """

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in (
            "script",
            "img",
            "iframe",
            "video",
            "audio",
            "source",
            "embed",
            "track",
        ) and attrs.get("src"):
            self.urls.append((tag, attrs["src"]))
        if tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower()
            if any(
                word in rel
                for word in ("stylesheet", "preload", "icon", "modulepreload", "prefetch")
            ):
                self.urls.append((tag, attrs["href"]))
        if tag == "object" and attrs.get("data"):
            self.urls.append((tag, attrs["data"]))


def test_built_pages_load_nothing_from_other_hosts(site_dir):
    if not (site_dir / "index.html").exists():
        pytest.skip(f"the site is not built at {site_dir} (run 'make html' or set SITE_DIR)")
    problems = []
    for path in sorted(site_dir.rglob("*.html")):
        if (
            "_static" in path.relative_to(site_dir).parts
            or "_sources" in path.relative_to(site_dir).parts
        ):
            continue
        finder = _AssetFinder()
        finder.feed(path.read_text(encoding="utf-8", errors="replace"))
        for tag, url in finder.urls:
            if _REMOTE.match(url):
                problems.append(f"{path.relative_to(site_dir)}: <{tag}> {url}")
    for path in sorted(site_dir.glob("_static/**/*.css")):
        for match in re.finditer(
            r"url\(\s*[\"']?((?:https?:)?//[^\"')\s]+)",
            path.read_text(encoding="utf-8", errors="replace"),
        ):
            problems.append(f"{path.relative_to(site_dir)}: css url {match.group(1)}")
    assert not problems, "the built site fetches from other hosts:\n" + "\n".join(problems)


# --- The built pages' furniture: one search box, folded listings ----------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_VOID |= {"track", "wbr"}


class _Elements(html.parser.HTMLParser):
    """Every element of a page with the classes of the elements around it, and the text of each
    <pre> with whether it sits inside a <details> (a folded box)."""

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, set[str]]] = []
        self.elements: list[tuple[str, set[str], list[set[str]]]] = []
        self.pres: list[tuple[list[str], bool]] = []  # (text pieces, folded)

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        self.elements.append((tag, classes, [c for _, c in self.open]))
        if tag == "pre":
            self.pres.append(([], any(t == "details" for t, _ in self.open)))
        if tag not in _VOID:
            self.open.append((tag, classes))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                break

    def handle_data(self, data):
        if any(t == "pre" for t, _ in self.open):
            self.pres[-1][0].append(data)


def _parsed(path) -> _Elements:
    elements = _Elements()
    elements.feed(path.read_text(encoding="utf-8"))
    return elements


def _require_site(site_dir) -> None:
    if not (site_dir / "index.html").exists():
        pytest.skip(f"the site is not built at {site_dir} (run 'make html' or set SITE_DIR)")


def _built_pages(site_dir) -> list:
    _require_site(site_dir)
    skip = {"_static", "_sources", "_images", "_downloads"}
    return [
        p for p in sorted(site_dir.rglob("*.html")) if not skip & set(p.relative_to(site_dir).parts)
    ]


def test_every_page_has_one_search_box(site_dir):
    """The sidebar's search field only; the theme's top bar would add a second one
    (_config.yml, html_theme_options). On narrow screens, where the sidebar folds away, an icon
    in the article's header opens the same search instead."""
    problems = []
    pages = _built_pages(site_dir)
    for path in pages:
        elements = _parsed(path).elements
        if not any(tag == "body" for tag, _, _ in elements):
            continue  # the top folder's index.html only redirects to content/index.html
        fields = [outer for _, classes, outer in elements if "search-button-field" in classes]
        in_sidebar = [o for o in fields if any("bd-sidebar-primary" in c for c in o)]
        icons = [
            outer
            for _, classes, outer in elements
            if "search-button" in classes and "search-button-field" not in classes
        ]
        name = path.relative_to(site_dir)
        if len(fields) != 1 or len(in_sidebar) != 1:
            problems.append(
                f"{name}: {len(fields)} search fields, {len(in_sidebar)} in the sidebar"
            )
        if len(icons) != 1 or not any("bd-header-article" in c for c in icons[0]):
            problems.append(
                f"{name}: {len(icons)} search icons, expected one in the article header"
            )
    assert len(pages) > 20, f"only {len(pages)} built pages found in {site_dir}"
    assert not problems, "\n".join(problems)


def test_assignment_page_folds_its_full_listings(pages, site_dir):
    """The assignment page shows whole files (the starting scripts and the reference workflows):
    each sits in a folded box, in the page's source and in the built page."""
    page = next(p for p in pages if p.path.name == "assignment.md")
    includes = [b for b in page.blocks if b.is_directive and b.name == "literalinclude"]
    starters = [b for b in includes if b.argument.startswith("/exercises/assignment/")]
    assert len(starters) == 3, f"expected the three starting scripts, found {len(starters)}"
    unfolded = [f"{b.where}: {b.argument}" for b in includes if "dropdown" not in b.parents]
    assert not unfolded, "listings not inside a {dropdown}:\n" + "\n".join(unfolded)
    _require_site(site_dir)
    built = _parsed(site_dir / "content" / "assignment.html")
    listings = {"".join(text).strip(): folded for text, folded in built.pres}
    for block in includes:
        shown = site.resolve(page.path, block.argument).read_text(encoding="utf-8").strip()
        assert shown in listings, f"{block.argument} is not shown whole on the built page"
        assert listings[shown], f"{block.argument} is not folded on the built page"


def test_every_alt_text_is_one_line():
    """MyST keeps only the first line of a figure's or image's :alt: option as the alt text and
    puts the rest in front of the caption, so an alt text that goes on for a second line is cut."""
    cut = []
    for page in sorted((ROOT / "content").glob("*.md")):
        lines = page.read_text().splitlines() + [""]
        for number, (line, after) in enumerate(zip(lines, lines[1:], strict=False), 1):
            if line.startswith(":alt:") and after.startswith((" ", "\t")) and after.strip():
                cut.append(f"{page.relative_to(ROOT)}:{number}")
    assert not cut, f"alt texts that go on for more than one line: {cut}"
