"""A real browser over the built site: serve it on localhost, crawl it once, keep what each page showed.

SITE_DIR chooses the built site (default: _build/html); SCREENSHOT_DIR where page screenshots go
(default: _build/screenshots, which CI keeps as an artifact). Every test here is marked `browser`, so
tests/conftest.py skips them (with the reason) where Chromium or the built site is missing, and fails
them under REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import os
import pathlib
import threading
import urllib.parse
from collections import deque

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE_DIR = pathlib.Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve()
SCREENSHOT_DIR = pathlib.Path(os.environ.get("SCREENSHOT_DIR", ROOT / "_build" / "screenshots")).resolve()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# axe-core impacts that fail the suite.
BLOCKING_IMPACTS = ("critical", "serious")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site_dir() -> pathlib.Path:
    if not (SITE_DIR / "index.html").exists():
        pytest.fail(f"no built site at {SITE_DIR} (run 'make html' or set SITE_DIR)")
    return SITE_DIR


@pytest.fixture(scope="session")
def base_url(site_dir):
    """The site served over http on a free localhost port, for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


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
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(
            f"{msg.text} ({msg.location.get('url', '')}:{msg.location.get('lineNumber', '')})"))
        page.on("pageerror", lambda exc: self.console_errors.append(f"uncaught: {exc}"))
        page.on("requestfailed", lambda req: urllib.parse.urlsplit(req.url).netloc == self.origin
                and self.failed.append(f"{req.url}: {req.failure}"))
        page.on("response", lambda resp: resp.status >= 400 and self.failed.append(f"{resp.url}: HTTP {resp.status}"))


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
    screenshot: pathlib.Path | None  # None for the root redirect, which shows nothing


def _relative(url: str, base_url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    return urllib.parse.unquote(path[len(urllib.parse.urlsplit(base_url).path):])


def _is_page(url: str, base_url: str) -> bool:
    return url.startswith(base_url) and (urllib.parse.urlsplit(url).path.endswith((".html", "/")))


def _axe_blocking(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {
            "rule": v["id"], "impact": v["impact"], "help": v["help"],
            "targets": [" ".join(map(str, node["target"])) for node in v["nodes"][:5]],
            "count": len(v["nodes"]),
        }
        for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS
    ]


@pytest.fixture(scope="session")
def crawl(browser, base_url) -> dict[str, PageVisit]:
    """Visit every page reachable from the index once: errors, requests, ids, links, axe, screenshot."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOT_DIR.glob("*.png"):  # the folder shows this run only
        old.unlink()
    context, page, guard = new_context(browser, base_url)
    visits: dict[str, PageVisit] = {}
    queue = deque([base_url + "index.html"])
    seen = set(queue)
    try:
        while queue:
            url = queue.popleft()
            guard.reset()
            page.goto(url, wait_until="networkidle")
            refresh = page.eval_on_selector_all(
                "meta[http-equiv='Refresh' i], meta[http-equiv='refresh']", "els => els.map(e => e.content)")
            links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            for content in refresh:  # the root index.html only redirects to content/index.html
                target = content.split("url=", 1)[-1].strip()
                links.append(urllib.parse.urljoin(url, target))
            ids = set(page.eval_on_selector_all("[id], a[name]", "els => els.map(e => e.id || e.name)"))
            path = _relative(url, base_url)
            # What the page itself did, kept before axe runs: axe-core fetches stylesheets' @import
            # targets again by XHR and resolves them against the page instead of the stylesheet
            # (a 404 for /basic.css that no reader's browser ever asks for).
            errors, failed, external = list(guard.console_errors), list(guard.failed), list(guard.external)
            shot = None
            violations = []
            if not refresh:
                shot = SCREENSHOT_DIR / (path.replace("/", "__") + ".png")
                page.screenshot(path=str(shot), full_page=True)
                violations = _axe_blocking(page)
            visits[path] = PageVisit(path, errors, failed, external, ids, links,
                                     violations, shot)
            for link in links:
                target = urllib.parse.urldefrag(link).url
                if _is_page(target, base_url) and target not in seen:
                    seen.add(target)
                    queue.append(target)
    finally:
        context.close()
    return visits


@pytest.fixture(scope="session")
def content_pages(crawl) -> list[str]:
    """Crawled pages that are real pages (not the root redirect)."""
    return sorted(path for path, visit in crawl.items() if visit.screenshot is not None)
