"""Every chapter as a stand-alone Voila app (``crmlab app NN`` → crmlab.app.serve), driven in Chromium.

For each chapter, ``crmlab.app.serve`` is started on a free port over a temporary
copy of the workbook; the page must render every widget the chapter's code shows
with no error, one exercise must mark a wrong then a right answer, and one
planner (when the chapter has one) must redraw when a control moves.
Screenshots go to test-artifacts/browser/voila/<chapter>/.
"""

from __future__ import annotations

import re
import time

import pytest

from crmlab import app

from . import helpers

CHAPTERS = [nb for nb in helpers.discover() if nb.path.parts[0] == "notebooks" and re.match(r"\d\d_", nb.name)]
ERRORS = ("Traceback (most recent call last)", "There was an error when executing cell")


# --------------------------------------------------------------------------- without a browser

def test_resolve_accepts_numbers_and_paths():
    chapters = app.chapters()
    assert chapters, "no chapter notebooks found"
    number, path = next(iter(chapters.items()))
    assert app.resolve(number) == path
    assert app.resolve(int(number)) == path
    assert app.resolve(f"notebooks/{path.name}") == path


def test_resolve_names_the_chapters_when_asked_for_a_missing_one():
    with pytest.raises(FileNotFoundError, match=r"chapter must be one of .*got '99'.*Chapters in"):
        app.resolve("99")
    with pytest.raises(FileNotFoundError, match=r"no such notebook"):
        app.resolve("notebooks/not_there.ipynb")


def test_command_runs_voila_on_the_notebook_without_a_browser():
    number, path = next(iter(app.chapters().items()))
    cmd = app.command(number, port=9999)
    assert cmd[1] == "-c" and "from voila.app import main" in cmd[2] and cmd[3] == str(path)
    assert "--port=9999" in cmd and "--no-browser" in cmd
    assert "--no-browser" not in app.command(number, open_browser=True)


def test_cli_app_calls_serve(monkeypatch):
    from crmlab import cli

    calls = []
    monkeypatch.setattr(app, "serve", lambda chapter, port: calls.append((chapter, port)) or 0)
    assert cli.main(["app", "05", "--port", "8899"]) == 0
    assert calls == [("05", 8899)]


# --------------------------------------------------------------------------- in Chromium

@pytest.fixture
def voila_page(browser, workbook, jupyter_home):
    """Open a chapter as an app: start ``crmlab.app.serve`` and load its page; both are stopped afterwards."""
    pytest.importorskip("voila")
    servers, contexts = [], []

    def open_chapter(nb):
        server = helpers.start_voila(nb.name[:2], workbook, jupyter_home)
        servers.append(server)
        context = browser.new_context(viewport=helpers.VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.goto(server.url(""), wait_until="domcontentloaded", timeout=120_000)
        return page, server

    yield open_chapter
    for context in contexts:
        context.close()
    for server in servers:
        server.stop()
        (helpers.artifacts_dir("voila") / server.log.name).write_text(server.log.read_text(errors="replace"))


@pytest.mark.parametrize("nb", CHAPTERS, ids=[nb.name for nb in CHAPTERS])
def test_chapter_renders_as_an_app_and_its_widgets_respond(nb, voila_page):
    shots = helpers.artifacts_dir("voila", nb.name)
    for old in shots.glob("*.png"):
        old.unlink()
    start = time.monotonic()
    page, server = voila_page(nb)
    # Voila streams the cells as they run: wait for the last expected widget, then for the page to settle.
    if nb.has_widgets:
        helpers.wait_for_widgets(page, nb, timeout=120)
    page.wait_for_load_state("load", timeout=120_000)
    text = page.locator("body").inner_text()
    assert not any(e in text for e in ERRORS), f"{nb.path}: the app shows an error:\n{text[-2000:]}"
    assert not helpers.widget_render_errors(page), helpers.widget_render_errors(page)
    page.screenshot(path=str(shots / "page.png"), full_page=True)
    if nb.exercises:
        helpers.exercise_roundtrip(page, nb.exercises[0], shots)
    if nb.planners:
        # One control is enough to show the app's planner is live: the JupyterLab tests move every control.
        helpers.planner_responds(page, page.locator(".crmlab-planner").first, nb.planners[0], shots, controls=1)
    print(f"{nb.name}: app ready and checked in {time.monotonic() - start:.1f} s")
