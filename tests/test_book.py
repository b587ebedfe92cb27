"""The book's staging pass and its in-page exercise checker (no browser: tests/browser/test_book.py has those).

The JS checker (crmlab/book/static/crmlab-exercises.js) must give every answer the verdict, message and
hint crmlab.exercises.check gives: each exercise is exported as the page holds it, and node runs the
checker on a table of answers per exercise, in English and, with the message table a Chinese page holds,
in Chinese.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from crmlab import book, exercises, i18n
from crmlab.book import _quiz

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "crmlab" / "book" / "static" / "crmlab-exercises.js"

# Typed by no one in particular: forms every number parser must read or refuse the same way.
JUNK = ["", "   ", "abc", "12 %", "1,2", "1,2,3", "0,12", "(5)", "(-5)", "−5", "--5", "¥1,200", "1 234", "1 234 567",
        "1e999", "5%%", "1.2.3", "12pct", "1.2m", "3万", "2.5 million CNY", "1.5 亿", "(1,234)", "-¥1,200", "1.2kk",
        "+7", ".5", "5.", "1e3", "１２％", "100%", "0", "-0", "NaN", "inf", "A", "a, c", "AC", "b.", "c)"]


def _number_answers(ex) -> list[str]:
    exp = float(ex.expected)
    d = ex.decimals if ex.decimals is not None else 4
    shown = [f"{exp:.{max(d, 0)}f}", f"{exp:.6g}", f"{exp:.{max(d + 2, 0)}f}", f"{-exp:.{max(d, 0)}f}",
             f"{exp * 100:.{max(d, 0)}f}", f"{exp / 100:.{max(d + 2, 0)}f}", f"{exp * 1000:.{max(d, 0)}f}",
             f"{exp * 1e6:.0f}", f"{exp:,.{max(d, 0)}f}", f"{exp + 1:.{max(d, 0)}f}", f"{exp * 1.01:.{max(d, 0)}f}",
             f"{exp * 1.5:.3g}", f"{round(exp, max(d - 1, 0)):.{max(d - 1, 0)}f}", f"{exp:.2g}"]
    if ex.percent:
        shown += [f"{exp * 100:.{max(d, 0)}f}%", f"{exp * 100:.{max(d - 1, 0)}f}%", f"{exp:.{max(d, 0)}f}%",
                  f"{exp * 100 + 1:.1f}%"]
    if ex.scale != 1:
        shown += [f"{exp * ex.scale:,.0f}", f"{exp:.{max(d, 0)}f}m", f"{exp * ex.scale / 1e4:.2f}万",
                  f"{exp * 1e3:.1f}k"]
    for m in ex.mistakes:
        value = float(m.value() if callable(m.value) else m.value)
        shown += [f"{value:.{max(d, 0)}f}", f"{value:.6g}"] + ([f"{value * 100:.{max(d, 0)}f}%"] if ex.percent else [])
    return shown


def _answers(ex) -> list:
    if ex.kind == "number":
        return _number_answers(ex) + JUNK
    if ex.kind == "judgement":
        return ["", "  ", "I would cut the budget because the NPV is negative.", "x"]
    if ex.kind in ("choice", "multi"):
        keys = list(ex.choices)
        texts = list(ex.choices.values())
        found = keys + [k.lower() for k in keys] + texts + [f"{k}." for k in keys] + [", ".join(keys), "".join(keys),
                                                                                       " ".join(keys)]
        if ex.kind == "multi":
            found += [", ".join(ex.expected), "".join(sorted(ex.expected)), keys[:2], list(ex.expected), []]
        return found + JUNK
    right = list(ex.expected)
    # Labels may be typed in their translated names too (in the language in use), or mixing both.
    named = [i18n.translate(r, ex.id) for r in right]
    mixed = [n if i % 2 else r for i, (r, n) in enumerate(zip(right, named))]
    return [", ".join(right), "; ".join(right), ", ".join(reversed(right)), ", ".join(right[:-1]),
            ", ".join(r.lower() for r in right), ", ".join([ex.labels[0]] * len(right)), "，".join(named),
            "、".join(mixed), ", ".join(reversed(named)), ", ".join(named[:-1] + ["x"])] + JUNK


def _table():
    table = []
    for exercise_id in exercises.ids():
        ex = exercises.get(exercise_id)
        data = _quiz.export(ex)
        if data is None:
            continue
        answers = _answers(ex)
        table.append({"data": data, "answers": answers})
    return table


def _run_node(table, tmp_path, messages=None):
    """The page checker's verdicts on ``table``, with ``messages`` (a page's message table) loaded first."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the in-page checker cannot be compared with Python")
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps({"messages": messages or {}, "table": table}, ensure_ascii=False), encoding="utf-8")
    script = (f"const q = require({json.dumps(str(CHECKER))});"
              f"const cases = JSON.parse(require('fs').readFileSync({json.dumps(str(cases))}, 'utf8'));"
              "q.setMessages(cases.messages);"
              "process.stdout.write(JSON.stringify(cases.table.map(t => t.answers.map(a => q.check(t.data, a)))));")
    run = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _differences(table, verdicts) -> tuple[list[str], int]:
    """Where the page's verdicts differ from Python's (in the language in use), and how many were compared."""
    differences = []
    compared = 0
    for entry, results in zip(table, verdicts):
        ex_id = entry["data"]["id"]
        for answer, js in zip(entry["answers"], results):
            py = exercises.check(ex_id, answer)
            compared += 1
            if (py.correct, py.message, py.hint, py.attempt) != (js["correct"], js["message"], js["hint"],
                                                                 js["attempt"]):
                differences.append(f"{ex_id} {answer!r}:\n  python {py.correct} {py.attempt} {py.message!r}\n"
                                   f"  page   {js['correct']} {js['attempt']} {js['message']!r}")
    return differences, compared


def test_the_page_checker_gives_every_answer_the_verdict_python_gives(tmp_path):
    table = _table()
    assert len(table) >= 40, f"only {len(table)} exercises exported"
    kinds = {t["data"]["kind"] for t in table}
    assert {"number", "choice"} <= kinds, kinds
    verdicts = _run_node(table, tmp_path)
    differences, compared = _differences(table, verdicts)
    assert not differences, f"{len(differences)} of {compared} verdicts differ:\n" + "\n".join(differences[:15])
    # Both verdicts occur for every exercise: the table tests the checker, not only its refusals.
    for entry, results in zip(table, verdicts):
        assert {r["correct"] for r in results} == {True, False}, entry["data"]["id"]


# --------------------------------------------------------------------------- the page in Chinese

def _page_message_tables(page_html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(
        r"<script type='application/json' class='crmlab-messages'>(.*?)</script>", page_html, re.S)]


def _literal_parts(template: str) -> list[str]:
    return [part for part in re.split(r"\{\w+\}", template) if part.strip()]


def _js_msgids() -> list[str]:
    """The msgids static/crmlab-exercises.js calls T() or N_() with, in order (string literals joined by +)."""
    source = CHECKER.read_text(encoding="utf-8")
    # Comments out (they may show a call's shape); a // inside a string or regex of the checker is not at a line's
    # start or after a space.
    source = re.sub(r"(^|\s)//[^\n]*", r"\1", re.sub(r"/\*.*?\*/", "", source, flags=re.S))
    literal = r'"(?:[^"\\\n]|\\.)*"'
    found, dynamic = [], []
    for call in re.finditer(r"(?<![\w.])(T|N_)\(", source):
        if source[max(0, call.start() - 9):call.start()] == "function ":
            continue
        rest = source[call.end():]
        head = re.match(r"\s*(" + literal + r"(?:\s*\+\s*" + literal + r")*)", rest)
        if head:
            found.append("".join(json.loads(part) for part in re.findall(literal, head.group(1))))
        else:
            dynamic.append(rest[:20])
    # The one message chosen at run time: a magnitude, each marked with N_() where it is defined.
    assert len(dynamic) == 1 and dynamic[0].startswith("used)"), dynamic
    return found


def test_every_message_of_the_page_checker_is_a_python_message_the_catalogue_translates():
    pytest.importorskip("babel")
    from crmlab import editions

    used = _js_msgids()
    assert len(used) >= 60
    assert len(set(_quiz.JS_MESSAGES)) == len(_quiz.JS_MESSAGES)
    assert set(used) == set(_quiz.JS_MESSAGES), (sorted(set(used) - set(_quiz.JS_MESSAGES)),
                                                 sorted(set(_quiz.JS_MESSAGES) - set(used)))
    # Each is a message of the Python source (the checker, the parser, the widget), not one the JS made up.
    source = editions.code_template()
    assert [m for m in _quiz.JS_MESSAGES if source.get(m) is None] == []
    with i18n.language("zh"):
        table = _quiz.messages()
    assert list(table) == list(_quiz.JS_MESSAGES)
    assert [m for m, zh in table.items() if zh == m] == [], "messages without a Chinese translation"
    # The JS fills the translation's placeholders from the English message's: the names must agree.
    names = lambda text: sorted(set(re.findall(r"\{(\w+)\}", text)))  # noqa: E731
    assert [m for m, zh in table.items() if names(m) != names(zh)] == []


def test_a_page_holds_one_message_table_in_its_language_and_none_in_english():
    ids = ["ch00.percent_decimal", exercises.ids("ch00")[0]]
    assert _page_message_tables(_quiz.Exporter().html(ids)) == []
    with i18n.language("zh"):
        quiz = _quiz.Exporter()
        first, second = quiz.html(ids[:1]), quiz.html(ids[1:])
        quiz.new_page()
        next_page = quiz.html(ids)
        expected = _quiz.messages()
    assert _page_message_tables(first) == [expected] and _page_message_tables(second) == []
    assert _page_message_tables(next_page) == [expected]
    assert expected["Check"] != "Check" and "</" not in first.split("crmlab-messages")[1].split("</script>")[0]


# Branches of the number, choice, labels, judgement and parser feedback the Chinese table must reach.
_CHINESE_BRANCHES = (
    "You typed {typed}, which reads as {percent} %. Rates are decimals in this workbook: write {typed}% or "
    "{decimal}.",
    "{typed} reads as {value} (a hundredth of {hundred}). Either write the decimal without %, or multiply by 100 "
    "before adding %.",
    "{typed} is {size}{guess}; {asked}. Convert it, or type a multiplier (e.g. 2.5m for 2.5 million).",
    ": it looks like the amount in {magnitude}", "{n} times too large", "millions",
    "Correct: {typed} is {value} {unit}. The prompt asks for {unit}, so write it that way next time.",
    "{typed} is rounded too coarsely: the prompt asks for {precision}. Keep full precision and round only at the "
    "end.",
    "The size is right but the sign is wrong: check whether this is a cost or a gain, an outflow or an inflow.",
    "The size is right but the sign is wrong: check which quantity is subtracted from which.",
    "{typed} is close but {direction}, outside the accepted precision ({precision}): keep more decimals in the "
    "intermediate steps and round only at the end.",
    "{typed} is {direction}.", "too high", "too low", "as a percent to {places}", "{places} in {unit}",
    "Not quite: {parts}.", "should not be chosen: {options}", "{n} correct option(s) missing",
    "{right} of {n} right; look again at: {items}.", "{item} is not one of the labels: {labels}.",
    "Compare your answer with a model answer and the points below.", "Correct.",
    "{answer} looks like several numbers; type just one.",
    "{answer}: use a dot for decimals (0.12), and commas only between thousands (1,200).",
    "{answer} is not a number: type digits, e.g. 0.12, 12% or 1,200.", "Choose just one option.",
)


def test_the_chinese_page_checker_gives_every_answer_the_chinese_verdict_python_gives(tmp_path):
    with i18n.language("zh"):
        table = _table()
        # One wrong answer whose Chinese message is spelled out below, last.
        table.append({"data": _quiz.export(exercises.get("ch00.percent_decimal")), "answers": ["12"]})
        # The message table as a Chinese page holds it.
        (messages,) = _page_message_tables(_quiz.Exporter().html([table[0]["data"]["id"]]))
        verdicts = _run_node(table, tmp_path, messages)
        differences, compared = _differences(table, verdicts)
        templates = {msgid: i18n.gettext(msgid) for msgid in _CHINESE_BRANCHES}
    assert not differences, f"{len(differences)} of {compared} verdicts differ:\n" + "\n".join(differences[:15])
    shown = [r["message"] for results in verdicts for r in results]
    # Every main branch of the feedback is reached, in Chinese (each literal part of its translation shows).
    unreached = [m for m, zh in templates.items() if not any(all(p in s for p in _literal_parts(zh)) for s in shown)]
    assert unreached == []
    by_id = {t["data"]["id"]: (t, r) for t, r in zip(table[:-1], verdicts)}
    for entry, results in by_id.values():
        data = entry["data"]
        if data["kind"] == "labels":
            # The labels typed in their Chinese names are accepted, whenever those differ from the English.
            named = "，".join(data["label_names"][data["labels"].index(a)] for a in data["answer"])
            assert results[entry["answers"].index(named)]["correct"], data["id"]
        if data["kind"] == "choice" and data["why_wrong"]:
            # A wrong option is told why, in Chinese.
            assert any(r["message"].endswith(why) for r in results for why in data["why_wrong"].values()), \
                data["id"]
    hint = by_id["ch00.percent_decimal"][0]["data"]["hint"]
    assert verdicts[-1] == [{"correct": False, "attempt": True, "hint": hint,
                             "message": "✘ 你输入的是 12，会被读作 1,200 %。本练习册中比率用小数表示：请写 12% 或 0.12。"}]


def test_a_right_answer_at_the_stated_precision_passes_in_the_page(tmp_path):
    table = []
    for exercise_id in exercises.ids():
        ex = exercises.get(exercise_id)
        if ex.kind != "number" or ex.decimals is None:
            continue
        exp = float(ex.expected)
        typed = f"{exp * 100:.{ex.decimals}f}%" if ex.percent else f"{exp:.{max(ex.decimals, 0)}f}"
        table.append({"data": _quiz.export(ex), "answers": [typed]})
    if not table:
        pytest.skip("no exercise declares decimals yet")
    failed = [t["data"]["id"] for t, r in zip(table, _run_node(table, tmp_path)) if not r[0]["correct"]]
    assert not failed, failed


def test_export_is_json_and_script_safe():
    ex = exercises.get(exercises.ids("ch00")[0])
    html_text = _quiz.Exporter().html([ex.id])
    data = re.search(r"<script type='application/json' class='crmlab-exercise-data'>(.*?)</script>", html_text,
                     re.S).group(1)
    assert json.loads(data)["id"] == ex.id
    assert "</" not in data


# --------------------------------------------------------------------------- glossary, term links, links

def test_glossary_of_notebook_00_becomes_sphinx_terms():
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    entries = book.glossary_entries(nb)
    assert len(entries) >= 20
    eva = next(e for e in entries if e["english"].startswith("Economic value added"))
    assert eva["terms"] == ["Economic value added", "EVA", "经济增加值"]
    tco = next(e for e in entries if "TCO" in e["terms"])
    assert tco["chinese"] == "总的拥有成本"
    page = book.glossary_markdown(entries, "notebooks/00_start_here.ipynb")
    assert ":::{glossary}" in page and "\nEVA\n" in page and "\nTCO\n" in page


def test_terms_are_linked_once_and_never_inside_code_maths_links_or_headings():
    entries = [{"english": "Economic value added (EVA)", "terms": ["Economic value added", "EVA", "经济增加值"]},
               {"english": "Net present value (NPV)", "terms": ["Net present value", "NPV"]}]
    text = ("## EVA in a heading\n\nThe `EVA` code, $EVA$ maths, [EVA](x.ipynb) link, <b title='EVA'>x</b>. "
            "Then economic value added, again EVA, and NPV.\n```\nNPV\n```\n")
    out = book.link_terms(text, entries, set())
    assert out.count("{term}") == 2
    assert "{term}`economic value added <Economic value added>`" in out and "again EVA" in out
    assert "{term}`NPV <NPV>`" in out
    assert out.startswith("## EVA in a heading") and "`EVA` code, $EVA$ maths, [EVA](x.ipynb)" in out
    assert "```\nNPV\n```" in out
    assert book.link_terms("经济增加值是", entries, set()) == "{term}`经济增加值 <经济增加值>`是"
    assert book.link_terms("EVAL and NPVs", entries, set()) == "EVAL and NPVs"  # whole words only


def test_settings_turn_launch_buttons_on_and_off():
    on = book._config("https://github.com/example/crmlab", "https://hub.example.edu", "student")
    assert on["repository"]["url"] == "https://github.com/example/crmlab"
    assert on["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert on["launch_buttons"]["jupyterhub_url"] == "https://hub.example.edu"
    off = book._config("", "", "student")
    assert off["launch_buttons"]["binderhub_url"] == "" and not off["html"]["use_repository_button"]
    with pytest.raises(ValueError, match="repository must be an http"):
        book._config("github.com/x", None, "student")
    assert book._config(None, None, "student")["execute"]["execute_notebooks"] == "off"


def test_book_extra_is_mirrored_in_environment_yml():
    import tomllib

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["book"]
    mirrored = re.findall(r"^#\s+-\s+(\S+)\s*$", (ROOT / "environment.yml").read_text(), re.M)
    assert sorted(extra) == sorted(mirrored)
    assert not any("mathjax" in d for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "dependencies"]), "jupyter-server-mathjax is the book's business, not the core install's"


def test_mathjax_comes_from_the_projects_own_npm_package():
    package = json.loads((ROOT / "crmlab" / "book" / "package.json").read_text())
    assert package["dependencies"]["mathjax"].startswith("3.")
    assert "mathjax/tex-chtml.js" in (ROOT / "crmlab" / "book" / "_config.yml").read_text()


def test_finished_pages_name_no_cdn_and_student_cases_have_no_launch_button(tmp_path):
    (tmp_path / "cases").mkdir()
    launch = ('<div class="dropdown dropdown-launch-buttons">\n<ul class="dropdown-menu"><li><a '
              'href="https://mybinder.org/v2/gh/x/y/main?urlpath=lab/tree/cases/c.ipynb">Binder</a></li>\n</ul>\n</div>')
    thebe = '<script>const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"; const x = 1</script>\n'
    (tmp_path / "cases" / "c.html").write_text(f"<head>{thebe}</head><body>{launch}</body>")
    (tmp_path / "ch.html").write_text(f"<head>{thebe}</head><body>{launch}</body>")
    book._finish_pages(tmp_path, "student")
    case, chapter = (tmp_path / "cases" / "c.html").read_text(), (tmp_path / "ch.html").read_text()
    assert "unpkg" not in case and "unpkg" not in chapter
    assert "mybinder" not in case and "mybinder" in chapter


def test_stage_rejects_a_bad_case_view(tmp_path):
    with pytest.raises(ValueError, match="cases must be one of 'student', 'instructor'; got 'teacher'"):
        book.stage(tmp_path, cases="teacher")


# --------------------------------------------------------------------------- staging a small workbook of our own

def _tiny_workbook(root: Path) -> Path:
    def write(path, cells):
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
            "name": "python3", "language": "python", "display_name": "Python 3"}}), path)

    md, code, raw = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell, nbformat.v4.new_raw_cell
    out = nbformat.v4.new_output
    write(root / "notebooks" / "00_intro.ipynb", [
        md("# 00 · Intro\n\nSee [the next chapter](01_next.ipynb), the [cases](../cases/) and the "
           "[glossary](#glossary).\n\n"
           '<a id="glossary"></a>\n## Glossary · 术语表\n\n| English term | 中文 | in one line |\n|---|---|---|\n'
           "| Economic value added (EVA) | 经济增加值 | NOPAT minus a capital charge. |"),
        code("print(6 * 7)", outputs=[out("stream", name="stdout", text="42\n")])])
    write(root / "notebooks" / "01_next.ipynb", [
        md("# 01 · Next\n\nEVA is back, see the [glossary](00_intro.ipynb#glossary)."),
        code('widgets.exercise("ch00.percent_decimal")', outputs=[out(
            "display_data", {"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2,
                                                                           "version_minor": 0},
                             "text/plain": "VBox()"})])])
    case = [
        md("# Case 1 · Tiny"),
        raw("# ASSIGNMENT CONFIG\nname: case1_tiny\ninit_cell: false\ncheck_all_cell: false\nexport_cell: false\n"
            "tests:\n  ok_format: false"),
        code("base = 40\nprint('context', base)", outputs=[out("stream", name="stdout", text="context 40\n")]),
        raw("# BEGIN QUESTION\nname: q1\npoints: 1"),
        md("**Question 1.** Add 2 to `base` as `answer`."),
        raw("# BEGIN SOLUTION"),
        code("answer = base + 2  # SOLUTION\nprint('the answer is', answer)",
             outputs=[out("stream", name="stdout", text="the answer is 42\n")]),
        raw("# END SOLUTION"),
        raw("# BEGIN TESTS"),
        code("def test_q1(env):\n    assert env['answer'] == 42\n\ntest_q1(globals())  # IGNORE"),
        raw("# END TESTS"),
        raw("# END QUESTION"),
        code("print('double the answer', 2 * answer)\ndoubled = 2 * answer",
             outputs=[out("stream", name="stdout", text="double the answer 84\n")]),
        code("print('doubled again', 2 * doubled)", outputs=[out("stream", name="stdout", text="doubled again 168\n")]),
        md("## Teaching note\n\nPoints to look for: 42.", metadata={"tags": ["instructor-only"]})]
    write(root / "cases" / "case1_tiny.ipynb", case)
    return root


def _text(nb) -> str:
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for o in cell.get("outputs", ()):
            parts.append(o.get("text", "") + json.dumps(o.get("data", {}), ensure_ascii=False))
    return "\n".join(parts)


def test_stage_writes_a_jupyter_book_with_student_cases_glossary_and_checked_exercises(tmp_path):
    pytest.importorskip("otter")
    import yaml

    root = _tiny_workbook(tmp_path / "wb")
    dest = book.stage(tmp_path / "src", root=root, repository="https://github.com/example/crmlab")
    toc = yaml.safe_load((dest / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert files == ["notebooks/00_intro", "notebooks/01_next", "cases/index", "glossary"]
    assert yaml.safe_load((dest / "_config.yml").read_text())["execute"]["execute_notebooks"] == "off"
    assert (dest / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (dest / "_static" / "crmlab-exercises.js").is_file()
    assert "\nEVA\n" in (dest / "glossary.md").read_text()

    intro = nbformat.read(dest / "notebooks" / "00_intro.ipynb", as_version=4)
    assert "(../cases/index.md)" in intro.cells[0].source and "(../glossary.md)" in intro.cells[0].source
    assert intro.cells[1].outputs[0]["text"] == "42\n"  # the stored output, not a re-run
    nxt = nbformat.read(dest / "notebooks" / "01_next.ipynb", as_version=4)
    assert "{term}`EVA <EVA>`" in nxt.cells[0].source and "(../glossary.md)" in nxt.cells[0].source
    form = nxt.cells[1].outputs[0]["data"]
    assert list(form) == ["text/html"] and "crmlab-exercise-data" in form["text/html"]

    case = nbformat.read(dest / "cases" / "case1_tiny.ipynb", as_version=4)
    text = _text(case)
    assert "Student version" in text and "context 40" in text and "answer = ..." in text
    for secret in ("base + 2", "42", "84", "168", "test_q1", "Teaching note", "ASSIGNMENT CONFIG",
                   "crmlab-exercise-data"):
        assert secret not in text, f"the student case shows {secret!r}"

    teacher = book.stage(tmp_path / "teacher", root=root, cases="instructor")
    text = _text(nbformat.read(teacher / "cases" / "case1_tiny.ipynb", as_version=4))
    assert "the answer is 42" in text and "doubled again 168" in text and "Teaching note" in text
    assert "do not publish this book to students" in (teacher / "cases" / "index.md").read_text()


def test_a_missing_jupyter_book_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="jupyter-book executable not found: '/no/such/jupyter-book'"):
        book.jupyter_book_command("/no/such/jupyter-book")


def test_build_never_replaces_a_folder_that_is_not_a_book(tmp_path):
    import sys

    (tmp_path / "thesis.docx").write_text("mine")
    with pytest.raises(FileExistsError, match="is not a crmlab book"):
        book.build(out=tmp_path, jupyter_book=sys.executable)
    assert (tmp_path / "thesis.docx").read_text() == "mine"


def test_planner_calls_are_read_without_running_them():
    assert book._widget_call("%matplotlib inline\nwidgets.tco_planner(users=900)") == ("tco_planner", [],
                                                                                        {"users": 900})
    assert book._widget_call("widgets.matrix_explorer(table)") == ("matrix_explorer", None, None)
    assert book._widget_call("x = 1") is None and book._widget_call("def (:") is None


def test_up_to_date_names_a_bad_argument_and_is_false_without_a_book(tmp_path):
    assert book.up_to_date(tmp_path / "nothing-here") is False
    with pytest.raises(TypeError, match="out must be a folder"):
        book.up_to_date(3)
    with pytest.raises(ValueError, match="cases must be one of 'student', 'instructor'; got 'teacher'"):
        book.up_to_date(tmp_path, cases="teacher")
    with pytest.raises(ValueError, match="editions must include 'en'"):
        book.up_to_date(tmp_path, editions=["fr"])
