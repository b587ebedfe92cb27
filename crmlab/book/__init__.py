"""Publish the workbook as a Jupyter Book: crmlab's staging pass, then Jupyter Book 1.x (Sphinx).

:func:`build` publishes what the notebooks of ``notebooks/`` and ``cases/`` hold,
from their stored outputs (nothing is executed). A staging pass (:func:`stage`)
writes a Jupyter Book source folder first:

* every widget output becomes HTML: an exercise becomes a form that checks the
  answer in the page, without a kernel (:mod:`crmlab.book._quiz`, with the
  same verdicts and messages as :func:`crmlab.exercises.check`); a planner becomes a
  snapshot of its state (:func:`snapshot_widget`) with a note on how to use it live;
* cases become the student hand-outs ``otter assign`` makes, with only the outputs
  that give no answer away (:func:`student_case`); ``cases="instructor"`` keeps
  the solutions;
* the bilingual glossary of notebook 00 becomes a glossary page, and the first use of
  a term on each chapter or case page links to it (Sphinx ``{term}`` roles);
* MathJax 3 (npm package ``mathjax@3``, ``crmlab/book/package.json``) is copied
  into ``_static`` so the site asks no other host for anything.

Then ``jupyter-book build`` makes the site: offline search, sidebar and page
contents, previous/next, dark mode, download ``.ipynb``, print to PDF and the
launch buttons set in ``crmlab/book/_config.yml``. Jupyter Book 1.x pins Sphinx 7,
so it may live in its own virtual environment: :func:`jupyter_book_command` finds it.

Examples
--------
>>> print(snapshot_widget({"state": {"m1": {"model_name": "ButtonModel",
...     "state": {"description": "Check", "_dom_classes": ["crmlab-check"]}}}}, "m1"))
<button class="crmlab-check" disabled>Check</button>
"""

from __future__ import annotations

import base64
import html
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from crmlab.i18n import N_, get_language
from crmlab.i18n import gettext as _

__all__ = ["build", "up_to_date", "stage", "snapshot_widget", "student_case", "glossary_entries",
           "glossary_markdown", "link_terms", "jupyter_book_command", "CASE_VIEWS"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
FOLDERS = (("notebooks", N_("Chapters")), ("cases", N_("Cases")))
TITLE = N_("crmlab — evaluating CRM performance and its costs and benefits")
#: Sphinx's name of each edition's language.
SPHINX_LANGUAGE = {"en": "en", "zh": "zh_CN"}
#: Where each edition of the book lives, relative to the site's root.
EDITION_DIRS = {"en": "", "zh": "zh"}
HERE = Path(__file__).resolve().parent
#: Where MathJax goes in the book, relative to its _static folder, and where npm installs it.
MATHJAX_DIR = "mathjax"
MATHJAX_PACKAGE = HERE / "node_modules" / "mathjax" / "es5"
# The one file that marks a folder as a crmlab book, so a rebuild may clear it.
MARKER = ".crmlab-book"


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


def _widget_call(source: str):
    """The crmlab widget call a cell ends with, as (function name, positional literals, keyword literals),
    or None when it is not one or its arguments are not literals (then only a note can stand in)."""
    import ast

    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr) or not isinstance(tree.body[-1].value, ast.Call):
        return None
    call = tree.body[-1].value
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
    try:
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except ValueError:
        return (name, None, None)
    return (name, args, kwargs)


def _rebuilt_widget(name: str, args, kwargs) -> str:
    """Build a planner in this process (no kernel: ipywidgets falls back to a dummy comm) and snapshot it;
    ``args is None`` (the call passes the notebook's variables) builds it from its default data."""
    from crmlab import widgets

    if name not in widgets.__all__ or name in ("exercise", "exercises"):
        return ""
    import ipywidgets as w

    # Arguments that are the notebook's variables are not at hand without running it: the planner's
    # default data stands in, and the note says so.
    box = getattr(widgets, name)(*(args or ()), **(kwargs or {}))
    state = w.Widget.get_manager_state(drop_defaults=False, widgets=None)
    html_text = snapshot_widget(state, box.model_id)
    w.Widget.close_all()
    return html_text


def _static_widgets(nb, chapter: str, quiz=None) -> int:
    """Replace each widget output by HTML: exercises by a form that checks in the page (``quiz(ids)``),
    planners by a snapshot of their state plus a note on where they are live. Returns how many."""
    widgets = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    live = f"crmlab app {chapter}" if chapter else "crmlab lab"
    done = 0
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            call = _widget_call(cell.source) or (None, None, None)
            if quiz is not None and call[0] in ("exercise", "exercises") and call[1]:
                from crmlab import exercises

                ids = [call[1][0]] if call[0] == "exercise" else exercises.ids(call[1][0])
                output["data"] = {"text/html": quiz(ids)}
                done += 1
                continue
            body = snapshot_widget(widgets, data[WIDGET_VIEW].get("model_id", "")) if widgets else ""
            defaults = False
            if not body and call[0]:
                body, defaults = _rebuilt_widget(*call), call[1] is None
            if body:
                where = {"lab": "<code>crmlab lab</code>", "app": f"<code>{html.escape(live)}</code>"}
                text = (_("A snapshot of an interactive widget drawn with its default data: to use it with the "
                          "chapter’s data, open this notebook in JupyterLab ({lab}) or run {app}.") if defaults
                        else _("A snapshot of an interactive widget: to use it, open this notebook in JupyterLab "
                               "({lab}) or run {app}."))
                note = f"<p class='crmlab-static-note'>{text.format(**where)}</p>"
            else:
                title = re.search(r"<b>(.*?)</b>", str(data.get("text/plain", "")))
                name = title.group(1) if title else _("An interactive widget")
                body = f"<p><b>{html.escape(name)}</b></p>"
                text = _("An interactive widget, drawn from the chapter's data when the notebook runs: open this "
                         "notebook in JupyterLab ({lab}) or run {app} to use it.")
                note = ("<p class='crmlab-static-note'>"
                        f"{text.format(lab='<code>crmlab lab</code>', app=f'<code>{html.escape(live)}</code>')}</p>")
            output["data"] = {"text/html": f"<div class='crmlab-static-widget'>{body}{note}</div>"}
            done += 1
    nb.metadata.pop("widgets", None)
    return done


# --------------------------------------------------------------------------- cases

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



# --------------------------------------------------------------------------- glossary and links

_TERM_SPLIT = re.compile(r"^(?P<name>.*?)\s*\((?P<abbr>[A-Z][A-Za-z]*[A-Z][A-Za-z]*)\)\s*$")


def glossary_entries(nb) -> list[dict]:
    """The rows of the bilingual glossary table in notebook 00 (the markdown cell with ``id="glossary"``).

    Each entry has ``terms`` (the English term, its abbreviation when it has one of two or more
    capitals, and the Chinese term), ``english``, ``chinese`` and ``definition``.

    >>> import nbformat
    >>> cell = nbformat.v4.new_markdown_cell('<a id="glossary"></a>\\n| English term | 中文 | in one line |\\n'
    ...                                      '|---|---|---|\\n| Economic value added (EVA) | 经济增加值 | NOPAT − charge. |')
    >>> glossary_entries(nbformat.v4.new_notebook(cells=[cell]))[0]["terms"]
    ['Economic value added', 'EVA', '经济增加值']
    """
    for cell in nb.cells:
        if cell.cell_type != "markdown" or not re.search(r"""\bid=["']glossary["']""", cell.source):
            continue
        entries = []
        # The English edition's columns are English term | 中文 | definition; the Chinese edition's
        # 术语 | English | 释义 (its own language first).
        order = (0, 1)
        for line in cell.source.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 3 or not line.lstrip().startswith("|") or set(cells[0]) <= set("-: "):
                continue
            if cells[0].casefold() in ("english term", "术语"):
                order = (0, 1) if cells[0].casefold() == "english term" else (1, 0)
                continue
            english, chinese, definition = cells[order[0]], cells[order[1]], " | ".join(cells[2:])
            split = _TERM_SPLIT.match(english)
            terms = [split["name"], split["abbr"]] if split else [english]
            entries.append({"terms": [*terms, chinese] if chinese else terms, "english": english,
                            "chinese": chinese, "definition": definition})
        return entries
    return []


def glossary_markdown(entries: list[dict], source: str) -> str:
    """The glossary page: a Sphinx glossary (terms in English, abbreviation and Chinese) in MyST."""
    lines = ["# " + _("Glossary · 术语表"), "",
             _("The chapter's key terms with their Chinese names, from the glossary of [Start here]({source}). "
               "Chapters link the first use of each term here.").format(source=source), "", ":::{glossary}",
             ":sorted:", ""]
    chinese_first = get_language() == "zh"
    for entry in entries:
        lines += entry["terms"]
        first, second = ((entry["chinese"], entry["english"]) if chinese_first
                         else (entry["english"], entry["chinese"]))
        lines += [f"  **{first}** · {second} — {entry['definition']}", ""]
    lines.append(":::")
    return "\n".join(lines) + "\n"


# Spans of markdown a term link must not go into: code, maths, links, images, HTML tags, roles.
_PROTECTED = re.compile(r"(`+)[\s\S]*?\1|\$\$[\s\S]*?\$\$|\$[^$\n]+\$|!?\[[^\]]*\]\([^)]*\)|<[^>\n]+>|\{\w+\}`[^`]*`"
                        r"|\[[^\]]*\]\[[^\]]*\]|https?://\S+")


def _term_pattern(term: str) -> re.Pattern:
    if re.search(r"[\u4e00-\u9fff]", term):
        return re.compile(re.escape(term))
    flags = 0 if term.isupper() else re.IGNORECASE  # "EVA" exactly; "net present value" in any case
    words = re.escape(term).replace(r"\ ", r"\s+")  # a term may wrap onto the next line
    return re.compile(rf"(?<![\w-]){words}(?![\w-])", flags)


def link_terms(text: str, entries: list[dict], linked: set) -> str:
    """Link the first use of each glossary entry in ``text`` to the glossary (``{term}`` roles); ``linked``
    holds the entries (by English name) already linked on this page and is updated.

    Headings, code, maths, links and HTML are left alone.

    >>> entries = [{"english": "Economic value added (EVA)", "terms": ["Economic value added", "EVA"]}]
    >>> link_terms("EVA is `EVA` and EVA.", entries, set())
    '{term}`EVA <EVA>` is `EVA` and EVA.'
    """
    chunks: list[tuple[str, bool]] = []  # (text, free to link); a paragraph is one chunk, so terms may wrap
    fenced = False
    for line in text.splitlines(keepends=True):
        fence = line.lstrip().startswith(("```", "~~~", ":::"))
        if fence:
            fenced = not fenced
        free = not (fenced or fence or line.lstrip().startswith(("#", "$$")))
        if free and chunks and chunks[-1][1]:
            chunks[-1] = (chunks[-1][0] + line, True)
        else:
            chunks.append((line, free))
    out = []
    for chunk, free in chunks:
        if not free:
            out.append(chunk)
            continue
        pieces, last = [], 0
        for m in _PROTECTED.finditer(chunk):
            pieces += [(chunk[last:m.start()], True), (m.group(0), False)]
            last = m.end()
        pieces.append((chunk[last:], True))
        out.append("".join(_link_piece(p, entries, linked) if ok else p for p, ok in pieces))
    return "".join(out)


def _linkable(pattern: re.Pattern, piece: str):
    """The first match of ``pattern`` that is not right inside emphasis (``**term**``): a role there would
    stop ``**`` opening or closing when the other side is a CJK character or punctuation (CommonMark's
    flanking rules), and the asterisks would show."""
    for m in pattern.finditer(piece):
        before, after = piece[m.start() - 1:m.start()], piece[m.end():m.end() + 1]
        if before not in ("*", "_") and after not in ("*", "_"):
            return m
    return None


def _link_piece(piece: str, entries: list[dict], linked: set) -> str:
    for entry in entries:
        if entry["english"] in linked:
            continue
        found = [(m, term) for term in entry["terms"] if (m := _linkable(_term_pattern(term), piece))]
        if not found:
            continue
        m, term = min(found, key=lambda f: (f[0].start(), -len(f[1])))
        linked.add(entry["english"])
        role = f"{{term}}`{' '.join(m.group(0).split())} <{term}>`"  # MyST reads a role next to any character: 经济增加值是
        return _link_piece(piece[:m.start()], entries, linked) + role + _link_piece(piece[m.end():], entries, linked)
    return piece


_MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def _fix_links(text: str, source: Path, glossary: str | None, glossary_from: Path | None = None) -> str:
    """Links a static book needs changed: the glossary anchor of notebook 00 -> the glossary page, a folder
    -> its contents page."""
    def fix(m):
        url = m.group(2)
        if re.match(r"^[a-z]+:", url):
            return m.group(0)
        path, _, fragment = url.partition("#")
        target = os.path.normpath((source.parent / path).as_posix()) if path else source.as_posix()
        if glossary and fragment == "glossary" and glossary_from is not None and target == glossary_from.as_posix():
            return f"{m.group(1)}{os.path.relpath(glossary, source.parent.as_posix())}{m.group(3)}"
        if path.endswith("/") or path in ("..", "."):
            target = (Path(source.parent) / path).as_posix()
            folder = os.path.normpath(target)
            if folder in dict(FOLDERS):
                return f"{m.group(1)}{os.path.relpath(f'{folder}/index.md', source.parent.as_posix())}{m.group(3)}"
        return m.group(0)

    return _MD_LINK.sub(fix, text)


# --------------------------------------------------------------------------- staging

def _sources(root: Path, notebooks: Iterable | None) -> list[Path]:
    if notebooks is not None:
        paths = [Path(p) for p in notebooks]
        return [p.resolve().relative_to(root) if p.is_absolute() else p for p in paths]
    found = []
    for folder, _heading in FOLDERS:
        found += sorted(p.relative_to(root) for p in (root / folder).glob("*.ipynb"))
    return found


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback


def _copy_mathjax(static: Path) -> None:
    """Copy MathJax 3 (the CommonHTML build: TeX in, HTML and web fonts out) into the book's _static."""
    if not (MATHJAX_PACKAGE / "tex-chtml.js").is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(f"MathJax 3 is missing ({MATHJAX_PACKAGE}) and npm is not installed to fetch it: "
                               f"install Node.js and run `npm ci --prefix {HERE}` (make book does)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)], check=True,
                       stdout=subprocess.DEVNULL)
    target = static / MATHJAX_DIR
    # Only what a reader's browser loads: the combined TeX→CHTML file, the TeX extensions it may autoload,
    # the CHTML fonts and the menu. The SVG output and the speech engine (sre) are most of the package.
    for part in ("tex-chtml.js", "input/tex/extensions", "output/chtml", "ui", "a11y", "adaptors"):
        src = MATHJAX_PACKAGE / part
        if src.is_dir():
            shutil.copytree(src, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, target / part)
    licence = MATHJAX_PACKAGE.parent / "LICENSE"
    if licence.is_file():
        shutil.copy(licence, target / "LICENSE")


def _index_md(pages: list[tuple[Path, str]], cases: str) -> str:
    lines = ["# " + _(TITLE), "",
             _("A workbook for the MBA chapter *CRM operating performance and its costs and benefits* "
               "(客户关系管理运行绩效及成本效益): chapter notebooks with worked examples and exercises that check "
               "your answer in the page, case studies, and the [glossary](glossary.md) of key terms in English and "
               "Chinese."), "",
             _("Planners (interactive widgets) are shown as they were left when the notebook ran; to use them, "
               "open the workbook in JupyterLab (`crmlab lab`), a chapter as an app (`crmlab app 05`), or a launch "
               "button at the top of a page. Each page can be downloaded as a notebook (`.ipynb`) or printed to PDF "
               "from the download button."), ""]
    for folder, heading in FOLDERS:
        heading = _(heading)
        mine = [(s, t) for s, t in pages if s.parts[0] == folder]
        if not mine:
            continue
        lines += [f"## {heading}", ""]
        if folder == "cases":
            lines += [_cases_line(cases), "", "- [" + _("About the cases") + "](cases/index.md)"]
        lines += [f"- [{t}]({s.as_posix()})" for s, t in mine] + [""]
    return "\n".join(lines) + "\n"


def _cases_line(cases: str) -> str:
    if cases == "student":
        return _("Student versions: the questions without their solutions, tests or teaching notes; outputs are "
                 "shown only for cells that use no answer.")
    return "```{warning}\n" + _("Instructor versions, with the solutions and teaching notes: do not publish this "
                                "book to students.") + "\n```"


def _cases_md(pages: list[tuple[Path, str]], cases: str) -> str:
    lines = ["# " + _("Cases"), "", _("Five cases apply the workbook's methods to a management decision: the "
                                      "situation, its data, guided questions (autograded in class) and discussion "
                                      "questions."), "", _cases_line(cases), ""]
    lines += [f"- [{t}]({s.name})" for s, t in pages if s.parts[0] == "cases"]
    return "\n".join(lines) + "\n"


def _toc(pages: list[tuple[Path, str]], glossary: bool) -> dict:
    parts = []
    for folder, heading in FOLDERS:
        files = [s.with_suffix("").as_posix() for s, _ in pages if s.parts[0] == folder]
        if not files:
            continue
        if folder == "cases":
            chapters = [{"file": "cases/index", "sections": [{"file": f} for f in files]}]
        else:
            chapters = [{"file": f} for f in files]
        parts.append({"caption": _(heading), "chapters": chapters})
    if glossary:
        parts.append({"caption": _("Reference"), "chapters": [{"file": "glossary"}]})
    return {"format": "jb-book", "root": "index", "parts": parts}


def _config(repository: str | None, jupyterhub: str | None, cases: str) -> dict:
    import yaml

    config = yaml.safe_load((HERE / "_config.yml").read_text(encoding="utf-8"))
    if repository is not None:
        config["repository"]["url"] = repository
    if jupyterhub is not None:
        config["launch_buttons"]["jupyterhub_url"] = jupyterhub
    repo = config["repository"]["url"]
    for key, value in (("repository", repo), ("jupyterhub", config["launch_buttons"]["jupyterhub_url"])):
        if value and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{key} must be an http(s) URL or empty; got {value!r}")
    # A launch button needs the repository; without one there is nothing to launch.
    if not repo:
        config["launch_buttons"].update(binderhub_url="", jupyterhub_url="")
    config["html"]["use_repository_button"] = bool(repo)
    if cases == "instructor":
        config["html"]["announcement"] = _("Instructor version with the cases' solutions: do not publish to "
                                           "students.")
    config["title"] = _(TITLE)
    # The theme's own words (search, contents, previous/next) and the search index follow the edition.
    config["sphinx"]["config"]["language"] = SPHINX_LANGUAGE[get_language()]
    return config


def stage(dest, root=None, notebooks: Iterable | None = None, cases: str = "student",
          repository: str | None = None, jupyterhub: str | None = None, shared=None) -> Path:
    """Write the Jupyter Book source of the workbook to ``dest`` (see the module docstring); return ``dest``.

    Parameters are those of :func:`build`. Notebooks keep the workbook layout
    (``notebooks/NN_x.ipynb``, ``cases/x.ipynb``) so launch buttons and downloads name the same paths.
    """
    import nbformat
    import yaml

    from crmlab.book import _quiz
    from crmlab.cli import workbook_root

    if cases not in CASE_VIEWS:
        raise ValueError(f"cases must be one of {', '.join(map(repr, CASE_VIEWS))}; got {cases!r}")
    root = Path(root).resolve() if root is not None else workbook_root()
    dest = Path(dest)
    sources = _sources(root, notebooks)
    if not sources:
        raise FileNotFoundError(f"no notebooks found in {root / 'notebooks'} or {root / 'cases'}")
    student_cases = [s for s in sources if s.parts[0] == "cases"] if cases == "student" else []
    if student_cases and importlib.util.find_spec("otter") is None:
        raise RuntimeError("publishing the cases as student hand-outs needs otter-grader: "
                           "pip install 'crmlab[instructor]'. Or pass cases='instructor' to publish the "
                           "solutions (keep that book private).")
    config = _config(repository, jupyterhub, cases)
    read = {s: nbformat.read(root / s, as_version=4) for s in sources}
    if student_cases:
        from crmlab import instructor

        from concurrent.futures import ThreadPoolExecutor

        with tempfile.TemporaryDirectory(prefix="crmlab-handouts-") as tmp, \
                ThreadPoolExecutor(min(2, os.cpu_count() or 1)) as pool:
            # otter assign runs in a subprocess per case: two at a time.
            made = {s: pool.submit(instructor.student_version, root / s, Path(tmp) / s.stem, run_tests=False)
                    for s in student_cases}
            for s in student_cases:
                read[s] = student_case(nbformat.read(made[s].result().student, as_version=4), read[s])

    start = next((s for s in sources if s.name.startswith("00_")), None)
    start_nb = read[start] if start else (nbformat.read(root / "notebooks" / "00_start_here.ipynb", as_version=4)
                                          if (root / "notebooks" / "00_start_here.ipynb").is_file() else None)
    entries = glossary_entries(start_nb) if start_nb is not None else []
    glossary = "glossary.md" if entries else None

    (dest / "_static").mkdir(parents=True, exist_ok=True)
    pages = []
    quiz = _quiz.Exporter()
    for s in sources:
        nb = read[s]
        chapter = s.name[:2] if s.parts[0] == "notebooks" and s.name[:2].isdigit() else ""
        quiz.new_page()  # each page carries its own message table (the page's language, not English)
        # Cases never get an exercise form: it would carry its answers into a student's page.
        _static_widgets(nb, chapter, quiz=quiz.html if s.parts[0] == "notebooks" else None)
        # Raw cells hold tool settings (e.g. otter's assignment config), not text for readers.
        nb.cells = [c for c in nb.cells if c.cell_type != "raw"
                    or c.metadata.get("raw_mimetype", c.metadata.get("format", "")) == "text/html"]
        linked: set = set()
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            cell.source = _fix_links(cell.source, s, glossary, start)
            if entries and not re.search(r"""\bid=["']glossary["']""", cell.source):
                cell.source = link_terms(cell.source, entries, linked)
        pages.append((s, _title(nb, s.stem)))
        target = dest / s
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
    # An edition (zh/) shares the English workbook's data: ``shared`` is the folder that holds it.
    shared = Path(shared).resolve() if shared is not None else root
    for folder in ("datasets",) + tuple(f"{f}/data" for f, _ in FOLDERS):
        # Data beside the notebooks, so a downloaded notebook's links to it still work in the book.
        if (shared / folder).is_dir() and any(s.parts[0] == folder.split("/")[0] for s in sources):
            shutil.copytree(shared / folder, dest / folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.py", ".ipynb_checkpoints"))

    (dest / "index.md").write_text(_index_md(pages, cases), encoding="utf-8")
    if any(s.parts[0] == "cases" for s, _ in pages):
        (dest / "cases" / "index.md").write_text(_cases_md(pages, cases), encoding="utf-8")
    if glossary:
        where = os.path.relpath(start.as_posix(), ".") if start else "notebooks/00_start_here.ipynb"
        (dest / glossary).write_text(glossary_markdown(entries, where), encoding="utf-8")
    (dest / "_toc.yml").write_text(yaml.safe_dump(_toc(pages, bool(glossary)), sort_keys=False), encoding="utf-8")
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for asset in (HERE / "static").iterdir():
        shutil.copy(asset, dest / "_static" / asset.name)
    _copy_mathjax(dest / "_static")
    return dest


# --------------------------------------------------------------------------- building

def jupyter_book_command(executable=None) -> list[str]:
    """The ``jupyter-book`` to run: ``executable``, ``$CRMLAB_JUPYTER_BOOK``, the one beside this Python,
    the checkout's ``.bookvenv`` (``make book`` makes it), else the first on ``PATH``."""
    from crmlab.cli import workbook_root

    candidates = [executable, os.environ.get("CRMLAB_JUPYTER_BOOK"),
                  str(Path(sys.executable).parent / "jupyter-book"),
                  str(workbook_root() / ".bookvenv" / "bin" / "jupyter-book"), shutil.which("jupyter-book")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and Path(candidate).is_file():
            return [candidate]
        if candidate and candidate in (executable, os.environ.get("CRMLAB_JUPYTER_BOOK")):
            raise FileNotFoundError(f"jupyter-book executable not found: {candidate!r}")
    raise RuntimeError("Jupyter Book is not installed: pip install 'crmlab[book]' (make book installs it in "
                       ".bookvenv), or set CRMLAB_JUPYTER_BOOK to its jupyter-book executable")


_THEBE_URL = re.compile(r"<script>const THEBE_JS_URL = [^<]*</script>\n?")
_LAUNCH = re.compile(r'<div class="dropdown dropdown-launch-buttons">.*?</ul>\s*</div>', re.DOTALL)


_BODY = re.compile(r"(<body[^>]*>)")
#: The language switch: each edition's name in its own language.
_SWITCH_NAMES = {"en": ("English", "en"), "zh": ("中文", "zh-CN")}


def _language_switch(page: Path, out: Path, editions: list[str]) -> str:
    """Links from ``page`` to the same page in the other editions (which share the site's layout)."""
    rel = page.relative_to(out)
    here = next((e for e in editions if EDITION_DIRS[e] and rel.parts[0] == EDITION_DIRS[e]), "en")
    inner = Path(*rel.parts[1:]) if EDITION_DIRS[here] else rel
    links = []
    for lang in editions:
        if lang == here:
            continue
        target = out / EDITION_DIRS[lang] / inner if EDITION_DIRS[lang] else out / inner
        if not target.is_file():
            target = out / EDITION_DIRS[lang] / "index.html" if EDITION_DIRS[lang] else out / "index.html"
        name, code = _SWITCH_NAMES[lang]
        href = os.path.relpath(target, page.parent).replace(os.sep, "/")
        links.append(f'<a class="crmlab-language-link" href="{href}" hreflang="{code}" lang="{code}">{name}</a>')
    return f'<nav class="crmlab-language-switch" aria-label="language">{" · ".join(links)}</nav>' if links else ""


def _finish_pages(out: Path, cases: str, editions=("en",)) -> None:
    """What the theme writes and this book must not have: thebe's CDN address (thebe is off, but the
    theme names its URL in every page), and, on student case pages, launch buttons, which would open
    the repository's case notebook, solutions included. With several editions, every page gets a
    language switch to the same page in the other language."""
    editions = list(editions)
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = _THEBE_URL.sub("", text)
        if cases == "student" and page.parent.name == "cases":
            new = _LAUNCH.sub("", new)
        if len(editions) > 1 and "crmlab-language-switch" not in new:
            switch = _language_switch(page, out, editions)
            new = _BODY.sub(lambda m: m.group(1) + switch, new, count=1)
        if new != text:
            page.write_text(new, encoding="utf-8")


def build(out="build", root=None, notebooks: Iterable | None = None, cases: str = "student",
          repository: str | None = None, jupyterhub: str | None = None, jupyter_book=None,
          editions: Iterable[str] | None = None) -> Path:
    """Publish the workbook as a static Jupyter Book site in ``out``, from the notebooks' stored outputs.

    Both editions are published, the English at the site's root and the Chinese in ``zh/`` (from the
    workbook's ``zh/`` folder, see :mod:`crmlab.editions`), and every page links to the same page in
    the other language.

    Parameters
    ----------
    out : path
        Output folder: the site (``index.html``, ``notebooks/NN_x.html``, ``cases/x.html``,
        ``glossary.html``, ``search.html``). A previous book there is replaced.
    root : path, optional
        The workbook folder (default: this checkout, else the current folder).
    notebooks : iterable of paths, optional
        Only these notebooks (relative to ``root``); default every notebook in notebooks/ and cases/.
    cases : {"student", "instructor"}
        ``"student"`` (default) publishes each case as its hand-out, without solutions, tests or
        teaching note (needs otter-grader: ``pip install 'crmlab[instructor]'``);
        ``"instructor"`` publishes the solutions too: keep that book private.
    repository, jupyterhub : str, optional
        The launch settings (Binder builds ``repository``; ``jupyterhub`` opens pages through
        nbgitpuller); default the values in ``crmlab/book/_config.yml``; ``""`` turns a button off.
    jupyter_book : path, optional
        The ``jupyter-book`` executable (see :func:`jupyter_book_command`).
    editions : iterable of {"en", "zh"}, optional
        The languages to publish (default: English, and Chinese when the workbook has a ``zh/`` folder).

    Returns
    -------
    Path
        The ``index.html`` written.

    Raises
    ------
    RuntimeError
        Jupyter Book failed or warned (a broken link, an unknown term...): the message quotes it.
    """
    from crmlab import i18n
    from crmlab.cli import workbook_root

    out = Path(out).resolve()
    command = jupyter_book_command(jupyter_book)
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise FileExistsError(f"{out} exists and is not a crmlab book: choose an empty or new folder")
    root = Path(root).resolve() if root is not None else workbook_root()
    editions = _editions(root, editions)
    warnings, seconds = [], 0.0
    with tempfile.TemporaryDirectory(prefix="crmlab-book-") as tmp:
        sites = {}
        for lang in editions:
            where = EDITION_DIRS[lang]
            with i18n.language(lang):
                source = stage(Path(tmp) / (where or "en") / "book", root=root / where if where else root,
                               notebooks=notebooks, cases=cases, repository=repository, jupyterhub=jupyterhub,
                               shared=root)
            html_dir, took, warned = _jupyter_book(command, source)
            sites[lang] = html_dir
            seconds += took
            warnings += [f"[{lang}] {w}" for w in warned]
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(sites["en"], out)
        for lang in editions:
            if EDITION_DIRS[lang]:
                shutil.copytree(sites[lang], out / EDITION_DIRS[lang])
    # Sphinx's build state, not for readers.
    for leftover in (".buildinfo", ".doctrees"):
        for path in out.rglob(leftover):
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    _finish_pages(out, cases, editions)
    digest = _inputs_digest(root, notebooks, cases, repository, jupyterhub, editions, command)
    (out / MARKER).write_text(f"built by crmlab.book.build in {seconds:.1f} s\ninputs {digest}\n", encoding="utf-8")
    if warnings:
        raise RuntimeError(f"jupyter-book built {out} with {len(warnings)} warning(s):\n" + "\n".join(warnings))
    return out / "index.html"


def _editions(root: Path, editions: Iterable[str] | None) -> list[str]:
    """The editions to publish: ``editions`` checked, or English and every other one ``root`` holds."""
    if editions is None:
        editions = [e for e in EDITION_DIRS if e == "en" or (root / EDITION_DIRS[e] / "notebooks").is_dir()]
    editions = list(dict.fromkeys(editions))
    unknown = [e for e in editions if e not in EDITION_DIRS]
    if unknown or "en" not in editions:
        raise ValueError(f"editions must include 'en' and be among {', '.join(map(repr, EDITION_DIRS))}; "
                         f"got {editions!r}")
    return editions


def _inputs_digest(root: Path, notebooks, cases, repository, jupyterhub, editions, command) -> str:
    """A SHA-256 of everything a book is built from: the workbook's notebooks, cases and Chinese edition,
    crmlab itself (the staging, the quiz pages, the catalogues, the pinned MathJax), the settings and the
    Jupyter Book executable."""
    import hashlib

    import crmlab

    sha = hashlib.sha256(repr((sorted(map(str, notebooks)) if notebooks is not None else None, cases, repository,
                               jupyterhub, list(editions), list(command))).encode())
    package = Path(crmlab.__file__).resolve().parent
    folders = [root / "notebooks", root / "cases", root / "zh", package]
    for folder in folders:
        files = sorted(f for f in folder.rglob("*") if f.is_file() and not {"__pycache__", "node_modules",
                                                                               ".ipynb_checkpoints"} & set(f.parts))
        for f in files:
            sha.update(f"\0{f.relative_to(folder.parent).as_posix()}\0".encode())
            sha.update(f.read_bytes())
    return sha.hexdigest()


def up_to_date(out="build", root=None, notebooks: Iterable | None = None, cases: str = "student",
               repository: str | None = None, jupyterhub: str | None = None, jupyter_book=None,
               editions: Iterable[str] | None = None) -> bool:
    """Whether the book in ``out`` is what :func:`build` with these arguments would build now.

    True when ``out`` holds a book built from the same notebooks, cases, Chinese edition, crmlab and
    settings (compared by a SHA-256 of their content, recorded by :func:`build`): rebuilding would
    give the same pages, so a test or a deployment can use them as they are. The arguments are those
    of :func:`build`.

    Examples
    --------
    >>> up_to_date("no-such-folder")
    False
    """
    from crmlab.cli import workbook_root

    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a folder (a str or a Path); got {type(out).__name__} {out!r}")
    if cases not in CASE_VIEWS:
        raise ValueError(f"cases must be one of {', '.join(map(repr, CASE_VIEWS))}; got {cases!r}")
    out = Path(out)
    root = Path(root).resolve() if root is not None else workbook_root()
    editions = _editions(root, editions)
    try:
        recorded = (out / MARKER).read_text(encoding="utf-8").splitlines()
        command = jupyter_book_command(jupyter_book)
    except (OSError, RuntimeError):  # no book there, or no Jupyter Book to build one
        return False
    digest = _inputs_digest(root, notebooks, cases, repository, jupyterhub, editions, command)
    return (out / "index.html").is_file() and f"inputs {digest}" in recorded


def _jupyter_book(command: list[str], source: Path) -> tuple[Path, float, list[str]]:
    """Run Jupyter Book on a staged ``source``: the HTML folder, the seconds it took and its warnings."""
    start = time.perf_counter()
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("CRMLAB_LANGUAGE", None)
    run = subprocess.run([*command, "build", "--builder", "html", "--keep-going", str(source)],
                         capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    log = run.stdout + run.stderr
    warnings = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]
    html_dir = source / "_build" / "html"
    if run.returncode != 0 or not (html_dir / "index.html").is_file():
        raise RuntimeError(f"jupyter-book build failed ({run.returncode}):\n" + "\n".join(log.splitlines()[-40:]))
    return html_dir, seconds, warnings
