"""The machinery of the browser tests: find the widgets a workbook shows, serve it, and drive Chromium.

Nothing here knows the chapter list: notebooks are found under ``notebooks/`` and
``cases/`` of the workbook, and the widgets each one shows are read from its code
cells (calls to ``exercise("chNN.x")``, ``exercises("chNN")`` and the planner
functions that :mod:`crmlab.widgets` exports). The same widget drivers work in
JupyterLab and in Voila because both render the classes of the DOM contract
(``crmlab-exercise``, ``crmlab-planner``, ...).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from crmlab._launch import python_command

REPO = Path(__file__).resolve().parents[2]

# Debian's Chromium: Playwright's own browser download is not available offline.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 1800}  # tall, so a whole planner fits in a screenshot
# Where a widget must answer within (seconds); CI runs on two cores.
WIDGET_TIMEOUT = float(os.environ.get("CRMLAB_WIDGET_TIMEOUT", "20"))
RIGHT, WRONG = "✔", "✘"


# --------------------------------------------------------------------------- where things are

def chromium_path() -> str | None:
    """The Chromium to drive: ``$CRMLAB_CHROMIUM`` when set (and only it), else the first candidate found."""
    wanted = os.environ.get("CRMLAB_CHROMIUM")
    for candidate in (wanted,) if wanted else CHROMIUM_CANDIDATES:
        found = candidate if os.path.isabs(candidate) and os.access(candidate, os.X_OK) else shutil.which(candidate)
        if found:
            return found
    return None


def workbook_root() -> Path:
    """The workbook under test: ``$CRMLAB_WORKBOOK`` (a folder with notebooks/) or this checkout."""
    return Path(os.environ.get("CRMLAB_WORKBOOK", REPO)).resolve()


def artifacts_dir(*parts: str) -> Path:
    """A folder under test-artifacts/ (gitignored; ``$CRMLAB_ARTIFACTS`` moves it) for screenshots and logs."""
    path = Path(os.environ.get("CRMLAB_ARTIFACTS", REPO / "test-artifacts")).joinpath("browser", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


# --------------------------------------------------------------------------- what a notebook shows

@dataclass(frozen=True)
class NotebookWidgets:
    """The widgets one notebook displays, as read from its code cells."""

    path: Path  # relative to the workbook root, e.g. notebooks/07_performance_matrices.ipynb
    exercises: tuple[str, ...] = ()
    planners: tuple[str, ...] = ()  # planner function names in display order, repeated if called twice
    dynamic: tuple[str, ...] = field(default=(), compare=False)  # calls whose widget id is not a literal

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def has_widgets(self) -> bool:
        return bool(self.exercises or self.planners or self.dynamic)


def planner_names() -> tuple[str, ...]:
    """Every widget function crmlab.widgets exports except the exercise ones: these are the planners."""
    from crmlab import widgets

    return tuple(n for n in widgets.__all__ if n not in ("exercise", "exercises"))


def notebook_paths(root: Path) -> list[Path]:
    """The chapter notebooks then the cases, in file-name order, relative to ``root``."""
    found = []
    for folder in ("notebooks", "cases"):
        found += sorted(p.relative_to(root) for p in (root / folder).glob("*.ipynb"))
    return found


def _cell_tree(source: str) -> ast.AST | None:
    # IPython magics and shell escapes are not Python; blank them so the rest still parses.
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def scan_notebook(root: Path, path: Path) -> NotebookWidgets:
    """Read the widget calls of notebook ``root / path`` (in cell order)."""
    from crmlab import exercises as bank

    planners = set(planner_names())
    nb = json.loads((root / path).read_text(encoding="utf-8"))
    found_ex, found_pl, dynamic = [], [], []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        tree = _cell_tree(source)
        if tree is None:
            continue
        calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
        for call in calls:
            name = _called_name(call)
            first = call.args[0] if call.args else None
            literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            if name == "exercise":
                (found_ex.append(literal) if literal else dynamic.append(ast.unparse(call)))
            elif name == "exercises":
                (found_ex.extend(bank.ids(literal)) if literal else dynamic.append(ast.unparse(call)))
            elif name in planners:
                found_pl.append(name)
    return NotebookWidgets(path, tuple(dict.fromkeys(found_ex)), tuple(found_pl), tuple(dynamic))


def discover(root: Path | None = None) -> list[NotebookWidgets]:
    """Every notebook of the workbook with the widgets it shows (notebooks without widgets included)."""
    root = workbook_root() if root is None else root
    return [scan_notebook(root, p) for p in notebook_paths(root)]


def wait_until(predicate, what: str, timeout: float = WIDGET_TIMEOUT) -> None:
    """Poll ``predicate`` every 0.1 s; fail saying ``what`` did not happen within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout:.0f} s")


def exercise_class(exercise_id: str) -> str:
    return "crmlab-ex-" + exercise_id.replace(".", "-")


def copy_workbook(root: Path, dest: Path) -> Path:
    """Copy what the notebooks need (notebooks/, cases/, datasets/, the Chinese edition zh/) so tests never
    touch the checkout."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
    for folder in ("notebooks", "cases", "datasets", "zh"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, dest / folder, ignore=ignore, dirs_exist_ok=True)
    return dest


# --------------------------------------------------------------------------- servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    """Poll ``url`` until it answers 200; fail with the server's log if it dies or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server did not answer {url} within {timeout:.0f} s:\n{tail(log)}")


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    """Wait until something listens on ``port`` (for servers whose every page does work, like Voila's)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}:\n{tail(log)}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"nothing listened on port {port} within {timeout:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """Stop a server we started (and its kernels: they are in its process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, 15)
    except (ProcessLookupError, PermissionError):
        proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(timeout=timeout)


def jupyter_env(home: Path) -> dict:
    """An environment whose Jupyter config, runtime and IPython dirs are private to the test run."""
    env = dict(os.environ)
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYTHONHASHSEED"] = "0"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    return env


@dataclass
class Server:
    """A running Jupyter server (JupyterLab or Voila) started by the tests."""

    proc: subprocess.Popen
    base_url: str
    token: str = ""
    log: Path | None = None

    def url(self, path: str = "", **query) -> str:
        params = dict(query)
        if self.token:
            params["token"] = self.token
        q = "&".join(k if v is None else f"{k}={v}" for k, v in params.items())
        return f"{self.base_url}/{path.lstrip('/')}" + (f"?{q}" if q else "")

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def stop(self) -> None:
        stop(self.proc)


LAB_SETTINGS = {
    # Render every cell (no virtual scrolling): widgets far down the page must be in the DOM.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # No news or update toasts over the widgets in screenshots (and no network).
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"checkForUpdates": False,
                                                                       "fetchNews": "false"},
}


def start_lab(root: Path, home: Path, token: str = "crmlab-browser-tests") -> Server:
    """JupyterLab on a free loopback port serving ``root``, with the app exposed to page scripts."""
    settings = home / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    port = free_port()
    # python -m jupyterlab, without the 3 CPU-seconds of one import (crmlab._launch)
    cmd = [*python_command("from jupyterlab.labapp import main; sys.exit(main())"), "--no-browser",
           "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
           f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
           f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
           "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
           "jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = home / "jupyterlab.log"
    proc = subprocess.Popen(cmd, cwd=root, env=jupyter_env(home), stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = Server(proc, f"http://127.0.0.1:{port}", token, log)
    try:
        wait_for_http(server.url("api/status"), proc, log)
    except Exception:
        server.stop()
        raise
    return server


def start_voila(chapter: str, root: Path, home: Path) -> Server:
    """``crmlab.app.serve(chapter)`` in a subprocess, on a free port, serving the workbook at ``root``."""
    port = free_port()
    code = ("import sys; from crmlab.app import serve; "
            "sys.exit(serve(sys.argv[1], port=int(sys.argv[2]), root=sys.argv[3]))")
    log = home / f"voila-{slug(chapter)}.log"
    proc = subprocess.Popen([sys.executable, "-c", code, chapter, str(port), str(root)], cwd=root,
                            env=jupyter_env(home), stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = Server(proc, f"http://127.0.0.1:{port}", "", log)
    try:
        wait_for_port(port, proc, log)
    except Exception:
        server.stop()
        raise
    return server


# --------------------------------------------------------------------------- JupyterLab: open and run a notebook

_RUN_ALL = """
async ([timeoutMs]) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  // The copy keeps the outputs committed with the notebook: clear them so only this run's widgets exist.
  await app.commands.execute('notebook:clear-all-cell-outputs');
  const run = app.commands.execute('runmenu:run-all');
  const timer = new Promise((_, reject) => setTimeout(() => reject(new Error('run-all timed out')), timeoutMs));
  await Promise.race([run, timer]);
  const cells = panel.content.widgets;
  const errors = [];
  let unrun = 0;
  cells.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    if (cell.model.executionCount === null && cell.model.sharedModel.getSource().trim()) unrun += 1;
    for (const out of cell.model.outputs.toJSON()) {
      if (out.output_type === 'error') errors.push({cell: index, ename: out.ename, evalue: out.evalue});
    }
  });
  return {errors, unrun, cells: cells.length};
}
"""


def _lab_ready(page) -> bool:
    return page.evaluate("""() => {
      const app = window.jupyterapp;
      const panel = app && app.shell && app.shell.currentWidget;
      const kernel = panel && panel.sessionContext && panel.sessionContext.session
                     && panel.sessionContext.session.kernel;
      return !!(kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle');
    }""")


# Close every document without asking to save it (the runs change the workbook's copy only).
_CLOSE_ALL = """() => {
  for (const widget of Array.from(window.jupyterapp.shell.widgets('main'))) {
    if (widget.context) widget.context.model.dirty = false;
    widget.dispose();
  }
}"""

_OPEN = """async ([path]) => {
  const app = window.jupyterapp;
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  app.shell.activateById(panel.id);
  await panel.context.ready;
}"""


def lab_in_page(page) -> bool:
    """Whether ``page`` holds a loaded JupyterLab that can open another notebook."""
    try:
        return not page.is_closed() and page.evaluate("() => !!(window.jupyterapp && window.jupyterapp.shell)")
    except Exception:  # a crashed or navigating page
        return False


def lab_run_notebook(page, server: Server, path: Path, timeout: float = 240.0, reuse: bool = False) -> dict:
    """Open ``path`` in JupyterLab, run all cells, and return errors and cells left unrun.

    By default the page loads JupyterLab afresh (with a fresh workspace). With ``reuse`` the page already
    holds JupyterLab: its documents are closed, every kernel is shut down and ``path`` opens in the same
    app, as a student opens the next chapter. Loading JupyterLab costs about 8 CPU-seconds each time;
    nine chapters, each run in its own page, took 164 CPU-seconds, in one page 104.
    """
    if reuse:
        page.evaluate(_CLOSE_ALL)
        shutdown_kernels(server)
        page.evaluate(_OPEN, [path.as_posix()])
    else:
        page.goto(server.url(f"lab/tree/{path.as_posix()}", reset=None), wait_until="domcontentloaded")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=90_000)
    deadline = time.monotonic() + 90
    while not _lab_ready(page):
        if time.monotonic() > deadline:
            raise AssertionError(f"{path}: the kernel did not become idle within 90 s")
        time.sleep(0.3)
    return page.evaluate(_RUN_ALL, [int(timeout * 1000)])


def widget_render_errors(page) -> list[str]:
    """Texts of widget views that failed to render (ipywidgets shows them in place of the widget)."""
    texts = page.locator(".jp-OutputArea-output").filter(has_text=re.compile(
        r"Error displaying widget|Failed to (load|render) model|Error rendering")).all_inner_texts()
    return [t.strip()[:300] for t in texts]


def shutdown_kernels(server: Server) -> None:
    try:
        for session in server.api("GET", "api/sessions") or []:
            server.api("DELETE", f"api/sessions/{session['id']}")
    except (urllib.error.URLError, OSError):
        pass


# --------------------------------------------------------------------------- widgets (Lab or Voila)

def rendered_exercises(page) -> list[str]:
    """Ids of the exercise widgets on the page, in page order."""
    from crmlab import exercises as bank

    by_class = {exercise_class(i): i for i in bank.ids()}
    classes = page.eval_on_selector_all(".crmlab-exercise", "els => els.map(e => Array.from(e.classList))")
    out = []
    for names in classes:
        ids = [by_class.get(c, c[len('crmlab-ex-'):] + " (unregistered)") for c in names if c.startswith("crmlab-ex-")]
        out.append(ids[0] if ids else "(exercise without an id class)")
    return out


def wait_for_widgets(page, expected: NotebookWidgets, timeout: float = 60.0) -> None:
    """Wait until every exercise and planner the notebook shows is on the page."""
    deadline = time.monotonic() + timeout
    want = set(expected.exercises)
    while True:
        have = set(rendered_exercises(page))
        planners = page.locator(".crmlab-planner").count()
        if want <= have and planners >= len(expected.planners):
            return
        if time.monotonic() > deadline:
            missing = sorted(want - have)
            raise AssertionError(f"{expected.path}: widgets missing after {timeout:.0f} s: exercises {missing}, "
                                 f"planners {planners} of {len(expected.planners)} rendered")
        time.sleep(0.3)


def _feedback(widget):
    return widget.locator(".crmlab-feedback .widget-html-content").first


def _feedback_text(widget) -> str:
    return _feedback(widget).inner_text().strip()


def _wait_feedback(widget, predicate, what: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = _feedback_text(widget)
        if predicate(text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"{what}; feedback after {timeout:.0f} s: {text!r}")


def enter_answer(widget, kind: str, text: str) -> None:
    """Type or click ``text`` into the exercise widget the way a student would."""
    answer = widget.locator(".crmlab-answer").first
    if kind == "choice":
        key = text.strip()
        options = answer.locator("label")
        labels = [t.strip() for t in options.all_inner_texts()]
        index = next((i for i, t in enumerate(labels) if t == key or t.startswith(f"{key}.")), None)
        if index is None:
            raise AssertionError(f"no option {key!r} among {labels}")
        options.nth(index).click()
    elif kind == "multi":
        wanted = {k.strip() for k in text.split(",") if k.strip()}
        boxes = answer.locator("[class*='crmlab-option-']")
        keys = [next(c[len("crmlab-option-"):] for c in cls if c.startswith("crmlab-option-"))
                for cls in boxes.evaluate_all("els => els.map(e => Array.from(e.classList))")]
        unknown = wanted - set(keys)
        if unknown:
            raise AssertionError(f"no options {sorted(unknown)} among {keys}")
        for i, key in enumerate(keys):
            boxes.nth(i).locator("input[type=checkbox]").set_checked(key in wanted)
    else:
        field_ = answer.locator("input, textarea").first
        field_.fill(text)
        # The box sends its value on "change" (blur or Enter): leave it, as a student does by clicking elsewhere.
        field_.blur()


def exercise_roundtrip(page, exercise_id: str, shots: Path | None = None,
                       timeout: float = WIDGET_TIMEOUT) -> dict:
    """Answer exercise ``exercise_id`` wrongly then rightly; assert ✘ then ✔ is shown.

    Between the two, the Hint button must show a hint: so each verdict seen
    afterwards comes from the Check button, not from an earlier event.
    Returns the feedback texts seen; saves screenshots to ``shots``.
    """
    from crmlab import exercises as bank

    ex = bank.get(exercise_id)
    right, wrong = ex.sample_answers()
    widget = page.locator(f".crmlab-exercise.{exercise_class(exercise_id)}").first
    widget.scroll_into_view_if_needed()
    seen = {}
    for label, text, mark in (("wrong", wrong, WRONG), ("right", right, RIGHT)):
        try:
            before = _feedback_text(widget)
            enter_answer(widget, ex.kind, text)
            if ex.kind in ("number", "labels") and before:
                # Editing the box clears the old verdict: wait for that, because ipywidgets may hold a
                # typed value back while the box's previous update is in flight, yet sends clicks at
                # once, so a click right after typing could reach the kernel before the value does.
                # With no verdict shown yet (the first answer) nothing of this box is in flight, and
                # the value leaves with the typing itself, before the clicks below.
                try:
                    _wait_feedback(widget, lambda t: t != before, "", min(3.0, timeout))
                except AssertionError:
                    pass
            widget.locator(".crmlab-hint").first.click()
            seen[f"hint_{label}"] = _wait_feedback(
                widget, lambda t: bool(t) and not t.startswith((RIGHT, WRONG)),
                "the Hint button showed no hint", timeout)
            widget.locator(".crmlab-check").first.click()
            seen[label] = _wait_feedback(widget, lambda t, m=mark: t.startswith(m),
                                         f"after entering the {label} answer {text!r} and clicking Check, "
                                         f"the feedback does not start with {mark}", timeout)
        except AssertionError as exc:
            if shots is not None:
                widget.screenshot(path=str(shots / f"{slug(exercise_id)}-{label}-FAILED.png"))
            raise AssertionError(f"exercise {exercise_id} ({ex.kind}): {exc}") from None
        if shots is not None:
            widget.screenshot(path=str(shots / f"{slug(exercise_id)}-{label}.png"))
    return seen


_SIGNATURE = """el => {
  // What an element shows: its visible text, its images (blob/data URLs change when a PNG does) and a
  // hash of its markup (an SVG figure changes there).
  if (!el) return '';
  const imgs = Array.from(el.querySelectorAll('img')).map(i => i.src.length + ':' + i.src.slice(-48));
  // innerHTML serialises the subtree at every read: read it once (in the loop it cost a planner's SVG
  // 26,000 serialisations per signature: the TCO planner's test took 50 s with it, 9 s without).
  const markup = el.innerHTML;
  const s = el.innerText + '|' + imgs.join(',') + '|' + markup.length;
  let h = 5381;
  for (let i = 0; i < markup.length; i++) h = ((h << 5) + h + markup.charCodeAt(i)) | 0;
  return s.length + ':' + h + ':' + s.slice(0, 2000);
}"""


def _output_signature(output) -> str:
    return output.evaluate(_SIGNATURE)


def _part_signature(output, css: str) -> str:
    """The signature of the output's part ``css`` (the figure or the table); "" when it has none."""
    part = output.locator(css).first
    return part.evaluate(_SIGNATURE) if part.count() else ""


# The figure of a planner is an SVG in an HTML widget (an <img> in older versions); the table its own widget.
_FIGURE, _TABLE = ".crmlab-planner-figure", ".crmlab-planner-table"


def _table_ignores() -> set[str]:
    """Slider labels (English and Chinese) of controls the planner's table does not depend on:
    the TCO audit judges cost shares, so the discount rate and the benefit move the figure and verdict only."""
    from crmlab import i18n
    from crmlab.widgets.planner import CONTROLS

    labels = set()
    for code in i18n.LANGUAGES:
        with i18n.language(code):
            labels |= {i18n.gettext(CONTROLS[n][0]) for n in ("discount_rate", "annual_benefit")}
    return labels


def _drag_slider(page, slider) -> None:
    handle = slider.locator(".noUi-handle").first
    track = slider.locator(".noUi-target, .slider").first
    handle.scroll_into_view_if_needed()
    hb, tb = handle.bounding_box(), track.bounding_box()
    x0, y0 = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
    step = tb["width"] * 0.3
    x1 = x0 + step if x0 + step < tb["x"] + tb["width"] else x0 - step
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y0, steps=8)
    page.mouse.up()


def _control_moves(page, planner):
    """Ways to move one control of the planner, most typical first: (description, action)."""
    outside = ":not(.crmlab-planner-output *)"
    moves = []
    sliders = planner.locator(f".widget-slider{outside}:not(.mod-disabled)")
    for i in range(sliders.count()):
        s = sliders.nth(i)
        # ipywidgets 8 marks a disabled slider on its noUiSlider track, not on the widget's box.
        if s.evaluate("el => !!el.querySelector('[disabled]')"):
            continue
        moves.append((f"slider {s.locator('.widget-label').first.inner_text().strip()!r}",
                      lambda s=s: _drag_slider(page, s)))
    selects = planner.locator(f"select{outside}:not([disabled])")
    for i in range(selects.count()):
        sel = selects.nth(i)

        def pick(sel=sel):
            values = sel.evaluate("e => Array.from(e.options).map(o => o.value)")
            current = sel.input_value()
            sel.select_option(next(v for v in values if v != current))
        if len(sel.evaluate("e => Array.from(e.options)")) > 1:
            moves.append((f"dropdown {i}", pick))
    toggles = planner.locator(f".widget-toggle-buttons{outside} button:not(.mod-active):not([disabled])")
    for i in range(toggles.count()):
        b = toggles.nth(i)
        moves.append((f"toggle {b.inner_text().strip()!r}", b.click))
    radios = planner.locator(f".widget-radio-box{outside} input:not(:checked):not([disabled])")
    for i in range(radios.count()):
        moves.append((f"radio {i}", radios.nth(i).click))
    numbers = planner.locator(f".widget-text{outside} input[type=number]:not([disabled])")
    for i in range(numbers.count()):
        box = numbers.nth(i)

        def bump(box=box):
            value = float(box.input_value() or 0)
            box.fill(f"{value + max(1.0, abs(value) * 0.2):g}")
            box.press("Enter")
        moves.append((f"number box {i}", bump))
    checks = planner.locator(f".widget-checkbox{outside} input[type=checkbox]:not([disabled])")
    for i in range(checks.count()):
        moves.append((f"checkbox {i}", checks.nth(i).click))
    return moves


def planner_responds(page, planner, name: str, shots: Path | None = None,
                     timeout: float = WIDGET_TIMEOUT, controls: int | None = None) -> dict:
    """Move every control of ``planner`` in turn and assert that each changes its figure, without error.

    Controls are moved in order (sliders, dropdowns, toggles, radios, number boxes, check boxes;
    those enabled when the planner first shows). After each move the figure (``.crmlab-planner-figure``:
    an SVG, or an <img>) must change within ``timeout``, and the table (``.crmlab-planner-table``) too,
    unless the control is one the table does not depend on; the output must show no error.
    ``controls`` moves only the first few (the JupyterLab tests move all of them; an app test needs one).
    """
    planner.scroll_into_view_if_needed()
    output = planner.locator(".crmlab-planner-output").first
    if output.count() == 0:
        raise AssertionError(f"planner {name}: no element with class crmlab-planner-output")
    deadline = time.monotonic() + timeout
    while not output.inner_text().strip() and output.locator("img, svg").count() == 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"planner {name}: its output stayed empty for {timeout:.0f} s")
        time.sleep(0.2)
    time.sleep(0.5)  # let the first render settle
    if shots is not None:
        planner.screenshot(path=str(shots / f"{slug(name)}-before.png"))
    moves = _control_moves(page, planner)[:controls]
    if not moves:
        raise AssertionError(f"planner {name}: no enabled control found to move")
    ignores = _table_ignores()
    moved, figure_only = [], []
    for description, act in moves:
        figure, table = _part_signature(output, _FIGURE), _part_signature(output, _TABLE)
        act()
        deadline = time.monotonic() + timeout
        while _part_signature(output, _FIGURE) == figure:
            if time.monotonic() > deadline:
                if shots is not None:
                    planner.screenshot(path=str(shots / f"{slug(name)}-FAILED.png"))
                raise AssertionError(f"planner {name}: its figure did not change within {timeout:.0f} s after "
                                     f"moving {description} (moved before: {', '.join(moved) or 'none'})")
            time.sleep(0.1)
        # The last position of a drag arrives last: wait until the output stays the same for a moment.
        settled, last = time.monotonic(), _output_signature(output)
        while time.monotonic() - settled < 0.6 and time.monotonic() < deadline:
            time.sleep(0.1)
            now = _output_signature(output)
            if now != last:
                settled, last = time.monotonic(), now
        text = output.inner_text()
        if WRONG in text or "Traceback" in text:
            if shots is not None:
                planner.screenshot(path=str(shots / f"{slug(name)}-FAILED.png"))
            raise AssertionError(f"planner {name}: after moving {description} the output shows an error: "
                                 f"{text.strip()[:400]!r}")
        label = description.split(" ", 1)[1].strip("'\"") if description.startswith("slider ") else None
        if _part_signature(output, _TABLE) == table:
            if label is None or label not in ignores:
                raise AssertionError(f"planner {name}: moving {description} changed the figure but not the table")
            figure_only.append(description)
        moved.append(description)
    if shots is not None:
        planner.screenshot(path=str(shots / f"{slug(name)}-after.png"))
    return {"moved": moved, "figure only": figure_only, "output": output.inner_text().strip()[:300]}
