"""The published workbook (crmlab.book.build, Jupyter Book): read in Chromium with the network cut off.

The book is the one ``make book`` publishes (the checkout's build/, when crmlab.book.up_to_date says it
is current; else it is built once from a temporary copy of the workbook, from the notebooks' stored
outputs), and the English edition is published once more with launch buttons configured. Then every
page is loaded from disk (and once from a local HTTP server): no request may leave the machine, internal
links reach pages and anchors, images load, formulas are typeset by the book's own MathJax 3, search
finds the key terms, dark mode toggles, an exercise checks an answer in the page with no kernel, and no
case page holds a solution.

Jupyter Book lives in its own venv (``make book`` makes ``.bookvenv``); without it these tests skip.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from crmlab import book as crmbook
from crmlab import exercises

from . import helpers

REPOSITORY = "https://github.com/example/crmlab"
JUPYTERHUB = "https://hub.example.edu"
LOCAL = ("file:", "data:", "blob:", "about:")


def _jupyter_book_or_skip():
    try:
        crmbook.jupyter_book_command()
    except RuntimeError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def built(workbook):
    """The book as ``make book`` publishes it: the checkout's build/ when it is up to date (CI builds it
    right before the tests), else built here from the workbook copy."""
    _jupyter_book_or_skip()
    published = helpers.workbook_root() / "build"
    if crmbook.up_to_date(published, root=helpers.workbook_root()):
        (helpers.artifacts_dir("book") / "build.txt").write_text(f"{published}: up to date, not rebuilt\n")
        return published / "index.html"
    out = workbook / "_site"
    start = time.perf_counter()
    index = crmbook.build(out=out, root=workbook)
    seconds = time.perf_counter() - start
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    (helpers.artifacts_dir("book") / "build.txt").write_text(f"{seconds:.1f} s, {size / 1e6:.1f} MB, "
                                                              f"{len(list(out.rglob('*.html')))} pages\n")
    return index


@pytest.fixture(scope="session")
def launching(workbook):
    """The English edition, published with both launch buttons configured (the chapters link to each other
    and to the cases, so no smaller book builds without broken links)."""
    _jupyter_book_or_skip()
    return crmbook.build(out=workbook / "_site_launch", root=workbook, editions=["en"], repository=REPOSITORY,
                         jupyterhub=JUPYTERHUB)


def _pages(built) -> list[Path]:
    return sorted(p for p in built.parent.rglob("*.html") if "_static" not in p.parts)


@pytest.fixture(scope="session")
def offline_context(browser):
    """A Chromium context that refuses, and records, every request leaving the machine."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.leaks = []

    def route(r):
        url = r.request.url
        if url.startswith(LOCAL) or urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            return r.continue_()
        context.leaks.append(url)
        return r.abort()

    context.route("**/*", route)
    yield context
    context.close()


@pytest.fixture(scope="session")
def pages_in_browser(built, offline_context):
    """Every HTML page of the book as Chromium sees it: ids, links, images, formulas and text."""
    seen = {}
    page = offline_context.new_page()
    for html_file in _pages(built):
        page.goto(html_file.as_uri(), wait_until="load")
        # MathJax typesets after the page loads: wait until every formula holds its typeset form.
        page.wait_for_function("() => Array.from(document.querySelectorAll('.math')).every("
                               "e => e.querySelector('mjx-container'))", timeout=30_000)
        seen[html_file.resolve()] = page.evaluate("""() => ({
          ids: Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.getAttribute('name')),
          links: Array.from(document.querySelectorAll('article a[href], nav a[href], .prev-next-area a[href]'))
                   .map(a => ({href: a.href, text: a.innerText})),
          images: Array.from(document.images).map(i => ({src: i.src.slice(0, 80), ok: i.complete && i.naturalWidth > 0})),
          formulas: document.querySelectorAll('.math').length,
          maths: document.querySelectorAll('.math mjx-container').length,
          mathErrors: document.querySelectorAll('mjx-merror').length,
          rawTex: ((document.querySelector('article') || document.body).innerText
                   .match(/\\$\\$[^$]+\\$\\$|\\\\frac\\{|\\\\\\(|\\\\\\[/g) || []),
          text: (document.querySelector('article') || document.body).innerText,
        })""")
    page.close()
    return seen


# --------------------------------------------------------------------------- every page

def test_every_notebook_and_case_has_a_page_in_the_sidebar(built, workbook, pages_in_browser):
    sources = helpers.notebook_paths(workbook)
    assert sources, "the workbook has no notebooks"
    index = pages_in_browser[built.resolve()]
    listed = {unquote(urlsplit(link["href"]).path) for link in index["links"]}
    for source in sources:
        page = built.parent / source.with_suffix(".html")
        assert page.is_file(), f"no page for {source}"
        assert str(page.resolve()) in listed, f"{source} is not in the sidebar of index.html"
    assert (built.parent / "glossary.html").is_file() and (built.parent / "search.html").is_file()


def test_no_request_leaves_the_machine_from_disk(pages_in_browser, offline_context):
    assert pages_in_browser
    assert not offline_context.leaks, "requests to other hosts:\n" + "\n".join(sorted(set(offline_context.leaks)))


def test_no_request_leaves_the_machine_from_a_local_server(built, offline_context):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built.parent))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    leaks_before = len(offline_context.leaks)
    page = offline_context.new_page()
    missing = []
    # A file the book lacks is a 404 response; a request that fails otherwise is missing too, unless it was
    # aborted (a font MathJax asks for while the next page is already loading: not a missing file).
    page.on("response", lambda r: r.status >= 400 and missing.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and missing.append(f"{r.failure} {r.url}"))
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for path in ("index.html", "notebooks/04_economic_value_added.html", "notebooks/05_tco_planning.html",
                     "glossary.html", "search.html?q=TCO"):
            page.goto(f"{base}/{path}", wait_until="networkidle")
            # MathJax typesets (and fetches its fonts) after the load: let it finish before the next page.
            page.wait_for_function("() => Array.from(document.querySelectorAll('.math')).every("
                                   "e => e.querySelector('mjx-container'))", timeout=60_000)
    finally:
        page.close()
        server.shutdown()
    assert len(offline_context.leaks) == leaks_before, offline_context.leaks[leaks_before:]
    assert not [u for u in missing if "127.0.0.1" in u], f"local files missing: {missing}"


def test_the_html_names_no_other_host_for_anything_it_loads(built):
    """Scripts, styles, fonts and images come from the book itself (links to other sites are fine)."""
    loads = re.compile(r"""<(?:script|img|iframe|source|embed)\b[^>]*\bsrc=["'](?:https?:)?//|"""
                       r"""<link\b[^>]*\bhref=["'](?:https?:)?//|url\(\s*["']?(?:https?:)?//|import\s*\(\s*["']https?://"""
                       r"""|THEBE_JS_URL""", re.I)
    found = {}
    for page in _pages(built):
        hits = loads.findall(page.read_text(encoding="utf-8"))
        if hits:
            found[page.name] = hits[:3]
    for css in built.parent.glob("_static/**/*.css"):
        hits = re.findall(r"url\(\s*[\"']?(?:https?:)?//[^)]*\)|@import\s+[\"']?(?:url\()?[\"']?https?://", css.read_text(
            encoding="utf-8", errors="replace"))
        if hits:
            found[css.name] = hits[:3]
    assert not found, f"external resources named: {found}"


def test_internal_links_reach_pages_and_anchors(pages_in_browser):
    broken = []
    for page, info in pages_in_browser.items():
        for link in info["links"]:
            url = urlsplit(link["href"])
            if url.scheme != "file":
                continue
            target = Path(unquote(url.path)).resolve()
            if not target.exists():
                broken.append(f"{page.name}: {link['text']!r} -> {target} (no such file)")
            elif url.fragment and target in pages_in_browser:
                ids = pages_in_browser[target]["ids"]
                if url.fragment not in ids and unquote(url.fragment) not in ids:
                    broken.append(f"{page.name}: {link['text']!r} -> {target.name}#{unquote(url.fragment)} "
                                  "(no such anchor)")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_every_image_loads(pages_in_browser):
    missing = [f"{page.name}: {img['src']}" for page, info in pages_in_browser.items() for img in info["images"]
               if not img["ok"]]
    assert not missing, "images that do not load:\n" + "\n".join(missing)
    assert sum(len(info["images"]) for info in pages_in_browser.values()) > 20, "the book has hardly any figures"


def test_formulas_are_typeset_offline(pages_in_browser):
    with_maths = {p.name: i for p, i in pages_in_browser.items() if i["formulas"]}
    assert with_maths, "no page of the book has a formula"
    untypeset = {name: (i["formulas"], i["maths"]) for name, i in with_maths.items() if i["maths"] < i["formulas"]}
    assert not untypeset, f"formulas left untypeset (formulas, typeset): {untypeset}"
    errors = {name: i["mathErrors"] for name, i in with_maths.items() if i["mathErrors"]}
    assert not errors, f"formulas MathJax could not typeset: {errors}"
    raw = {p.name: i["rawTex"][:3] for p, i in pages_in_browser.items() if i["rawTex"]}
    assert not raw, f"TeX left untypeset: {raw}"


def test_widgets_appear_as_snapshots_or_forms_not_placeholders(pages_in_browser, workbook):
    for nb in helpers.discover(workbook):
        if not nb.has_widgets:
            continue
        page = next(p for p in pages_in_browser if p.name == f"{nb.name}.html")
        text = pages_in_browser[page]["text"]
        assert "Loading widget" not in text and "VBox(children=" not in text, f"{page.name}: a raw widget shows"
        for ex in nb.exercises:
            prompt = " ".join(exercises.get(ex).prompt.split())[:40]
            assert prompt in " ".join(text.split()), f"{page.name}: the prompt of {ex} is not shown"
        if nb.planners:
            assert "interactive widget" in text, f"{page.name}: the planner is neither a snapshot nor a note"


# --------------------------------------------------------------------------- features of the site

def _shot(page, name):
    page.screenshot(path=str(helpers.artifacts_dir("book") / f"{name}.png"))


@pytest.mark.parametrize("term, expected_page", [("EVA", "04_economic_value_added.html"),
                                                  ("TCO", "05_tco_planning.html")])
def test_search_finds_the_key_terms_offline(built, offline_context, term, expected_page):
    page = offline_context.new_page()
    page.goto((built.parent / "search.html").as_uri() + f"?q={term}")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0", timeout=30_000)
    hits = page.evaluate("() => Array.from(document.querySelectorAll('#search-results li a')).map(a => a.href)")
    _shot(page, f"search-{term}")
    page.close()
    assert any(h.split("#")[0].endswith(expected_page) for h in hits), f"search for {term} found {hits}"


def test_dark_mode_toggles(built, offline_context):
    page = offline_context.new_page()
    page.goto((built.parent / "notebooks" / "05_tco_planning.html").as_uri())
    colours = []
    themes = []
    for _ in range(3):
        themes.append(page.evaluate("() => document.documentElement.dataset.theme"))
        colours.append(page.evaluate("() => getComputedStyle(document.body).backgroundColor"))
        if themes[-1] == "dark":
            page.mouse.move(0, 0)  # no tooltip over the page
            _shot(page, "dark-mode")
        page.locator(".theme-switch-button").first.click()
        page.wait_for_timeout(200)
    page.close()
    assert "dark" in themes and "light" in themes, themes
    assert len(set(colours)) == 2, colours


def test_pages_have_contents_prev_next_downloads_and_print(built, offline_context):
    page = offline_context.new_page()
    page.goto((built.parent / "notebooks" / "04_economic_value_added.html").as_uri())
    found = page.evaluate("""() => ({
      toc: document.querySelectorAll('.bd-toc-nav a, #pst-page-toc-nav a, .page-toc a').length,
      sidebar: document.querySelectorAll('.bd-sidebar-primary a.reference').length,
      prev: (document.querySelector('.prev-next-area a.left-prev') || {}).href,
      next: (document.querySelector('.prev-next-area a.right-next') || {}).href,
      download: Array.from(document.querySelectorAll('a.btn-download-source-button')).map(a => a.href),
      print: document.querySelectorAll('button.btn-download-pdf-button').length,
    })""")
    _shot(page, "chapter-04")
    page.close()
    assert found["toc"] >= 5 and found["sidebar"] >= 10, found
    assert found["prev"].endswith("03_balanced_scorecard.html") and found["next"].endswith("05_tco_planning.html")
    assert len(found["download"]) == 1 and found["download"][0].endswith("04_economic_value_added.ipynb")
    downloaded = Path(unquote(urlsplit(found["download"][0]).path))
    assert nbformat.read(downloaded, as_version=4).cells, "the .ipynb download is not a notebook"
    assert found["print"] == 1


def test_launch_buttons_open_the_chapter_on_binder_and_through_the_hub(launching, offline_context):
    page = offline_context.new_page()
    page.goto((launching.parent / "notebooks" / "04_economic_value_added.html").as_uri())
    launch = page.evaluate("() => Array.from(document.querySelectorAll('.dropdown-launch-buttons a')).map(a => a.href)")
    page.close()
    binder = [u for u in launch if u.startswith("https://mybinder.org/v2/gh/example/crmlab/")]
    hub = [u for u in launch if u.startswith(f"{JUPYTERHUB}/hub/user-redirect/git-pull?repo=")]
    assert binder and "notebooks/04_economic_value_added.ipynb" in binder[0], launch
    assert hub and "example/crmlab" in unquote(hub[0]) and "04_economic_value_added.ipynb" in hub[0], launch


def test_glossary_terms_are_linked_from_the_chapters(built, offline_context, pages_in_browser):
    glossary = (built.parent / "glossary.html").resolve()
    linking = {p.name for p, info in pages_in_browser.items() if p.parent.name == "notebooks"
               and any(urlsplit(link["href"]).path.endswith("/glossary.html") and "term-" in link["href"]
                       for link in info["links"])}
    assert len(linking) >= 7, f"only {sorted(linking)} link to the glossary"
    page = offline_context.new_page()
    page.goto((built.parent / "notebooks" / "04_economic_value_added.html").as_uri())
    link = page.locator("article a[href*='glossary.html#term-']").first
    link.click()
    page.wait_for_load_state()
    target = urlsplit(page.url)
    assert Path(unquote(target.path)).resolve() == glossary
    dt = page.locator(f"dt[id='{unquote(target.fragment)}']")
    assert dt.count() == 1, page.url
    entry = dt.evaluate("e => e.parentElement.innerText")
    page.close()
    assert re.search(r"[\u4e00-\u9fff]", entry), f"the glossary entry has no Chinese term: {entry[:200]!r}"


# --------------------------------------------------------------------------- exercises in the page

def _exercise_box(page, exercise_id):
    box = page.locator(f".{helpers.exercise_class(exercise_id)}")
    box.wait_for(state="visible")
    assert box.locator(".crmlab-check").count() == 1, f"{exercise_id}: no Check button in the page"
    return box


def _verdict(box) -> str:
    feedback = box.locator(".crmlab-feedback")
    feedback.wait_for(state="visible")
    return feedback.inner_text().strip()


def test_a_number_exercise_accepts_a_right_answer_and_explains_a_wrong_one(built, offline_context):
    page = offline_context.new_page()
    page.goto((built.parent / "notebooks" / "00_start_here.html").as_uri())
    ex = exercises.get("ch00.percent_decimal")
    box = _exercise_box(page, ex.id)
    box.scroll_into_view_if_needed()
    right, _ = ex.sample_answers()
    field = box.locator("input[type=text]")
    for typed in (right, "12"):
        field.fill(typed)
        box.locator(".crmlab-check").click()
        shown = _verdict(box)
        expected = exercises.check(ex.id, typed)
        assert shown == expected.message, f"{typed!r}: the page says {shown!r}, Python {expected.message!r}"
    assert not exercises.check(ex.id, "12").correct and helpers.WRONG in shown
    _shot(page, "exercise-wrong")
    # As the widget: the solution on request after a try, by itself after two wrong tries.
    solution = box.locator(".crmlab-solution")
    assert box.locator(".crmlab-show-solution").is_visible() and not solution.is_visible()
    field.fill("0.5")
    box.locator(".crmlab-check").click()
    solution.wait_for(state="visible")
    assert "0.3 / 2.5" in solution.inner_text() or "0.12" in solution.inner_text()
    box.locator(".crmlab-hint").click()
    assert ex.hint in _verdict(box)
    page.close()


def test_a_judgement_question_shows_the_model_answer_only_after_an_answer(built, offline_context):
    judgement = next((i for i in exercises.ids() if exercises.get(i).kind == "judgement"), None)
    if judgement is None:
        pytest.skip("no judgement question in the exercise bank yet")
    ex = exercises.get(judgement)
    chapter = next((built.parent / "notebooks").glob(f"{ex.id[2:4]}_*.html"))
    page = offline_context.new_page()
    page.goto(chapter.as_uri())
    box = _exercise_box(page, ex.id)
    box.scroll_into_view_if_needed()
    solution = box.locator(".crmlab-solution")
    box.locator(".crmlab-check").click()
    assert "Write your answer first" in _verdict(box) and not solution.is_visible()
    box.locator("textarea").fill("I would fund it: the NPV is positive and the payback short.")
    box.locator(".crmlab-check").click()
    solution.wait_for(state="visible")
    text = solution.inner_text()
    _shot(page, "exercise-judgement")
    page.close()
    assert "A model answer" in text and ex.rubric[0].split()[0] in text


def test_a_choice_exercise_explains_the_option_picked(built, offline_context):
    choice = next(i for i in exercises.ids() if exercises.get(i).kind == "choice" and exercises.get(i).why_wrong)
    ex = exercises.get(choice)
    chapter = next(p for p in (built.parent / "notebooks").glob(f"{ex.id[2:4]}_*.html"))
    page = offline_context.new_page()
    page.goto(chapter.as_uri())
    box = _exercise_box(page, ex.id)
    box.scroll_into_view_if_needed()
    wrong_key = next(k for k in ex.why_wrong if k != ex.expected)
    box.locator(f"input[type=radio][value='{wrong_key}']").check()
    box.locator(".crmlab-check").click()
    assert _verdict(box) == exercises.check(ex.id, wrong_key).message
    box.locator(f"input[type=radio][value='{ex.expected}']").check()
    box.locator(".crmlab-check").click()
    shown = _verdict(box)
    _shot(page, "exercise-choice-right")
    page.close()
    assert shown.startswith(helpers.RIGHT) and shown == exercises.check(ex.id, ex.expected).message


# --------------------------------------------------------------------------- cases: the student hand-outs

def _solution_lines(case: Path) -> set[str]:
    """The code of the lines the instructor's case marks as solutions (what a hand-out must not show)."""
    nb = nbformat.read(case, as_version=4)
    lines = set()
    for cell in nb.cells:
        for line in cell.source.splitlines():
            if line.rstrip().endswith("# SOLUTION"):
                code = line.rsplit("#", 1)[0].strip()
                if len(code) > 12:  # long enough to be particular to the solution
                    lines.add(code)
    return lines


def test_no_case_page_holds_a_solution(built, workbook, pages_in_browser):
    cases = sorted((workbook / "cases").glob("*.ipynb"))
    assert cases
    for case in cases:
        html_page = built.parent / "cases" / f"{case.stem}.html"
        source = built.parent / "_sources" / "cases" / f"{case.stem}.ipynb"
        html_text = html_page.read_text(encoding="utf-8")
        text = pages_in_browser[html_page.resolve()]["text"]
        downloaded = source.read_text(encoding="utf-8") if source.exists() else ""
        for where, body in (("page", html_text), ("downloadable .ipynb", downloaded)):
            for secret in ("# SOLUTION", "BEGIN SOLUTION", "BEGIN TESTS", "hidden: true", "# IGNORE",
                           "Teaching note", "teaching note (", "crmlab-exercise-data", "solution_html"):
                assert secret not in body, f"{case.name} {where} holds {secret!r}"
        assert "Student version" in text
        for line in _solution_lines(case):
            assert line not in text, f"{case.name}: the page shows the solution line {line!r}"
            assert json.dumps(line)[1:-1] not in downloaded, f"{case.name}: the .ipynb holds {line!r}"
        assert "dropdown-launch-buttons" not in html_text, f"{case.name}: a launch button opens the solutions"
