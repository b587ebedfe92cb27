"""Publish the workbook as static HTML: every chapter and case executed, with a table of contents.

:func:`build` runs each notebook of ``notebooks/`` and ``cases/`` top to bottom in
a fresh kernel (in a temporary copy, with a per-cell timeout), converts it to
HTML with nbconvert, and writes ``index.html`` with the table of contents. Links
between notebooks (``05_tco_planning.ipynb#...``) become links between pages, a
link to a folder of notebooks goes to its section of the contents, figures are
embedded in the pages, and the pages need no server and no network: MathJax,
which typesets the formulas, is copied into the book from the
``jupyter-server-mathjax`` package.

Cases are published as the students receive them (``cases="student"``, the
default): the hand-out ``otter assign`` makes (see :func:`crmlab.instructor.student_version`),
without solutions, tests or teaching note, showing the outputs of the cells that
do not use an answer. ``cases="instructor"`` publishes the solutions instead.

Widgets cannot run without a kernel, so each one is shown as a snapshot of its
state after the run (its prompt, options, buttons, figure and table), with a
note on how to use it live (``crmlab lab`` or ``crmlab app NN``).

Examples
--------
>>> rewrite_links('<a href="05_tco_planning.ipynb#Audit">x</a>', lambda url: url.replace(".ipynb", ".html"))
'<a href="05_tco_planning.html#Audit">x</a>'
>>> print(snapshot_widget({"state": {"m1": {"model_name": "ButtonModel",
...     "state": {"description": "Check", "_dom_classes": ["crmlab-check"]}}}}, "m1"))
<button class="crmlab-check" disabled>Check</button>
"""

from __future__ import annotations

import base64
import html
import importlib.util
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["build", "Page", "rewrite_links", "snapshot_widget"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
FOLDERS = (("notebooks", "Chapters"), ("cases", "Cases"))
TITLE = "crmlab — evaluating CRM performance and its costs and benefits"


@dataclass(frozen=True)
class Page:
    """One notebook of the book: its source (relative to the workbook) and what the contents page shows."""

    source: Path
    title: str
    sections: tuple[tuple[str, str], ...]  # (anchor id, heading text) of the level-2 headings
    seconds: float

    @property
    def href(self) -> str:
        return self.source.with_suffix(".html").as_posix()


# --------------------------------------------------------------------------- executing

def _execute(src: str, workdir: str, timeout: int) -> tuple[str, float, str]:
    """Run one notebook in a fresh kernel (in a worker process); return its JSON, seconds and any error."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": workdir}}, store_widget_state=True)
    start = time.perf_counter()
    error = ""
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        # Keep the first lines: the cell and the exception, not the whole traceback.
        error = "\n".join(str(exc).strip().splitlines()[-12:])
    return nbformat.writes(nb), time.perf_counter() - start, error


def _sources(root: Path, notebooks: Iterable | None) -> list[Path]:
    if notebooks is not None:
        paths = [Path(p) for p in notebooks]
        return [p.resolve().relative_to(root) if p.is_absolute() else p for p in paths]
    found = []
    for folder, _ in FOLDERS:
        found += sorted(p.relative_to(root) for p in (root / folder).glob("*.ipynb"))
    return found


# --------------------------------------------------------------------------- widget snapshots

def _ref(value) -> str | None:
    return value[len("IPY_MODEL_"):] if isinstance(value, str) and value.startswith("IPY_MODEL_") else None


def _classes(state: dict, *extra: str) -> str:
    names = [*extra, *state.get("_dom_classes", ())]
    return f' class="{html.escape(" ".join(names))}"' if names else ""


def _described(state: dict, body: str) -> str:
    label = state.get("description") or ""
    if not label:
        return body
    label = f'<span class="crmlab-static-label">{html.escape(label)}</span>'
    return f'<span class="crmlab-static-row">{label} {body}</span>'


def _options(state: dict) -> list[str]:
    return [str(o) for o in state.get("_options_labels", ())]


def _output_html(output: dict, widgets: dict, depth: int) -> str:
    data = output.get("data", {})
    if output.get("output_type") == "stream":
        return f"<pre>{html.escape(output.get('text', ''))}</pre>"
    if WIDGET_VIEW in data:
        return snapshot_widget(widgets, data[WIDGET_VIEW].get("model_id", ""), depth + 1)
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            return f'<img alt="figure" src="data:{mime};base64,{data[mime]}">'
    if "image/svg+xml" in data:
        return data["image/svg+xml"]
    if "text/html" in data:
        return data["text/html"]
    if "text/plain" in data:
        return f"<pre>{html.escape(data['text/plain'])}</pre>"
    return ""


def snapshot_widget(widgets: dict, model_id: str, depth: int = 0) -> str:
    """Static HTML showing the widget ``model_id`` as it was left, from a notebook's saved widget state.

    ``widgets`` is the ``application/vnd.jupyter.widget-state+json`` metadata
    (``{"state": {model_id: {"model_name": ..., "state": {...}}}}``). Controls are
    drawn disabled; unknown widget types are left out.
    """
    models = widgets.get("state", {})
    entry = models.get(model_id)
    if entry is None or depth > 30:
        return ""
    name, state = entry.get("model_name", ""), entry.get("state", {})
    esc = html.escape
    if name in ("VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel", "AccordionModel", "TabModel"):
        kind = "crmlab-static-row" if name == "HBoxModel" else "crmlab-static-column"
        children = "".join(snapshot_widget(widgets, _ref(c) or "", depth + 1) for c in state.get("children", ()))
        return f"<div{_classes(state, kind)}>{children}</div>"
    if name in ("HTMLModel", "HTMLMathModel"):
        return _described(state, f"<div{_classes(state)}>{state.get('value', '')}</div>")
    if name == "LabelModel":
        return f"<span{_classes(state)}>{esc(str(state.get('value', '')))}</span>"
    if name == "ButtonModel":
        return f"<button{_classes(state)} disabled>{esc(state.get('description', ''))}</button>"
    if name in ("TextModel", "TextareaModel", "FloatTextModel", "IntTextModel", "BoundedFloatTextModel",
                "BoundedIntTextModel"):
        value, hint = esc(str(state.get("value", ""))), esc(state.get("placeholder", "") or "")
        return _described(state, f'<input{_classes(state)} disabled value="{value}" placeholder="{hint}">')
    if name in ("FloatSliderModel", "IntSliderModel"):
        value = state.get("value", "")
        return _described(state, f'<input type="range" disabled min="{state.get("min", 0)}" '
                                 f'max="{state.get("max", 100)}" step="{state.get("step", 1)}" value="{value}"> '
                                 f"<span>{esc(str(value))}</span>")
    if name in ("RadioButtonsModel", "ToggleButtonsModel", "DropdownModel", "SelectModel"):
        chosen = state.get("index")
        items = "".join(f"<li{' class=chosen' if i == chosen else ''}>{'●' if i == chosen else '○'} {esc(o)}</li>"
                        for i, o in enumerate(_options(state)))
        return _described(state, f'<ul{_classes(state, "crmlab-static-options")}>{items}</ul>')
    if name == "CheckboxModel":
        mark = "☑" if state.get("value") else "☐"
        return f"<div{_classes(state)}>{mark} {esc(state.get('description', ''))}</div>"
    if name == "ImageModel":
        buffer = next((b for b in entry.get("buffers", ()) if b.get("path") == ["value"]), None)
        if not buffer:
            return ""
        data = buffer["data"] if buffer.get("encoding") == "base64" else base64.b64encode(buffer["data"]).decode()
        fmt = state.get("format", "png")
        return f'<img{_classes(state)} alt="figure" src="data:image/{esc(fmt)};base64,{data}">'
    if name == "OutputModel":
        return f"<div{_classes(state)}>" + "".join(_output_html(o, widgets, depth) for o in state.get("outputs", ())) \
            + "</div>"
    return ""


def _static_widgets(nb, chapter: str) -> None:
    """Replace each widget output by a snapshot of it plus a note on where it is live."""
    widgets = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    live = f"crmlab app {chapter}" if chapter else "crmlab lab"
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            body = snapshot_widget(widgets, data[WIDGET_VIEW].get("model_id", ""))
            note = ("<p class='crmlab-static-note'>A snapshot of an interactive widget: to use it, open this notebook "
                    f"in JupyterLab (<code>crmlab lab</code>) or run <code>{live}</code>.</p>")
            output["data"] = {"text/html": f"<div class='crmlab-static-widget'>{body}{note}</div>"}
    nb.metadata.pop("widgets", None)


# --------------------------------------------------------------------------- links and headings

_HREF = re.compile(r"""(\b(?:href|src)=)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def rewrite_links(text: str, fix: Callable[[str], str]) -> str:
    """Apply ``fix`` to every ``href``/``src`` URL in ``text``."""
    return _HREF.sub(lambda m: f"{m.group(1)}{m.group(2)}{fix(html.unescape(m.group(3)))}{m.group(2)}", text)


class _Headings(HTMLParser):
    """Collect the text and id of h1/h2 headings of an nbconvert page."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str]] = []  # (tag, id, text)
        self._open: list | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2") and self._open is None:
            self._open = [tag, attrs.get("id", ""), ""]
        elif self._open is not None and tag == "a" and "anchor-link" in (attrs.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if self._open is not None and tag == "a" and self._skip:
            self._skip -= 1
        elif self._open is not None and tag == self._open[0]:
            self.found.append((self._open[0], self._open[1], " ".join(self._open[2].split())))
            self._open = None

    def handle_data(self, data):
        if self._open is not None and not self._skip:
            self._open[2] += data


def _relative(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start)).as_posix()


def _link_fixer(root: Path, out: Path, source: Path, copied: set) -> Callable[[str], str]:
    """Turn the notebook's links into links between book pages (and copy linked files into the book)."""
    here = (root / source).parent

    def fix(url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("#", "/", "mailto:", "data:")) or not parts.path:
            return html.escape(url, quote=True)
        target = (here / parts.path).resolve()
        # A query stays: MathJax.js reads its configuration from one.
        fragment = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        try:
            rel = target.relative_to(root)
        except ValueError:
            return html.escape(url, quote=True)
        page_dir = out / source.parent
        if target.suffix == ".ipynb":
            new = _relative(out / rel.with_suffix(".html"), page_dir) + fragment
        elif target.is_dir():
            anchor = rel.parts[0] if rel.parts and rel.parts[0] in dict(FOLDERS) else ""
            new = _relative(out / "index.html", page_dir) + (f"#{anchor}" if anchor else "")
        else:
            if target.is_file() and rel not in copied:
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(target, out / rel)
                copied.add(rel)
            new = _relative(out / rel, page_dir) + fragment
        return html.escape(new, quote=True)

    return fix


# --------------------------------------------------------------------------- pages

_CSS = """
.crmlab-nav { background: #f6f8fa; border-bottom: 1px solid #d0d7de;
  padding: 6px 16px; font: 14px/1.6 system-ui, sans-serif; display: flex; gap: 1.5em; flex-wrap: wrap; }
.crmlab-nav a { color: #0b5cad; text-decoration: none; }
.crmlab-nav a:hover { text-decoration: underline; }
.crmlab-nav .crmlab-nav-title { font-weight: 600; margin-right: auto; }
.crmlab-static-widget { border: 1px dashed #999; border-radius: 4px; padding: 8px 10px; margin: 4px 0; }
.crmlab-static-widget img { max-width: 100%; }
.crmlab-static-column { display: flex; flex-direction: column; gap: 4px; }
.crmlab-static-row { display: flex; flex-direction: row; flex-wrap: wrap; gap: 8px; align-items: baseline; }
.crmlab-static-label { font-weight: 600; }
.crmlab-static-widget ul.crmlab-static-options { list-style: none; margin: 2px 0; padding-left: 0.5em; }
.crmlab-static-widget ul.crmlab-static-options li.chosen { font-weight: 600; }
.crmlab-static-widget button { padding: 2px 12px; }
.crmlab-static-note { color: #555; font-size: 0.9em; font-style: italic; margin: 6px 0 0; }
"""

_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{% from 'mathjax.html.j2' import mathjax %}
{%- block html_head_js_mathjax -%}
{%- if resources.crmlab_local_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null}});
</script>
{%- endif -%}
{{ mathjax(resources.mathjax_url) }}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{% block extra_css %}<style type="text/css">{{ resources.crmlab_css }}</style>{% endblock extra_css %}
"""


def _nav(out: Path, page: Path, previous: Page | None, following: Page | None, glossary: str | None) -> str:
    here = (out / page).parent

    def link(target: str, text: str, css: str = "") -> str:
        path, _, fragment = target.partition("#")
        href = _relative(out / path, here) + (f"#{fragment}" if fragment else "")
        return f'<a href="{html.escape(href)}"{f" class={css!r}" if css else ""}>{text}</a>'

    items = [f'<span class="crmlab-nav-title">{link("index.html", "crmlab workbook")}</span>',
             link("index.html", "Contents")]
    if glossary:
        items.append(link(glossary, "Glossary · 术语表", "crmlab-nav-glossary"))
    if previous:
        items.append(link(previous.href, f"← {html.escape(previous.source.stem)}"))
    if following:
        items.append(link(following.href, f"{html.escape(following.source.stem)} →"))
    return f'<nav class="crmlab-nav">{"".join(items)}</nav>'


def _index_html(pages: list[Page], glossary: str | None, cases: str = "student") -> str:
    esc = html.escape
    body = [f"<h1>{esc(TITLE)}</h1>",
            "<p>Every chapter and case of the workbook, executed. Widgets are shown as snapshots; to use them, open "
            "the workbook in JupyterLab (<code>crmlab lab</code>) or a chapter as an app (<code>crmlab app 05</code>)."
            "</p>"]
    if glossary:
        body.append(f'<p><a class="crmlab-glossary" href="{esc(glossary)}">Glossary · 术语表</a>: the key terms '
                    "in English and Chinese.</p>")
    for folder, heading in FOLDERS:
        mine = [p for p in pages if p.source.parts[0] == folder]
        if not mine:
            continue
        body.append(f'<h2 id="{folder}">{heading}</h2>')
        if folder == "cases":
            body.append("<p>Student versions: questions without solutions, tests or teaching notes.</p>"
                        if cases == "student" else
                        '<p class="crmlab-instructor-warning"><b>Instructor versions, with the solutions and '
                        "teaching notes: do not publish this book to students.</b></p>")
        body.append('<ul class="crmlab-toc">')
        for p in mine:
            sections = "".join(f'<li><a href="{esc(p.href)}#{esc(anchor)}">{esc(text)}</a></li>'
                               for anchor, text in p.sections if anchor)
            body.append(f'<li><a class="crmlab-toc-page" href="{esc(p.href)}">{esc(p.title)}</a>'
                        + (f"<ul>{sections}</ul>" if sections else "") + "</li>")
        body.append("</ul>")
    css = ("body { font: 16px/1.55 system-ui, sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em; "
           "color: #1f2328; } a { color: #0b5cad; } ul.crmlab-toc { list-style: none; padding-left: 0; } "
           "ul.crmlab-toc > li { margin: 0.6em 0; } ul.crmlab-toc ul { font-size: 0.9em; margin: 0.2em 0; } "
           ".crmlab-toc-page { font-weight: 600; }")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0">\n<title>{esc(TITLE)}</title>\n'
            f"<style>{css}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _find_glossary(pages: list[Page], rendered: dict[Path, str]) -> str | None:
    """The glossary's address in the book: an element with id "glossary", else a heading that starts with it."""
    for page in pages:
        if re.search(r"""\bid=["']glossary["']""", rendered[page.source]):
            return f"{page.href}#glossary"
    for page in pages:
        for anchor, text in page.sections:
            if text.casefold().startswith("glossary") and anchor:
                return f"{page.href}#{anchor}"
    return None


#: What a case page shows: the students' hand-out, or the instructor's notebook with its solutions.
CASE_VIEWS = ("student", "instructor")

_STUDENT_NOTE = ("*Student version: the questions without their solutions, tests or teaching note. Outputs are "
                 "shown for the cells that use no answer; open the case in JupyterLab (`crmlab lab`) to work it.*")


def _answer_names(nb) -> set[str]:
    """Names the hand-out leaves for the student to fill in (its ``x = ...`` lines)."""
    return {name for cell in nb.cells if cell.cell_type == "code"
            for line in cell.source.splitlines() if re.search(r"=[ \t]*\.\.\.[ \t]*$", line)
            for name in _assigned_names(line)}


def _assigned_names(source: str) -> set[str]:
    """Names a cell binds at the start of a line (``a = ...``, ``a, b = ...``, ``a += ...``)."""
    found = re.findall(r"^[ \t]*([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]*(?:[-+*/%]|//|\*\*)?=(?!=)",
                       source, flags=re.M)
    return {name.strip() for targets in found for name in targets.split(",")}


def student_case(handout, executed):
    """The hand-out of a case with the outputs of ``executed`` (the instructor's run) for every cell that
    appears unchanged in the hand-out and uses no answer, nor any name computed from one, so no output
    gives an answer away.

    >>> import nbformat
    >>> code = nbformat.v4.new_code_cell
    >>> handout = nbformat.v4.new_notebook(cells=[code("costs.head()"), code("x = ..."), code("x * 2")])
    >>> executed = nbformat.v4.new_notebook(cells=[code("costs.head()"), code("x = 21  # SOLUTION"), code("x * 2")])
    >>> for cell in executed.cells:
    ...     cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "shown"})]
    >>> [len(c.outputs) for c in student_case(handout, executed).cells[1:]]
    [1, 0, 0]
    >>> handout.cells += [code("y = x + 1"), code("y")]  # y is computed from an answer: its output stays out too
    >>> executed.cells += [code("y = x + 1"), code("y")]
    >>> executed.cells[-1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "22"})]
    >>> [len(c.outputs) for c in student_case(handout, executed).cells[1:]]
    [1, 0, 0, 0, 0]
    """
    import copy

    import nbformat

    nb = copy.deepcopy(handout)
    answers = _answer_names(nb)
    ran = {}
    for cell in executed.cells:
        if cell.cell_type == "code":
            ran.setdefault(cell.source, cell)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = ran.get(cell.source)
        uses_answer = any(re.search(rf"\b{re.escape(name)}\b", cell.source) for name in answers)
        if uses_answer:
            # What such a cell assigns is derived from an answer: later cells using it are held back too.
            answers.update(_assigned_names(cell.source))
        if source is not None and not uses_answer:
            cell.outputs, cell.execution_count = copy.deepcopy(source.outputs), source.get("execution_count")
        else:
            cell.outputs, cell.execution_count = [], None
    at = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
    nb.cells.insert(at, nbformat.v4.new_markdown_cell(_STUDENT_NOTE))
    return nb


#: Where the book keeps its copy of MathJax, relative to the book's folder.
MATHJAX_DIR = "_static/mathjax"
# The package ships MathJax 2.7 with the STIX-Web fonts only, so the configuration names those fonts.
_MATHJAX_CONFIG = "MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"


def _copy_mathjax(out: Path) -> bool:
    """Copy MathJax into ``out`` so formulas typeset offline; False when the package is missing."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        return False
    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    target = out / MATHJAX_DIR
    if not (target / "MathJax.js").is_file():
        # Skip what a browser never loads for our configuration (the SVG output's fonts, the
        # screen-reader sound files), which is half of the package.
        shutil.copytree(source, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("SVG", "*.mp3", "*.ogg"))
    return True


def _exporter():
    import jinja2
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = ["remove-cell", "remove_cell"]
    config.TagRemovePreprocessor.remove_input_tags = ["remove-input", "remove_input", "hide-input"]
    config.TagRemovePreprocessor.remove_all_outputs_tags = ["remove-output", "remove_output"]
    exporter = HTMLExporter(config=config, template_name="lab",
                            extra_loaders=[jinja2.DictLoader({"crmlab_book.html.j2": _TEMPLATE})])
    exporter.template_file = "crmlab_book.html.j2"
    exporter.embed_images = True  # images referenced by markdown cells go into the page too
    return exporter


def build(out="build", timeout: int = 300, root=None, notebooks: Iterable | None = None,
          jobs: int | None = None, execute: bool = True, cases: str = "student") -> Path:
    """Execute the workbook's notebooks and write them as a static HTML book to ``out``.

    Parameters
    ----------
    out : path
        Output folder (created; pages keep the workbook layout: ``notebooks/NN_x.html``,
        ``cases/x.html``, plus ``index.html``).
    timeout : int
        Seconds each cell may run before the build fails.
    root : path, optional
        The workbook folder (default: this checkout, else the current folder).
    notebooks : iterable of paths, optional
        Only these notebooks (relative to ``root``); default every notebook in notebooks/ and cases/.
    jobs : int, optional
        Notebooks executed at once (default: up to 2, the CPU count permitting).
    execute : bool
        Run the notebooks (default); ``False`` publishes the outputs saved in them.
    cases : {"student", "instructor"}
        ``"student"`` (default) publishes each case as its hand-out, without solutions, tests or
        teaching note (needs otter-grader: ``pip install 'crmlab[instructor]'``);
        ``"instructor"`` publishes the solutions too: keep that book private.

    Returns
    -------
    Path
        The ``index.html`` written.

    Raises
    ------
    RuntimeError
        A notebook raised or a cell ran past ``timeout``; every notebook is still
        tried and the message names each failure.
    """
    import nbformat

    from crmlab.cli import workbook_root

    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
        raise ValueError(f"timeout must be a positive whole number of seconds; got {timeout!r}")
    if cases not in CASE_VIEWS:
        raise ValueError(f"cases must be one of {', '.join(map(repr, CASE_VIEWS))}; got {cases!r}")
    root = Path(root).resolve() if root is not None else workbook_root()
    out = Path(out).resolve()
    sources = _sources(root, notebooks)
    if not sources:
        raise FileNotFoundError(f"no notebooks found in {root / 'notebooks'} or {root / 'cases'}")
    student_cases = [s for s in sources if s.parts[0] == "cases"] if cases == "student" else []
    if student_cases and importlib.util.find_spec("otter") is None:
        raise RuntimeError("publishing the cases as student hand-outs needs otter-grader: "
                           "pip install 'crmlab[instructor]'. Or pass cases='instructor' to publish the "
                           "solutions (keep that book private).")
    jobs = max(1, jobs or min(2, os.cpu_count() or 1))
    out.mkdir(parents=True, exist_ok=True)

    results: dict[Path, tuple[str, float, str]] = {}
    with tempfile.TemporaryDirectory(prefix="crmlab-book-") as tmp:
        # Run in a copy: notebooks may write files, and the checkout must stay as committed.
        work = Path(tmp)
        for folder in {s.parts[0] for s in sources} | {"datasets"}:
            if (root / folder).is_dir():
                shutil.copytree(root / folder, work / folder,
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        if execute:
            import multiprocessing

            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
                futures = {s: pool.submit(_execute, str(work / s), str((work / s).parent), timeout) for s in sources}
                results = {s: f.result() for s, f in futures.items()}
        else:
            results = {s: ((work / s).read_text(encoding="utf-8"), 0.0, "") for s in sources}
        handouts = {}
        for s in student_cases:
            from crmlab import instructor

            made = instructor.student_version(root / s, Path(tmp) / "handouts" / s.stem, run_tests=False)
            handouts[s] = nbformat.read(made.student, as_version=4)

    failures = [f"{s}: {err}" for s, (_, _, err) in results.items() if err]
    exporter = _exporter()
    local_mathjax = _copy_mathjax(out)
    notebooks_read = {s: nbformat.reads(results[s][0], as_version=4) for s in sources}
    for s, handout in handouts.items():
        notebooks_read[s] = student_case(handout, notebooks_read[s])
    rendered: dict[Path, str] = {}
    pages: list[Page] = []
    copied: set = set()
    for s in sources:
        nb = notebooks_read[s]
        chapter = s.name[:2] if s.parts[0] == "notebooks" and s.name[:2].isdigit() else ""
        _static_widgets(nb, chapter)
        # Raw cells hold tool settings (e.g. otter's assignment config), not text for readers.
        nb.cells = [c for c in nb.cells if c.cell_type != "raw"
                    or c.metadata.get("raw_mimetype", c.metadata.get("format", "")) == "text/html"]
        if local_mathjax:
            exporter.mathjax_url = f"{_relative(out / MATHJAX_DIR, out / s.parent)}/{_MATHJAX_CONFIG}"
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": s.stem}, "crmlab_css": _CSS,
                                                             "crmlab_local_mathjax": local_mathjax})
        parser = _Headings()
        parser.feed(body)
        h1 = next((text for tag, _, text in parser.found if tag == "h1"), s.stem)
        sections = tuple((anchor, text) for tag, anchor, text in parser.found if tag == "h2")
        pages.append(Page(s, h1, sections, results[s][1]))
        rendered[s] = rewrite_links(body, _link_fixer(root, out, s, copied))
    glossary = _find_glossary(pages, rendered)

    for i, page in enumerate(pages):
        nav = _nav(out, page.source, pages[i - 1] if i else None, pages[i + 1] if i + 1 < len(pages) else None,
                   glossary)
        text = rendered[page.source].replace("<main>", nav + "\n<main>", 1)
        target = out / page.href
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    index = out / "index.html"
    index.write_text(_index_html(pages, glossary, cases), encoding="utf-8")
    (out / "book.json").write_text(json.dumps(
        [{"source": p.source.as_posix(), "page": p.href, "title": p.title, "seconds": round(p.seconds, 1)}
         for p in pages], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if failures:
        raise RuntimeError(f"{len(failures)} notebook(s) failed while building the book in {out}:\n\n"
                           + "\n\n".join(failures))
    return index
