"""The browser suite's tools (tests/site/browser): a local server for the built site, a Chromium
context that cannot reach other hosts, and what one visit of a page saw."""

from __future__ import annotations

import dataclasses
import http.server
import os
import pathlib
import urllib.parse

from lessontest.paths import ROOT

SCREENSHOT_DIR = pathlib.Path(
    os.environ.get("SCREENSHOT_DIR", ROOT / "_build" / "screenshots")
).resolve()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# axe-core impacts that fail the suite.
BLOCKING_IMPACTS = ("critical", "serious")
# Highlighted code: thousands of spans whose colours depend only on their highlighting class,
# whether they sit in an emphasised line (.hll, another background) and the theme. The crawl checks
# every page without them and keeps each page's kinds of span; tests/site/browser checks one span of
# each kind per theme.
WITHOUT_CODE = {"exclude": [[".highlight"]]}
_CODE_KIND = "el => el.className + (el.closest('.hll') ? ' (emphasised line)' : '')"
CODE_KINDS_JS = (
    "() => [...new Set([...document.querySelectorAll('.highlight span[class]')]"
    f".filter(el => el.textContent.trim()).map({_CODE_KIND}))]"
)
# Marks one span of each kind in `kinds` (the first with text) for axe; returns the kinds marked.
MARK_CODE_SAMPLES_JS = (
    "kinds => { const kind = " + _CODE_KIND + "; const marked = new Set();\n"
    "  for (const el of document.querySelectorAll('.highlight span[class]')) {\n"
    "    const k = kind(el);\n"
    "    if (kinds.includes(k) && !marked.has(k) && el.textContent.trim()) {\n"
    "      el.setAttribute('data-contrast-sample', ''); marked.add(k); } }\n"
    "  return [...marked]; }"
)
CODE_SAMPLES = {"include": [["[data-contrast-sample]"]]}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class Guard:
    """Lets only requests to the local server through; records everything that went wrong."""

    def __init__(self, base_url: str):
        self.origin = urllib.parse.urlsplit(base_url).netloc
        self.external: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []

    def reset(self):
        self.external, self.failed, self.console_errors = [], [], []

    def route(self, route):
        url = route.request.url
        parts = urllib.parse.urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == self.origin:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def attach(self, page):
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and self.console_errors.append(
                    f"{msg.text} ({msg.location.get('url', '')}:"
                    f"{msg.location.get('lineNumber', '')})"
                )
            ),
        )
        page.on("pageerror", lambda exc: self.console_errors.append(f"uncaught: {exc}"))
        page.on(
            "requestfailed",
            lambda req: (
                urllib.parse.urlsplit(req.url).netloc == self.origin
                and self.failed.append(f"{req.url}: {req.failure}")
            ),
        )
        page.on(
            "response",
            lambda resp: (
                resp.status >= 400 and self.failed.append(f"{resp.url}: HTTP {resp.status}")
            ),
        )


def new_context(browser, base_url, viewport=DESKTOP, **kwargs):
    """A browser context that cannot reach other hosts, with its guard and one page."""
    context = browser.new_context(viewport=viewport, service_workers="block", **kwargs)
    guard = Guard(base_url)
    context.route("**/*", guard.route)
    page = context.new_page()
    guard.attach(page)
    return context, page, guard


@dataclasses.dataclass
class PageVisit:
    path: str  # relative to the site root, e.g. content/setup.html
    console_errors: list[str]
    failed_requests: list[str]
    external_requests: list[str]
    ids: set[str]
    links: list[str]  # absolute URLs of every <a href> on the page
    violations: list[dict]  # axe-core violations with a blocking impact
    dark_violations: list[dict]  # the same for color-contrast, with the dark theme switched on
    code_kinds: set[str]  # the kinds of span in its highlighted code (checked on their own)
    too_wide_at_375: str | None  # what scrolls sideways in a 375 px window, if anything
    screenshot: pathlib.Path | None  # None for the root redirect, which shows nothing


def relative(url: str, base_url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    return urllib.parse.unquote(path[len(urllib.parse.urlsplit(base_url).path) :])


def is_page(url: str, base_url: str) -> bool:
    return url.startswith(base_url) and (urllib.parse.urlsplit(url).path.endswith((".html", "/")))


def axe_blocking(page, context=None, **options) -> list[dict]:
    """axe-core's violations with a blocking impact on the page as it is now; `context` and
    `options` go to axe.run (e.g. context=WITHOUT_CODE, runOnly=["color-contrast"])."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context, options={"resultTypes": ["violations"], **options})
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [" ".join(map(str, node["target"])) for node in v["nodes"][:5]],
            "count": len(v["nodes"]),
        }
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]


_WIDTH_JS = """() => {
  const root = document.scrollingElement || document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1
                  && el.getClientRects().length)
    .slice(0, 3)
    .map(el => el.tagName.toLowerCase()
               + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
  return {scroll: root.scrollWidth, client: root.clientWidth, wide};
}"""


def too_wide(page) -> str | None:
    """Whether the page, at its current window size, is wider than the window (so it scrolls
    sideways): None, or what is too wide."""
    widths = page.evaluate(_WIDTH_JS)
    if widths["scroll"] <= widths["client"]:
        return None
    return (
        f"page is {widths['scroll']} px wide in a {widths['client']} px window; "
        f"e.g. {widths['wide']}"
    )


def set_theme(page, theme: str) -> None:
    """Switch the page to the theme's "light" or "dark" mode, as its theme switch does (the
    data-theme attribute the theme's stylesheets follow), and let colour transitions finish."""
    page.evaluate(f"document.documentElement.dataset.theme = {theme!r}")
    page.wait_for_timeout(300)
