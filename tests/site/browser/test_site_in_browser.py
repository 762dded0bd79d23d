"""The built site in Chromium, page by page, the way readers meet it.

See conftest.py for the crawl.
"""

from __future__ import annotations

import urllib.parse

import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lessontest import browser as helpers
from lessontest.paths import ROOT

pytestmark = pytest.mark.browser


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{page}:\n  " + "\n  ".join(items) for page, items in sorted(problems.items()) if items
    )


# --- Every page, from one crawl -------------------------------------------------------------------


def test_crawl_reaches_every_page_of_the_toc(crawl):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    missing = [f for f in files if f"{f}.html" not in crawl]
    assert not missing, f"pages in _toc.yml that crawling from index.html never reached: {missing}"


def test_no_console_errors(crawl):
    problems = {path: visit.console_errors for path, visit in crawl.items()}
    assert not any(problems.values()), "console errors:\n" + _report(problems)


def test_no_failed_requests(crawl):
    problems = {path: visit.failed_requests for path, visit in crawl.items()}
    assert not any(problems.values()), "failed requests:\n" + _report(problems)


def test_no_request_leaves_the_local_server(crawl):
    problems = {path: visit.external_requests for path, visit in crawl.items()}
    assert not any(problems.values()), "requests to other hosts (blocked):\n" + _report(problems)


def test_every_page_has_a_screenshot(crawl, content_pages):
    missing = [
        p
        for p in content_pages
        if not crawl[p].screenshot.exists() or crawl[p].screenshot.stat().st_size == 0
    ]
    assert len(content_pages) >= 20, f"only {len(content_pages)} pages were crawled"
    assert not missing, f"no screenshot for {missing}"


def test_internal_links_and_anchors_resolve(crawl, base_url, browser):
    files_checked: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    context, page, _ = helpers.new_context(browser, base_url)
    try:
        for path, visit in crawl.items():
            for link in visit.links:
                if not link.startswith(base_url):
                    continue  # links to other sites are for readers to follow, not fetched here
                target, fragment = urllib.parse.urldefrag(link)
                target_path = helpers.relative(target, base_url)
                if target_path in crawl:
                    ok = True
                elif target_path.endswith("/") and target_path + "index.html" in crawl:
                    target_path, ok = target_path + "index.html", True
                else:
                    if target_path not in files_checked:
                        files_checked[target_path] = context.request.get(target).status
                    ok = files_checked[target_path] == 200
                if not ok:
                    problems.setdefault(path, []).append(
                        f"{link}: HTTP {files_checked.get(target_path)}"
                    )
                    continue
                fragment = urllib.parse.unquote(fragment)
                if fragment and target_path in crawl and fragment not in crawl[target_path].ids:
                    problems.setdefault(path, []).append(f"{link}: no element with id {fragment!r}")
    finally:
        context.close()
    assert not problems, "broken internal links or anchors:\n" + _report(problems)


def _violation(v: dict, where: str = "") -> str:
    """One line for an axe-core violation (see lessontest.browser.axe_blocking)."""
    return (
        f"{v['rule']} ({v['impact']}){where}: {v['help']}; "
        f"{v['count']} element(s), e.g. {v['targets']}"
    )


def test_accessibility_no_critical_or_serious_axe_violations(crawl):
    problems = {path: [_violation(v) for v in visit.violations] for path, visit in crawl.items()}
    assert not any(problems.values()), (
        "axe-core violations (critical/serious), by page and rule:\n" + _report(problems)
    )


# --- Interactions ---------------------------------------------------------------------------------

_FOLDS_JS = (
    "() => {\n"
    "  const found = [];\n"
    "  document.querySelectorAll('.admonition.toggle')"
    ".forEach(el => found.push({kind: 'admonition', id: el.id}));\n"
    "  document.querySelectorAll('details.toggle-details, details.sd-dropdown')"
    ".forEach((el, i) => {\n"
    "    if (!el.id) el.id = 'fold-details-' + i;\n"
    "    found.push({kind: 'details', id: el.id});\n"
    "  });\n"
    "  return found;\n"
    "}"
)


def _fold_content(page, fold):
    selector = f'[id="{fold["id"]}"]'
    if fold["kind"] == "admonition":
        return page.locator(f"{selector} > :not(.admonition-title)").first
    return page.locator(f"{selector} > :not(summary)").first


def _opens_on_click(page, fold) -> bool:
    selector = f'[id="{fold["id"]}"]'
    clicker = (
        f"{selector} > .admonition-title"
        if fold["kind"] == "admonition"
        else f"{selector} > summary"
    )
    page.locator(clicker).first.scroll_into_view_if_needed()
    page.locator(clicker).first.click()
    try:  # togglebutton opens with a short transition
        _fold_content(page, fold).wait_for(state="visible", timeout=3000)
    except PlaywrightTimeout:
        return False
    return True


# What each copy button of the page should copy (its code block's text without line numbers,
# prompts or output), for the buttons a reader can see, read in one call.
_EXPECTED_COPIES_JS = """() => [...document.querySelectorAll('button.copybtn')]
.map((button, index) => {
  const style = getComputedStyle(button);
  if (!button.getClientRects().length || style.visibility === 'hidden') return null;
  const clone = document.querySelector(button.dataset.clipboardTarget).cloneNode(true);
  clone.querySelectorAll('.linenos, .gp, .go').forEach(el => el.remove());
  return {index, expected: clone.textContent};
}).filter(Boolean)"""
# The clipboard's text once the copy has landed (waiting up to a second), then emptied for the
# next button: one round trip per button.
_TAKE_CLIPBOARD_JS = """async () => {
  let text = '';
  for (let i = 0; i < 100 && !text; i++) {
    text = await navigator.clipboard.readText();
    if (!text) await new Promise(done => setTimeout(done, 10));
  }
  await navigator.clipboard.writeText('');
  return text;
}"""


def _copy_problems(page) -> tuple[int, list[str]]:
    """Click every visible copy button of the page: (buttons tried, those that copied wrongly)."""
    problems = []
    wanted = page.evaluate(_EXPECTED_COPIES_JS)
    page.evaluate("() => navigator.clipboard.writeText('')")
    buttons = page.locator("button.copybtn")
    for want in wanted:
        # A real click (copybutton shows its button on hover only, hence force): the browser
        # copies only on a reader's gesture.
        buttons.nth(want["index"]).click(force=True)
        copied = page.evaluate(_TAKE_CLIPBOARD_JS)
        expected = want["expected"]
        if copied.strip() != expected.strip() or not copied.strip():
            problems.append(
                f"button {want['index']}: copied {copied[:60]!r}..., expected {expected[:60]!r}..."
            )
    return len(wanted), problems


@pytest.fixture(scope="module")
def interactions(content_pages, browser, base_url):
    """Every page once more, clicked as a reader does: each fold (solutions, toggles, dropdowns)
    must be closed on load and open on a click; then, with every fold open, each copy button must
    copy its code block's text. Returns the counts and the problems, by page."""
    context, page, _ = helpers.new_context(browser, base_url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    found = {"folds": 0, "solutions": 0, "copied": 0}
    folds_wrong: dict[str, list[str]] = {}
    copies_wrong: dict[str, list[str]] = {}
    try:
        for path in content_pages:
            page.goto(base_url + path, wait_until="load")
            found["solutions"] += page.locator(".solution.admonition.toggle").count()
            for fold in page.evaluate(_FOLDS_JS):
                found["folds"] += 1
                name = f"{fold['kind']} #{fold['id']}"
                selector = f'[id="{fold["id"]}"]'
                if fold["kind"] == "details" and page.get_attribute(selector, "open") is not None:
                    continue  # a dropdown its author opened on purpose (:open:)
                if _fold_content(page, fold).is_visible():
                    folds_wrong.setdefault(path, []).append(f"{name} is open on load")
                elif not _opens_on_click(page, fold):
                    folds_wrong.setdefault(path, []).append(f"{name} stays closed after a click")
            tried, problems = _copy_problems(page)
            found["copied"] += tried
            if problems:
                copies_wrong[path] = problems
    finally:
        context.close()
    return found, folds_wrong, copies_wrong


def test_solutions_and_toggles_are_folded_on_load_and_open_on_click(interactions):
    found, folds_wrong, _ = interactions
    assert found["folds"] > 0 and found["solutions"] > 0, "no folded solutions anywhere on the site"
    assert not folds_wrong, "folds that misbehave:\n" + _report(folds_wrong)


def test_copy_buttons_copy_the_code(interactions):
    found, _, copies_wrong = interactions
    assert found["copied"] >= 5, f"only {found['copied']} copy buttons were found on the whole site"
    assert not copies_wrong, "copy buttons that did not copy their code:\n" + _report(copies_wrong)


@pytest.mark.parametrize(
    "word, page_expected",
    [
        ("sbatch", "content/batch-job.html"),
        ("array", "content/array-jobs.html"),
        ("Snakemake", "content/snakemake.html"),
    ],
)
def test_search_finds_pages(word, page_expected, browser, base_url):
    context, page, guard = helpers.new_context(browser, base_url)
    try:
        page.goto(f"{base_url}search.html?q={urllib.parse.quote(word)}", wait_until="networkidle")
        page.wait_for_function(
            "() => { const s = document.querySelector("
            "'#search-results .search-summary, p.search-summary');"
            " return s && /found|did not match/i.test(s.textContent); }",
            timeout=20000,
        )
        hrefs = page.eval_on_selector_all(
            "#search-results ul.search li a", "els => els.map(e => e.href)"
        )
        found = {helpers.relative(urllib.parse.urldefrag(h).url, base_url) for h in hrefs}
        assert found, f"searching for {word!r} found nothing"
        assert page_expected in found, (
            f"searching for {word!r} did not find {page_expected}; found {sorted(found)}"
        )
        assert not guard.console_errors and not guard.failed, (guard.console_errors, guard.failed)
    finally:
        context.close()


def _background_luminance(page) -> float:
    rgb = page.evaluate("""() => {
      const c = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number);
      return c.slice(0, 3);
    }""")
    return sum(channel / 255 for channel in rgb) / 3


def test_dark_mode_switch(browser, base_url):
    context, page, _ = helpers.new_context(browser, base_url, color_scheme="light")
    try:
        page.goto(base_url + "content/index.html", wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == "light"
        light = _background_luminance(page)
        switch = page.locator("button.theme-switch-button").first
        for _ in range(3):  # the switch cycles light -> dark -> auto
            if page.evaluate("document.documentElement.dataset.theme") == "dark":
                break
            switch.click()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark", (
            "the switch never chose dark"
        )
        page.wait_for_timeout(300)
        dark = _background_luminance(page)
        assert dark < 0.3 < light, f"background luminance light {light:.2f}, dark {dark:.2f}"
        page.reload(wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark", (
            "dark mode is forgotten on reload"
        )
    finally:
        context.close()


def test_dark_system_setting_gives_the_dark_theme(browser, base_url):
    """A reader whose system prefers dark gets the dark theme without touching the switch (the
    crawl checks every page's contrast in that theme)."""
    context, page, _ = helpers.new_context(browser, base_url, color_scheme="dark")
    try:
        page.goto(base_url + "content/index.html", wait_until="load")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert _background_luminance(page) < 0.3
    finally:
        context.close()


def test_dark_mode_has_no_contrast_violations(crawl):
    problems = {
        path: [_violation(v, " in dark mode") for v in visit.dark_violations]
        for path, visit in crawl.items()
    }
    assert not any(problems.values()), (
        "axe-core violations in dark mode, by page and rule:\n" + _report(problems)
    )


def test_nothing_scrolls_sideways_at_375_px(crawl):
    problems = {
        path: [visit.too_wide_at_375] for path, visit in crawl.items() if visit.too_wide_at_375
    }
    assert not problems, "pages that scroll sideways at 375 px:\n" + _report(problems)


_OPEN_EVERY_FOLD_JS = (
    "() => {\n"
    "  document.querySelectorAll("
    "'.admonition.toggle.toggle-hidden > .admonition-title > button.toggle-button')"
    ".forEach(button => button.click());\n"
    "  document.querySelectorAll('details').forEach(el => { el.open = true; });\n"
    "}"
)


def test_code_colours_have_enough_contrast(crawl, browser, base_url):
    """Highlighted code, left out of the crawl's axe runs: one span of each kind the site uses
    (highlighting class, in an emphasised line or not), in each theme, with every fold open."""
    wanted = set().union(*(visit.code_kinds for visit in crawl.values()))
    assert len(wanted) >= 5, f"only {sorted(wanted)} kinds of highlighted span on the site"
    chosen, missing = [], set(wanted)
    while missing:  # greedy: the page with the most kinds still missing, until none is
        best = max(sorted(crawl), key=lambda path: len(crawl[path].code_kinds & missing))
        chosen.append((best, sorted(crawl[best].code_kinds & missing)))
        missing -= crawl[best].code_kinds
    context, page, _ = helpers.new_context(browser, base_url)
    problems: dict[str, list[str]] = {}
    checked = set()
    try:
        for path, kinds in chosen:
            page.goto(base_url + path, wait_until="load")
            page.evaluate(_OPEN_EVERY_FOLD_JS)
            checked |= set(page.evaluate(helpers.MARK_CODE_SAMPLES_JS, kinds))
            for theme in ("light", "dark"):
                helpers.set_theme(page, theme)
                for v in helpers.axe_blocking(
                    page, helpers.CODE_SAMPLES, runOnly=["color-contrast"]
                ):
                    problems.setdefault(path, []).append(_violation(v, f" in {theme} mode"))
    finally:
        context.close()
    assert checked == wanted, f"no span found to check for {sorted(wanted - checked)}"
    assert not problems, "highlighted code with too little contrast:\n" + _report(problems)
