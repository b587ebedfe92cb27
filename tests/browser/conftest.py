"""Fixtures of the browser tests: Chromium through Playwright, a copy of the workbook, a JupyterLab server.

Every browser test is skipped, with the reason shown by ``pytest -rs``, when
Playwright or Chromium is missing. Environment variables:

``CRMLAB_CHROMIUM``   the Chromium executable (default: /usr/bin/chromium, then chromium on PATH)
``CRMLAB_WORKBOOK``   the workbook folder to test (default: this checkout)
``CRMLAB_ARTIFACTS``  where screenshots and logs go (default: test-artifacts/)
``CRMLAB_WIDGET_TIMEOUT``  seconds a widget may take to answer (default 20)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from . import helpers


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Tests of the same notebook run together, so each notebook is opened and run once.
    def key(item):
        spec = getattr(item, "callspec", None)
        nb = spec.params.get("nb") if spec else None
        return (str(item.path), nb.name if isinstance(nb, helpers.NotebookWidgets) else "")

    here = Path(__file__).parent
    order = {id(item): i for i, item in enumerate(items)}
    mine = sorted((it for it in items if it.path.parent == here), key=lambda it: (key(it), order[id(it)]))
    slots = iter(mine)
    items[:] = [next(slots) if it.path.parent == here else it for it in items]


@pytest.fixture(scope="session")
def chromium_executable():
    path = helpers.chromium_path()
    if path is None:
        where = os.environ.get("CRMLAB_CHROMIUM") or ", ".join(helpers.CHROMIUM_CANDIDATES)
        pytest.skip(f"Chromium not found (looked for {where}): install it (e.g. `apt-get install chromium`) "
                    "or set CRMLAB_CHROMIUM to run the browser tests")
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed: pip install 'crmlab[browser]' to run the browser tests")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_executable, args=helpers.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def workbook(tmp_path_factory):
    """A temporary copy of the workbook: notebooks run there, never in the checkout."""
    root = helpers.workbook_root()
    if not (root / "notebooks").is_dir():
        pytest.skip(f"no notebooks/ folder in the workbook {root}")
    return helpers.copy_workbook(root, tmp_path_factory.mktemp("workbook"))


@pytest.fixture(scope="session")
def jupyter_home(tmp_path_factory):
    return tmp_path_factory.mktemp("jupyter-home")


@pytest.fixture(scope="session")
def lab(browser, workbook, jupyter_home):
    """JupyterLab serving the workbook copy (started only when a test needs it)."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        pytest.skip("JupyterLab is not installed")
    server = helpers.start_lab(workbook, jupyter_home)
    yield server
    server.stop()
    log = helpers.artifacts_dir() / "jupyterlab.log"
    shutil.copy(server.log, log)


class LabNotebooks:
    """Opens one notebook at a time in JupyterLab and runs it; the last run is reused by later tests.

    One page holds JupyterLab for all of them (each notebook opens in the loaded app, see
    :func:`helpers.lab_run_notebook`); after a notebook that could not be run, the next loads a fresh page.
    """

    def __init__(self, browser, server):
        self.browser, self.server = browser, server
        self.context = browser.new_context(viewport=helpers.VIEWPORT, device_scale_factor=1)
        self.page = None
        self.current = None  # (path, run result or the exception raised)
        self.console: list[str] = []

    def _page(self):
        if self.page is not None and helpers.lab_in_page(self.page):
            return self.page, True
        if self.page is not None:
            self.page.close()
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.console.append(
            f"{self.current[0].stem if self.current else '?'}: {m.text}"))
        return self.page, False

    def open(self, nb: helpers.NotebookWidgets):
        if self.current and self.current[0] == nb.path:
            outcome = self.current[1]
        else:
            page, reuse = self._page()
            self.current = (nb.path, None)  # names the notebook in console errors while it runs
            try:
                outcome = helpers.lab_run_notebook(page, self.server, nb.path, reuse=reuse)
                if not outcome["errors"] and not outcome["unrun"] and nb.has_widgets:
                    helpers.wait_for_widgets(page, nb)
            except Exception as exc:  # every test of this notebook reports the same failure
                outcome = exc
                page.close()  # the next notebook starts from a freshly loaded JupyterLab
            self.current = (nb.path, outcome)
        if isinstance(outcome, BaseException):
            raise AssertionError(f"{nb.path} could not be run in JupyterLab: {outcome}") from outcome
        return self.page, outcome

    def close(self):
        if self.page is not None:
            self.page.close()
        helpers.shutdown_kernels(self.server)
        self.context.close()
        if self.console:
            (helpers.artifacts_dir() / "lab-console-errors.txt").write_text("\n".join(self.console) + "\n")


@pytest.fixture(scope="session")
def lab_notebooks(browser, lab):
    opener = LabNotebooks(browser, lab)
    yield opener
    opener.close()


@pytest.fixture(scope="session")
def offline_page(browser):
    """A Chromium page for static files that refuses every request leaving the machine."""
    context = browser.new_context(viewport=helpers.VIEWPORT)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:",
                                                                                          "blob:"))
                  else route.abort())
    page = context.new_page()
    yield page
    context.close()
