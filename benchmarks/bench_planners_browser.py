"""Browser latency of the three planners: from a key press or a slider drag to the new picture on screen.

Drives Debian's Chromium (``/usr/bin/chromium``, or ``$CRMLAB_CHROMIUM``) through Playwright against a
small notebook written to a temporary folder, one cell per planner (``tco_planner()``,
``scorecard_weights()``, ``matrix_explorer()`` with the "fixed point" crosshair so its cut boxes are
enabled), served by JupyterLab and by Voila on free loopback ports (the machinery of the browser
tests, ``tests/browser/helpers.py``). Every timestamp is taken in the page with ``performance.now()``,
so Playwright's round trips are not counted:

* key press: a capture-phase ``keydown`` on the document starts the clock (for a number box whose
  value is only sent on Enter, the Enter); a MutationObserver on the planner's
  ``.crmlab-planner-output`` stops it once the first ``img``/``svg`` there and its table have both
  changed (the table only when this benchmark's own copy of the planner says the move changes it),
  the image is decoded and one animation frame has run. ArrowRight/ArrowLeft alternately on a
  slider handle (ArrowUp/ArrowDown on a number box), ``--presses`` times, each waited for; "of which
  key->sent" is until the page's first websocket send after the key (the change leaving for the kernel);
* drag: mouse down on the first slider's handle, 20 moves over 30 % of the track with a pause after
  each, mouse up. "during" is, for each picture change while the button is down, the time since the
  latest pointermove; "release" is from pointerup until the output has stopped changing (nothing
  for ``--quiet-ms``), its last change painted. No picture change while dragging is printed as "no
  live update";
* kernel: this process builds the same planner (ipywidgets without a kernel) and times the same
  moves (control value set -> observers done: new figure, table, verdict), p50 and p95.

Run from the repository root (``make bench`` runs it too): ``python benchmarks/bench_planners_browser.py``
(both front ends, every planner, 25 presses, 6 drags: about 5 minutes on 2 shared cores);
``--frontend lab|voila|both``, ``--planner tco scorecard matrix``, ``--presses N``, ``--drags N``,
``--json PATH``. The kernels import crmlab from this checkout. Exits 1 when it cannot run (no
Playwright, no Chromium, no JupyterLab/Voila, nothing measurable); a measurement that fails or times
out is reported, not fatal. Load averages are printed with each row: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import helpers  # noqa: E402

NOTEBOOK = "notebooks/bench_planners.ipynb"
TARGET_MS = 100.0


@dataclass(frozen=True)
class Planner:
    name: str
    cell: str  # builds the planner as ``box`` and displays it
    control: str  # the key of box.controls that key presses move (None: the first control)
    setup: str = ""  # run on the box before it is shown (kernel side too)


PLANNERS = {
    "tco": Planner("tco", "from crmlab.widgets import tco_planner\nbox = tco_planner()", "users"),
    "scorecard": Planner("scorecard", "from crmlab.widgets import scorecard_weights\nbox = scorecard_weights()",
                         None),
    "matrix": Planner("matrix", "from crmlab.widgets import matrix_explorer\nbox = matrix_explorer()",
                      "importance", "box.controls['convention'].value = 'point'"),
}


# --------------------------------------------------------------------------- in the page

_INSTALL = """(el, opts) => {
  const out = el.querySelector('.crmlab-planner-output');
  if (!out) throw new Error('the planner has no .crmlab-planner-output');
  const picture = () => { const p = out.querySelector('img, svg'); return p ? p.outerHTML : ''; };
  const table = () => {
    const t = out.querySelectorAll('table');
    if (t.length) return t[t.length - 1].outerHTML;
    const h = Array.from(out.querySelectorAll('.widget-html')).filter(x => !x.closest('.crmlab-verdict'));
    return h.length ? h[h.length - 1].innerHTML : '';
  };
  const painted = () => {
    const img = out.querySelector('img');
    const decoded = img && img.decode ? img.decode().catch(() => null) : Promise.resolve();
    return decoded.then(() => new Promise(r => requestAnimationFrame(() => r(performance.now()))));
  };
  if (window.__cb && window.__cb.observer) window.__cb.observer.disconnect();
  const B = window.__cb = {
    out, picture, table, pic: picture(), tab: table(), lastMutation: performance.now(),
    armed: false, wantTable: true, picSeen: false, tabSeen: false, seenAt: null, done: null, sentAt: null,
    lastKey: null, keys: 0, changes: 0, inputs: 0,
    down: false, downAt: null, upAt: null, lastMove: null, moves: 0, events: [], pending: 0,
  };
  if (!window.__cbListening) {
    window.__cbListening = true;
    // When the page sends the change to the kernel: splits the latency into page-before-send and the rest.
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      const b = window.__cb;
      if (b && b.armed && b.sentAt === null) b.sentAt = performance.now();
      return send.call(this, data);
    };
    const C = () => window.__cb;
    document.addEventListener('keydown', () => { C().lastKey = performance.now(); C().keys += 1; }, true);
    document.addEventListener('change', () => { C().changes += 1; }, true);
    document.addEventListener('input', () => { C().inputs += 1; }, true);
    document.addEventListener('pointerdown', () => {
      const b = C(); b.down = true; b.downAt = performance.now(); }, true);
    document.addEventListener('pointermove', () => {
      const b = C(); if (b.down) { b.lastMove = performance.now(); b.moves += 1; } }, true);
    document.addEventListener('pointerup', () => { const b = C(); b.down = false; b.upAt = performance.now(); }, true);
  }
  B.observer = new MutationObserver(() => {
    const now = performance.now();
    B.lastMutation = now;
    const p = picture(), t = table();
    if (p !== B.pic) {
      B.pic = p;
      const ev = {at: now, dragging: B.down, sinceMove: B.lastMove === null ? null : now - B.lastMove,
                  painted: null};
      B.events.push(ev);
      B.pending += 1;
      painted().then(at => { ev.painted = at; B.pending -= 1; });
      if (B.armed) B.picSeen = true;
    }
    if (t !== B.tab) { B.tab = t; if (B.armed) B.tabSeen = true; }
    if (B.armed && B.picSeen && (B.tabSeen || !B.wantTable)) {
      B.armed = false;
      B.seenAt = now;
      painted().then(at => { B.done = at; });
    }
  });
  B.observer.observe(out, {subtree: true, childList: true, attributes: true, characterData: true});
  return {picture: B.pic.slice(0, 40), table: B.tab.length};
}"""

_ARM = """(wantTable) => { const B = window.__cb;
  Object.assign(B, {armed: true, wantTable, picSeen: false, tabSeen: false, seenAt: null, done: null,
                    sentAt: null, lastKey: null, keys: 0, changes: 0, inputs: 0}); }"""

_QUIET = """(ms) => { const B = window.__cb;
  return B.pending === 0 && performance.now() - B.lastMutation > ms; }"""

_DRAG_RESET = """() => { const B = window.__cb;
  Object.assign(B, {armed: false, events: [], moves: 0, lastMove: null, downAt: null, upAt: null}); }"""

_DRAG_SETTLED = """([quietMs, needChange]) => { const B = window.__cb;
  if (B.upAt === null || B.pending) return false;
  if (needChange && !B.events.length) return false;
  return performance.now() - Math.max(B.lastMutation, B.upAt) > quietMs; }"""

_DRAG_RESULT = """() => { const B = window.__cb;
  const during = B.events.filter(e => e.dragging);
  const last = Math.max(B.lastMutation, ...B.events.map(e => e.painted || 0));
  return {moves: B.moves, during: during.map(e => e.painted - e.at + e.sinceMove),
          updates: B.events.length, release: last > B.upAt ? last - B.upAt : 0}; }"""


# --------------------------------------------------------------------------- kernel side (this process)

@dataclass
class Kernel:
    """This process's copy of a planner: which control moves, how, and what a move changes."""

    box: object
    control: object
    start: float
    step: float
    kind: str  # "slider" or "number"
    changes_picture: bool = True
    changes_table: bool = True
    times_ms: list = field(default_factory=list)

    @property
    def continuous(self) -> bool:
        return bool(getattr(self.control, "continuous_update", False))


def build(planner: Planner) -> Kernel:
    namespace: dict = {}
    exec(planner.cell, namespace)  # noqa: S102 - our own cell text
    box = namespace["box"]
    if planner.setup:
        exec(planner.setup, namespace)  # noqa: S102
    controls = box.controls
    control = controls[planner.control] if planner.control else next(iter(controls.values()))
    kind = "slider" if hasattr(control, "min") and hasattr(control, "max") and "Slider" in type(control).__name__ \
        else "number"
    step = float(getattr(control, "step", 1) or 1)
    high = getattr(control, "max", None)
    if high is not None and control.value + step > high:
        step = -step  # at the top of its range: the first press goes down
    return Kernel(box, control, control.value, step, kind)


def _rounded(k: Kernel, value: float):
    return type(k.start)(round(value, 10))


def _find_output(widget):
    if "crmlab-planner-output" in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = _find_output(child)
        if found is not None:
            return found
    return None


def _picture_and_table(box) -> tuple:
    """What the output shows, as the page compares it: the first picture (PNG bytes, or HTML with an
    ``<svg>``) and the last table (HTML with a ``<table>``) among the output area's widgets."""
    out = _find_output(box)
    values = [getattr(c, "value", None) for c in (out.children if out is not None else ())]
    values = [bytes(v) if isinstance(v, (bytes, bytearray, memoryview)) else v for v in values]  # Image: memoryview
    pictures = [v for v in values if isinstance(v, bytes) or (isinstance(v, str) and "<svg" in v)]
    tables = [v for v in values if isinstance(v, str) and "<table" in v and "<svg" not in v]
    return (pictures[0] if pictures else None), (tables[-1] if tables else None)


def kernel_moves(k: Kernel, n: int) -> None:
    """Time ``n`` alternating moves (start -> start+step -> start ...) like the key presses; note what changes.

    Run in a thread of its own: Playwright's sync API keeps an asyncio loop running in the main thread, and a
    planner that sees a running loop defers its update to it (as in a kernel), which would time nothing.
    """
    errors = []

    def run():
        try:
            _kernel_moves(k, n)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


def _kernel_moves(k: Kernel, n: int) -> None:
    other = _rounded(k, k.start + k.step)
    k.control.value = other  # one warm-up move (the browser's first render is not timed either)
    k.control.value = k.start
    image, table = _picture_and_table(k.box)
    k.control.value = other
    image2, table2 = _picture_and_table(k.box)
    k.changes_picture, k.changes_table = image2 != image, table2 != table
    k.control.value = k.start
    times = []
    for i in range(n):
        value = other if i % 2 == 0 else k.start
        t = time.perf_counter()
        k.control.value = value
        times.append((time.perf_counter() - t) * 1000)
    k.control.value = k.start
    k.times_ms = times


# --------------------------------------------------------------------------- statistics and printing

def summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    s = sorted(values)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * len(s) + 0.5) - 1))]  # nearest rank
    return {"n": len(s), "p50": statistics.median(s), "p95": p95, "max": s[-1]}


def _ms(x) -> str:
    return "-" if x is None else f"{x:.0f}"


def _row(label: str, stats: dict, note: str = "") -> str:
    return (f"  {label:<22}{stats['n']:>4}{_ms(stats['p50']):>8}{_ms(stats['p95']):>8}{_ms(stats['max']):>8}"
            f"  {note}")


def report(result: dict) -> str:
    lines = [f"{result['planner']} in {result['frontend']}  (moving {result['control']}; "
             f"continuous_update={result['continuous_update']}; load average {result['load_start']:.2f} -> "
             f"{result['load_end']:.2f})",
             f"  {'':<22}{'n':>4}{'p50':>8}{'p95':>8}{'max':>8}  (ms)"]
    key = result["key"]
    lines.append(_row("key press", key, result["keys"] + (f"; {key['timeouts']} timed out" if key["timeouts"] else "")))
    if key["to_send"]["n"]:
        lines.append(_row("  of which key->sent", key["to_send"], "until the page sends the change to the kernel"))
    drag = result.get("drag")
    if drag is None:
        lines.append(f"  {'drag':<22}   -  no slider to drag")
    else:
        during = drag["during"]
        note = (f"{drag['updates_during']} live updates in {drag['drags']} drags" if during["n"]
                else f"no live update (continuous_update={result['continuous_update']})")
        lines.append(_row("drag, while dragging", during, note))
        lines.append(_row("drag, after release", drag["release"],
                          f"{drag['timeouts']} timed out" if drag["timeouts"] else ""))
    kern = result["kernel"]
    lines.append(_row("kernel (this process)", kern, "control change -> new figure, table, verdict"))
    p95 = key["p95"]
    if p95 is not None:
        verdict = "yes" if p95 < TARGET_MS else "no"
        lines.append(f"  key press p95 < {TARGET_MS:.0f} ms: {verdict} ({p95:.0f} ms; "
                     f"kernel p95 {_ms(kern['p95'])} ms)")
    for note in result["notes"]:
        lines.append(f"  note: {note}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- measuring one planner in a page

def _find_target(planner_el):
    """The control key presses go to: a slider handle (outside the output) first, else an enabled number box."""
    outside = ":not(.crmlab-planner-output *)"
    handles = planner_el.locator(f".widget-slider{outside}:not(.mod-disabled) .noUi-handle")
    if handles.count():
        return "slider", handles.first
    boxes = planner_el.locator(f".widget-text{outside} input[type=number]:not([disabled])")
    if boxes.count():
        return "number", boxes.first
    return None, None


def _wait(page, script: str, arg, timeout_s: float) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(script, arg=arg, timeout=timeout_s * 1000)
        return True
    except PlaywrightTimeout:
        return False


def measure(page, planner: Planner, k: Kernel, frontend: str, args) -> dict:
    notes: list[str] = []
    el = page.locator(f".crmlab-bench-{planner.name}").first
    el.wait_for(state="attached", timeout=args.timeout * 1000)
    el.scroll_into_view_if_needed()
    if not _wait(page, """(sel) => { const o = document.querySelector(sel + ' .crmlab-planner-output');
                    return !!o && !!o.querySelector('img[src], svg') && !!o.querySelector('table'); }""",
                 f".crmlab-bench-{planner.name}", args.timeout):
        raise AssertionError(f"{planner.name}: no picture and table in its output within {args.timeout:.0f} s")
    el.evaluate(_INSTALL, {})
    _wait(page, _QUIET, 500, args.timeout)  # the first render settles
    load_start = os.getloadavg()[0]

    kind, target = _find_target(el)
    if target is None:
        raise AssertionError(f"{planner.name}: no enabled slider handle or number box to press keys on")
    if kind != k.kind:
        notes.append(f"the page's control is a {kind}, this process's copy a {k.kind}")
    up = "ArrowRight" if kind == "slider" else "ArrowUp"
    down = "ArrowLeft" if kind == "slider" else "ArrowDown"
    keys = (up, down) if k.step > 0 else (down, up)
    want_table = k.changes_table
    if not k.changes_picture:
        notes.append("this move does not change the picture: key presses time out")
    if not want_table:
        notes.append("this move does not change the table: timed to the picture alone")
    key_ms, send_ms, timeouts, committed_by_enter = [], [], 0, 0
    target.focus()
    for i in range(args.presses):
        _wait(page, _QUIET, 100, args.timeout)  # the previous update has finished arriving
        page.evaluate(_ARM, want_table)
        target.press(keys[i % 2])
        if kind == "number" and not k.continuous and page.evaluate("() => window.__cb.changes") == 0:
            target.press("Enter")  # FloatText(continuous_update=False) sends its value on change only
            committed_by_enter += 1
        if not _wait(page, "() => window.__cb.done !== null", None, args.timeout):
            state = page.evaluate("() => ({pic: window.__cb.picSeen, tab: window.__cb.tabSeen})")
            timeouts += 1
            if state["pic"] and not state["tab"] and want_table:
                want_table = False
                notes.append("the table did not change on a move: timed to the picture alone from then on")
            continue
        t0, sent, done = page.evaluate("() => [window.__cb.lastKey, window.__cb.sentAt, window.__cb.done]")
        key_ms.append(done - t0)
        if sent is not None:
            send_ms.append(sent - t0)
    if committed_by_enter:
        notes.append(f"number box: Enter pressed after the arrow key ({committed_by_enter} times; "
                     "timed from the Enter keydown) because the arrow fired no change event")
    elif kind == "number":
        notes.append("number box: the arrow key's own change event sends the value (no Enter needed)")
    key = summary(key_ms) | {"timeouts": timeouts, "to_send": summary(send_ms)}

    drag = None
    if kind == "slider" and args.drags:
        drag = drag_slider(page, el, args, notes)
    load_end = os.getloadavg()[0]
    return {"planner": planner.name, "frontend": frontend, "control": _control_label(planner, k),
            "continuous_update": k.continuous, "keys": "/".join(keys), "key": key, "drag": drag,
            "kernel": summary(k.times_ms), "load_start": load_start, "load_end": load_end, "notes": notes,
            "raw": {"key_ms": key_ms, "send_ms": send_ms, "kernel_ms": k.times_ms,
                    **({"drag": drag.pop("raw")} if drag else {})}}


def _control_label(planner: Planner, k: Kernel) -> str:
    description = getattr(k.control, "description", "") or planner.control or "control"
    return f"{type(k.control).__name__} {description!r}"


def drag_slider(page, el, args, notes) -> dict:
    slider = el.locator(".widget-slider:not(.crmlab-planner-output *):not(.mod-disabled)").first
    handle, track = slider.locator(".noUi-handle").first, slider.locator(".noUi-target").first
    during, release, updates_during, timeouts, raw = [], [], 0, 0, []
    for i in range(args.drags):
        _wait(page, _QUIET, 100, args.timeout)
        hb, tb = handle.bounding_box(), track.bounding_box()
        if not hb or not tb:
            raise AssertionError("the slider handle or its track has no box on screen")
        x0, y = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
        span = tb["width"] * 0.3
        right = x0 + span <= tb["x"] + tb["width"] - 1
        left = x0 - span >= tb["x"] + 1
        sign = 1 if (right and (i % 2 == 0 or not left)) else -1
        page.evaluate(_DRAG_RESET)
        page.mouse.move(x0, y)
        page.mouse.down()
        for s in range(1, args.drag_steps + 1):
            page.mouse.move(x0 + sign * span * s / args.drag_steps, y)
            page.wait_for_timeout(args.step_pause_ms)  # a hand moves at this pace; nothing to wait for
        page.mouse.up()
        if not _wait(page, _DRAG_SETTLED, [args.quiet_ms, True], args.timeout + args.quiet_ms / 1000):
            timeouts += 1
            continue
        r = page.evaluate(_DRAG_RESULT)
        raw.append(r)
        during += r["during"]
        updates_during += len(r["during"])
        release.append(r["release"])
        if r["moves"] < args.drag_steps // 2:
            notes.append(f"drag {i}: only {r['moves']} pointermoves reached the page")
    return {"drags": args.drags, "steps": args.drag_steps, "step_pause_ms": args.step_pause_ms,
            "quiet_ms": args.quiet_ms, "during": summary(during), "release": summary(release),
            "updates_during": updates_during, "timeouts": timeouts, "raw": raw}


# --------------------------------------------------------------------------- the notebook, servers, pages

def write_notebook(root: Path, planners: list[Planner]) -> Path:
    # The first cell says where the kernel's crmlab comes from (it must be this process's).
    source = ("import crmlab\nfrom IPython.display import HTML\n"
              "HTML(f\"<span class='crmlab-bench-source'>{crmlab.__file__}</span>\")")
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Planner latency benchmark"},
             {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}]
    for p in planners:
        source = f"{p.cell}\n{p.setup + chr(10) if p.setup else ''}box.add_class('crmlab-bench-{p.name}')\nbox"
        cells.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                      "source": source})
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = root / NOTEBOOK
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def open_lab(context, root: Path, home: Path, stack: list, timeout: float):
    server = helpers.start_lab(root, home, token=f"bench-{os.getpid()}")
    stack.append(server)
    page = context.new_page()
    outcome = helpers.lab_run_notebook(page, server, Path(NOTEBOOK), timeout=240)
    if outcome["errors"] or outcome["unrun"]:
        raise AssertionError(f"the benchmark notebook failed in JupyterLab: {outcome}")
    return page


def open_voila(context, root: Path, home: Path, stack: list, timeout: float):
    server = helpers.start_voila(NOTEBOOK, root, home)
    stack.append(server)
    page = context.new_page()
    page.goto(server.url(""), wait_until="domcontentloaded", timeout=120_000)
    page.locator(".crmlab-planner").first.wait_for(state="attached", timeout=120_000)
    return page


def cannot_run(message: str) -> int:
    print(f"bench_planners_browser: cannot run: {message}", file=sys.stderr)
    return 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frontend", choices=("lab", "voila", "both"), default="both")
    parser.add_argument("--planner", nargs="+", choices=list(PLANNERS), default=list(PLANNERS),
                        help="planners to measure (default: all three)")
    parser.add_argument("--presses", type=int, default=25, help="key presses per planner and front end (25)")
    parser.add_argument("--drags", type=int, default=6, help="slider drags per planner and front end (6)")
    parser.add_argument("--drag-steps", type=int, default=20, help="pointer moves per drag (20)")
    parser.add_argument("--step-pause-ms", type=int, default=25, help="pause after each pointer move (25 ms)")
    parser.add_argument("--quiet-ms", type=int, default=750,
                        help="after a release, the output is final once nothing changed for this long (750 ms)")
    parser.add_argument("--timeout", type=float, default=helpers.WIDGET_TIMEOUT,
                        help=f"seconds one update may take ({helpers.WIDGET_TIMEOUT:.0f})")
    parser.add_argument("--json", type=Path, help="also write the numbers (and every sample) to this file")
    args = parser.parse_args(argv)

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return cannot_run("Playwright is not installed: pip install 'crmlab[browser]'")
    chromium = helpers.chromium_path()
    if chromium is None:
        looked = os.environ.get("CRMLAB_CHROMIUM") or ", ".join(helpers.CHROMIUM_CANDIDATES)
        return cannot_run(f"Chromium not found (looked for {looked}): apt-get install chromium, "
                          "or set CRMLAB_CHROMIUM")
    frontends = ["lab", "voila"] if args.frontend == "both" else [args.frontend]
    for module, frontend in (("jupyterlab", "lab"), ("voila", "voila")):
        if frontend in frontends:
            try:
                __import__(module)
            except ImportError:
                return cannot_run(f"{module} is not installed: pip install 'crmlab[browser]'")
    planners = [PLANNERS[name] for name in args.planner]

    # The servers' kernels import crmlab from this checkout, as this process does (make bench runs the
    # scripts with the venv's python, whose editable crmlab may be another checkout's).
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    # A SIGTERM ends the run like Ctrl-C does: through the finally below, which stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    print(f"bench_planners_browser: {', '.join(p.name for p in planners)} in {' and '.join(frontends)}; "
          f"{args.presses} presses, {args.drags} drags each; {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    import crmlab

    print(f"  crmlab from {Path(crmlab.__file__).parent}", flush=True)
    kernels = {}
    for p in planners:
        k = build(p)
        kernel_moves(k, 2)
        kernels[p.name] = k
        print(f"  {p.name}: moves {_control_label(p, k)} by {k.step:g} (picture changes: {k.changes_picture}, "
              f"table changes: {k.changes_table})", flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="crmlab-bench-browser-"))
    servers: list = []
    results, failures = [], []
    try:
        root, home = tmp / "workbook", tmp / "jupyter-home"
        home.mkdir(parents=True)
        write_notebook(root, planners)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=helpers.CHROMIUM_ARGS)
            version = browser.version
            try:
                for frontend in frontends:
                    context = browser.new_context(viewport=helpers.VIEWPORT, device_scale_factor=1)
                    t = time.monotonic()
                    opener = open_lab if frontend == "lab" else open_voila
                    try:
                        page = opener(context, root, home, servers, args.timeout)
                    except Exception as exc:
                        failures.append(f"{frontend}: could not open the benchmark notebook: {exc}")
                        print(f"  {failures[-1]}", flush=True)
                        context.close()
                        continue
                    print(f"  {frontend}: notebook open and run in {time.monotonic() - t:.0f} s", flush=True)
                    source = page.locator(".crmlab-bench-source").first.inner_text(timeout=args.timeout * 1000)
                    if source.strip() != crmlab.__file__:
                        failures.append(f"{frontend}: the kernel imports crmlab from {source.strip()}, "
                                        f"this process from {crmlab.__file__}: the kernel-side times are not "
                                        "of the same code")
                        print(f"  {failures[-1]}", flush=True)
                    for p in planners:
                        try:
                            # The kernel side right before the browser side: both under the same load.
                            kernel_moves(kernels[p.name], args.presses)
                            result = measure(page, p, kernels[p.name], frontend, args)
                        except Exception as exc:
                            failures.append(f"{p.name} in {frontend}: {exc}")
                            print(f"  {failures[-1]}", flush=True)
                            continue
                        results.append(result)
                        print("\n" + report(result) + "\n", flush=True)
                    context.close()
                    while servers:
                        servers.pop().stop()
            finally:
                browser.close()
    finally:
        while servers:
            servers.pop().stop()
        shutil.rmtree(tmp, ignore_errors=True)

    elapsed = time.monotonic() - started
    print(f"done in {elapsed:.0f} s; Chromium {version}; load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for f in failures:
        print(f"FAILED: {f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        meta = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": os.cpu_count(),
                "python": platform.python_version(), "chromium": version, "seconds": round(elapsed, 1),
                "argv": sys.argv[1:], "target_ms": TARGET_MS}
        args.json.write_text(json.dumps({"meta": meta, "results": results, "failures": failures}, indent=1) + "\n",
                             encoding="utf-8")
        print(f"wrote {args.json}")
    if not results:
        return cannot_run("nothing could be measured (see FAILED above)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers were stopped and the temporary folder removed on the way out
        print("bench_planners_browser: interrupted", file=sys.stderr)
        sys.exit(130)
