"""A real browser over the built site: serve it on localhost, crawl it once, keep what each page
showed.

SITE_DIR chooses the built site (default: _build/html); SCREENSHOT_DIR where page screenshots go
(default: _build/screenshots, which CI keeps as an artifact). Every test here is marked `browser`,
so tests/conftest.py skips them (with the reason) where Chromium or the built site is missing, and
fails them under REQUIRE_BROWSER=1.

The server, the browser and the crawl live as long as the suite's one test module (scope
"module"), not the whole session: under pytest-xdist the same worker goes on with other suites,
and an idle headless Chromium left open keeps using a tenth of a core all that time.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
import urllib.parse
from collections import deque

import pytest

from lessontest.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CODE_KINDS_JS,
    DESKTOP,
    PHONE,
    SCREENSHOT_DIR,
    WITHOUT_CODE,
    PageVisit,
    QuietHandler,
    axe_blocking,
    is_page,
    new_context,
    relative,
    set_theme,
    too_wide,
)
from lessontest.paths import SITE_DIR

REFRESH = re.compile(
    r"""<meta[^>]*http-equiv=["']refresh["'][^>]*content=["']([^"']*)["']""", re.IGNORECASE
)


@pytest.fixture(scope="session")
def site_dir():
    if not (SITE_DIR / "index.html").exists():
        pytest.fail(f"no built site at {SITE_DIR} (run 'make html' or set SITE_DIR)")
    return SITE_DIR


@pytest.fixture(scope="module")
def base_url(site_dir):
    """The site served over http on a free localhost port, for the whole session."""
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def crawl(browser, base_url, site_dir) -> dict[str, PageVisit]:
    """Visit every page reachable from the index once.

    Keeps its errors, requests, ids, links and a screenshot; then what axe-core finds in the light
    theme (every rule) and in the dark one (color-contrast), outside highlighted code (whose kinds
    of span it keeps, for test_code_colours_have_enough_contrast), and whether the page scrolls
    sideways in a phone's 375 px window. One visit per page: loading a page again for each check
    cost more than the checks.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOT_DIR.glob("*.*g"):  # the folder shows this run only (.jpg; .png before)
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
            path = relative(url, base_url)
            # A page that only redirects (the root index.html, to content/index.html) is known by
            # its file: by now the browser has followed it, so the live page shows the target and
            # is not looked at.
            served = site_dir / (path + "index.html" if path.endswith("/") or not path else path)
            html = served.read_text(encoding="utf-8") if served.is_file() else ""  # 404: no page
            refresh = REFRESH.findall(html)
            if refresh:
                links = [urllib.parse.urljoin(url, t.split("url=", 1)[-1].strip()) for t in refresh]
                ids = set()
            else:
                links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
                ids = set(
                    page.eval_on_selector_all(
                        "[id], a[name]", "els => els.map(e => e.id || e.name)"
                    )
                )
            # What the page itself did, kept before axe runs: axe-core fetches stylesheets' @import
            # targets again by XHR and resolves them against the page instead of the stylesheet
            # (a 404 for /basic.css that no reader's browser ever asks for).
            errors, failed, external = (
                list(guard.console_errors),
                list(guard.failed),
                list(guard.external),
            )
            shot, wide = None, None
            violations, dark, code = [], [], set()
            if not refresh:
                # JPEG: half the time of a PNG of a long page, and as good for looking at.
                shot = SCREENSHOT_DIR / (path.replace("/", "__") + ".jpg")
                page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=80)
                violations = axe_blocking(page, WITHOUT_CODE)
                code = set(page.evaluate(CODE_KINDS_JS))
                set_theme(page, "dark")
                dark = axe_blocking(page, WITHOUT_CODE, runOnly=["color-contrast"])
                set_theme(page, "light")
                page.set_viewport_size(PHONE)
                wide = too_wide(page)
                page.set_viewport_size(DESKTOP)
            visits[path] = PageVisit(
                path, errors, failed, external, ids, links, violations, dark, code, wide, shot
            )
            for link in links:
                target = urllib.parse.urldefrag(link).url
                if is_page(target, base_url) and target not in seen:
                    seen.add(target)
                    queue.append(target)
    finally:
        context.close()
    return visits


@pytest.fixture(scope="module")
def content_pages(crawl) -> list[str]:
    """Crawled pages that are real pages (not the root redirect)."""
    return sorted(path for path, visit in crawl.items() if visit.screenshot is not None)
