"""The published workbook (crmlab.book.build): every page there, links and figures working, read in Chromium.

The book is built once from a temporary copy of the workbook, executing every
notebook, then each page is loaded from disk in Chromium with the network cut
off: every internal link must reach an existing page and anchor, every image
must load, and widgets must appear as snapshots rather than as dead placeholders.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from crmlab import book as crmbook
from crmlab import exercises

from . import helpers


@pytest.fixture(scope="session")
def built(workbook, tmp_path_factory):
    pytest.importorskip("nbconvert")
    out = tmp_path_factory.mktemp("book") / "build"
    start = time.perf_counter()
    index = crmbook.build(out=out, timeout=300, root=workbook)
    seconds = time.perf_counter() - start
    (helpers.artifacts_dir("book") / "build-time.txt").write_text(f"{seconds:.1f} s\n")
    return index


@pytest.fixture(scope="session")
def pages_in_browser(built, offline_page):
    """Every HTML page of the book as Chromium sees it: ids, links (absolute URLs) and images."""
    seen = {}
    shots = helpers.artifacts_dir("book")
    for html_file in sorted(built.parent.rglob("*.html")):
        offline_page.goto(html_file.as_uri(), wait_until="load")
        seen[html_file.resolve()] = offline_page.evaluate("""() => ({
          ids: Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.getAttribute('name')),
          links: Array.from(document.querySelectorAll('a[href]')).map(a => ({href: a.href, text: a.innerText})),
          images: Array.from(document.images).map(i => ({src: i.src.slice(0, 80), ok: i.complete && i.naturalWidth > 0,
                                                          embedded: i.src.startsWith('data:')})),
          text: document.body.innerText,
        })""")
        rel = html_file.relative_to(built.parent)
        offline_page.screenshot(path=str(shots / f"{helpers.slug(rel.with_suffix('').as_posix())}.png"))
    return seen


def test_every_notebook_and_case_has_a_page_listed_in_the_contents(built, workbook):
    index = built.read_text(encoding="utf-8")
    sources = helpers.notebook_paths(workbook)
    assert sources, "the workbook has no notebooks"
    for source in sources:
        page = built.parent / source.with_suffix(".html")
        assert page.is_file(), f"no page for {source}"
        assert f'href="{source.with_suffix(".html").as_posix()}"' in index, f"{source} missing from index.html"
    meta = json.loads((built.parent / "book.json").read_text(encoding="utf-8"))
    assert [m["source"] for m in meta] == [s.as_posix() for s in sources]


def test_no_link_still_points_at_a_notebook(built):
    for html_file in built.parent.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert ".ipynb\"" not in text and ".ipynb#" not in text, f"{html_file.name} still links to a .ipynb file"


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
                # As a browser does: the fragment as written (nbconvert percent-encodes ids), then decoded.
                ids = pages_in_browser[target]["ids"]
                if url.fragment not in ids and unquote(url.fragment) not in ids:
                    broken.append(f"{page.name}: {link['text']!r} -> {target.name}#{unquote(url.fragment)} "
                                  "(no such anchor)")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_every_image_loads_and_is_embedded(pages_in_browser):
    missing = [f"{page.name}: {img['src']}" for page, info in pages_in_browser.items() for img in info["images"]
               if not (img["ok"] and img["embedded"])]
    assert not missing, "images missing or not embedded:\n" + "\n".join(missing)
    figures = sum(len(info["images"]) for info in pages_in_browser.values())
    assert figures > 0, "the book has no figures at all"


def test_formulas_typeset_offline(built, offline_page):
    """MathJax ships inside the book: with the network cut off, every formula is typeset, none left as TeX."""
    pages = [p for p in sorted(built.parent.rglob("*.html")) if "$" in p.read_text(encoding="utf-8")
             and "MathJax.js" in p.read_text(encoding="utf-8")]
    assert pages, "no page of the book loads MathJax"
    typeset = 0
    for html_file in pages:
        offline_page.goto(html_file.as_uri(), wait_until="load")
        offline_page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                                       " && MathJax.Hub.queue.running === 0", timeout=30_000)
        found = offline_page.evaluate("""() => ({
          maths: document.querySelectorAll('.MathJax, .MathJax_Display').length,
          errors: document.querySelectorAll('.MathJax_Error, merror').length,
          raw: (document.querySelector('main') || document.body).innerText.match(/\\$\\$[^$]+\\$\\$|\\\\frac\\{/g),
        })""")
        assert found["errors"] == 0, f"{html_file.name}: {found['errors']} formula(s) failed to typeset"
        assert not found["raw"], f"{html_file.name}: TeX left untypeset: {found['raw'][:3]}"
        typeset += found["maths"]
    assert typeset > 0, "MathJax loaded but typeset no formula"


def test_glossary_is_linked_from_the_contents_and_resolves(built, offline_page):
    offline_page.goto(built.as_uri())
    link = offline_page.locator("a.crmlab-glossary")
    if link.count() == 0:
        pytest.fail("index.html has no link to the glossary (00_start_here should have a glossary section)")
    link.click()
    offline_page.wait_for_load_state()
    fragment = urlsplit(offline_page.url).fragment
    assert fragment, offline_page.url
    target = offline_page.locator(f"[id='{fragment}'], [id='{unquote(fragment)}']")
    assert target.count() == 1, f"{offline_page.url}: no element with id {fragment!r}"
    # The anchor may be empty (<a id="glossary">): read the notebook cell it sits in.
    assert "glossary" in target.evaluate("e => (e.closest('.jp-Cell') || e).innerText").lower()


def test_widgets_appear_as_snapshots_not_placeholders(pages_in_browser, workbook):
    for nb in helpers.discover(workbook):
        if not nb.has_widgets:
            continue
        page = (pages_in_browser and next(p for p in pages_in_browser if p.name == f"{nb.name}.html"))
        text = pages_in_browser[page]["text"]
        assert "Loading widget" not in text and "VBox(children=" not in text, f"{page.name}: a raw widget shows"
        assert "A snapshot of an interactive widget" in text, f"{page.name}: widget snapshots missing"
        for ex in nb.exercises:
            prompt = " ".join(exercises.get(ex).prompt.split())[:40]
            assert prompt in " ".join(text.split()), f"{page.name}: the prompt of {ex} is not shown"


# --------------------------------------------------------------------------- a small workbook of our own

def _tiny_workbook(root: Path, broken: bool = False) -> Path:
    import nbformat

    def write(path, cells):
        path.parent.mkdir(parents=True, exist_ok=True)
        nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                            "display_name": "Python 3"}})
        nbformat.write(nb, path)

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    write(root / "notebooks" / "00_intro.ipynb", [
        md("# 00 · Intro\n\nSee [the next chapter](01_next.ipynb#Part-two), the [cases](../cases/), "
           "the [data](../datasets/tiny.csv) and [the web](https://example.org).\n\n"
           '<a id="glossary"></a>\n## Glossary · 术语表\n\n'
           "| term | 中文 |\n|---|---|\n| CRM | 客户关系管理 |"),
        code("print(6 * 7)")])
    write(root / "notebooks" / "01_next.ipynb", [
        md("# 01 · Next\n\n## Part two\n\nBack to the [glossary](00_intro.ipynb#glossary)."),
        code("raise ValueError('deliberately broken')" if broken else "1 + 1")])
    raw = nbformat.v4.new_raw_cell
    write(root / "cases" / "case1_tiny.ipynb", [
        md("# Case 1 · Tiny"),
        raw("# ASSIGNMENT CONFIG\nname: case1_tiny\ninit_cell: false\ncheck_all_cell: false\nexport_cell: false\n"
            "tests:\n  ok_format: false"),
        code("base = 40\nprint('context', base)"),
        raw("# BEGIN QUESTION\nname: q1\npoints: 1"),
        md("**Question 1.** Add 2 to `base` as `answer`."),
        raw("# BEGIN SOLUTION"),
        code("answer = base + 2  # SOLUTION\nprint('the answer is', answer)"),
        raw("# END SOLUTION"),
        raw("# BEGIN TESTS"),
        code("def test_q1(env):\n    assert env['answer'] == 42\n\ntest_q1(globals())  # IGNORE"),
        raw("# END TESTS"),
        raw("# END QUESTION"),
        code("print('double the answer', 2 * answer)\ndoubled = 2 * answer"),
        code("print('doubled again', 2 * doubled)"),
        md("## Teaching note\n\nPoints to look for: 42.", metadata={"tags": ["instructor-only"]})])
    (root / "datasets").mkdir(exist_ok=True)
    (root / "datasets" / "tiny.csv").write_text("a,b\n1,2\n")
    return root


def test_build_rewrites_links_between_pages_folders_and_files(tmp_path):
    root = _tiny_workbook(tmp_path / "wb")
    index = crmbook.build(out=tmp_path / "out", timeout=60, root=root)
    intro = (tmp_path / "out" / "notebooks" / "00_intro.html").read_text(encoding="utf-8")
    assert 'href="01_next.html#Part-two"' in intro
    assert 'href="../index.html#cases"' in intro
    assert 'href="../datasets/tiny.csv"' in intro and (tmp_path / "out" / "datasets" / "tiny.csv").is_file()
    assert 'href="https://example.org"' in intro
    assert "42" in intro  # the cell ran
    case = (tmp_path / "out" / "cases" / "case1_tiny.html").read_text(encoding="utf-8")
    assert "ASSIGNMENT CONFIG" not in case  # raw tool settings are not published
    contents = index.read_text(encoding="utf-8")
    assert "Student versions" in contents
    assert 'href="notebooks/00_intro.html#glossary"' in contents
    assert contents.index("00 · Intro") < contents.index("01 · Next") < contents.index("Case 1 · Tiny")


def test_build_names_the_notebook_that_fails(tmp_path):
    root = _tiny_workbook(tmp_path / "wb", broken=True)
    with pytest.raises(RuntimeError, match=r"1 notebook\(s\) failed[\s\S]*notebooks/01_next.ipynb[\s\S]*"
                                           r"deliberately broken"):
        crmbook.build(out=tmp_path / "out", timeout=60, root=root)
    # The pages that did run are still written, so the failure can be looked at.
    assert (tmp_path / "out" / "notebooks" / "00_intro.html").is_file()


@pytest.mark.parametrize("timeout", [0, -5, 1.5, "60", True])
def test_build_rejects_a_bad_timeout(timeout, tmp_path):
    with pytest.raises(ValueError, match="timeout must be a positive whole number of seconds"):
        crmbook.build(out=tmp_path, timeout=timeout)


def test_cases_are_published_as_student_handouts_unless_asked(tmp_path):
    """A book put online must not give the answers away: solutions, tests, teaching notes and every output
    that uses an answer stay out, unless the instructor asks for their own version."""
    pytest.importorskip("otter")
    root = _tiny_workbook(tmp_path / "wb")
    crmbook.build(out=tmp_path / "student", timeout=60, root=root)
    page = (tmp_path / "student" / "cases" / "case1_tiny.html").read_text(encoding="utf-8")
    text = html_text(page[page.index("<main>"):])
    assert "Student version" in text
    assert "context 40" in text  # a cell that uses no answer keeps its output
    assert "answer = ..." in text and "print('double the answer', 2 * answer)" in text
    for secret in ("base + 2", "42", "84", "168", "test_q1", "Teaching note", "Points to look for"):
        assert secret not in text, f"the student page shows {secret!r}"

    crmbook.build(out=tmp_path / "instructor", timeout=60, root=root, cases="instructor")
    page = (tmp_path / "instructor" / "cases" / "case1_tiny.html").read_text(encoding="utf-8")
    assert "the answer is 42" in page and "double the answer 84" in page and "doubled again 168" in page
    assert "Teaching note" in page
    assert "do not publish this book to students" in (tmp_path / "instructor" / "index.html").read_text(
        encoding="utf-8")
    with pytest.raises(ValueError, match="cases must be one of 'student', 'instructor'; got 'teacher'"):
        crmbook.build(out=tmp_path / "x", root=root, cases="teacher")


def html_text(page: str) -> str:
    """The text of an nbconvert page, without its syntax-highlighting tags."""
    import re
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", page))
