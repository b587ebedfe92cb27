"""The two editions (English source, Chinese generated): language choice, catalogues, drift, terms, glyphs.

The drift check (``python -m crmlab.editions check``) is the gate: every English text has a current
translation, the Chinese notebooks are what the catalogues give, their code cells are the English ones.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from crmlab import editions, exercises, i18n

ROOT = Path(__file__).resolve().parent.parent
ZH = ROOT / "zh"


@pytest.fixture(autouse=True)
def _forget_language(monkeypatch):
    monkeypatch.delenv("CRMLAB_LANGUAGE", raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)


def _notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- choosing the language

def test_set_language_switches_messages_and_refuses_unknown_codes():
    import crmlab

    crmlab.set_language("zh")
    assert crmlab.get_language() == "zh"
    assert exercises.check("ch00.percent_decimal", "12").message.startswith("✘ 你输入的是 12")
    crmlab.set_language("en")
    assert exercises.check("ch00.percent_decimal", "12").message.startswith("✘ You typed 12")
    with pytest.raises(ValueError, match="language must be one of 'en', 'zh'; got 'fr'"):
        crmlab.set_language("fr")
    with pytest.raises(TypeError, match="got int 3"):
        crmlab.set_language(3)
    crmlab.set_language("zh-CN")  # the usual spellings of Simplified Chinese are understood
    assert crmlab.get_language() == "zh"


def test_environment_variable_and_edition_marker(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert i18n.get_language() == "en"
    (tmp_path / i18n.MARKER).write_text("zh\n", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    i18n.reload()
    assert i18n.get_language() == "zh"  # a kernel started in zh/notebooks speaks Chinese
    monkeypatch.setenv("CRMLAB_LANGUAGE", "en")
    assert i18n.get_language() == "en"  # the environment overrides the folder
    monkeypatch.setenv("CRMLAB_LANGUAGE", "klingon")
    with pytest.raises(ValueError, match="CRMLAB_LANGUAGE must be one of"):
        i18n.get_language()
    i18n.set_language("en")
    assert i18n.get_language() == "en"  # and set_language overrides both
    i18n.reload()


def test_language_context_manager_restores_the_choice():
    i18n.set_language("en")
    with i18n.language("zh"):
        assert i18n.gettext("Check") == "检查"
    assert i18n.gettext("Check") == "Check"


# ---------------------------------------------------------------- exercises in Chinese

def test_chinese_feedback_names_the_same_mistakes():
    with i18n.language("zh"):
        fb = exercises.check("ch00.percent_decimal", "12")
        assert not fb.correct and "1,200 %" in fb.message and "请写 12% 或 0.12" in fb.message
        assert exercises.check("ch00.percent_decimal", "12%").correct
        assert exercises.check("ch00.percent_decimal", "１２％").correct  # full-width digits and ％
        assert "正确" in exercises.check("ch00.percent_decimal", "0.12").message


def test_every_exercise_is_translated_and_answers_are_shared():
    with i18n.language("zh"):
        for exercise_id in exercises.ids():
            zh, en = exercises.get(exercise_id), exercises._REGISTRY[exercise_id]
            assert zh.prompt != en.prompt, f"{exercise_id}: the prompt has no Chinese translation"
            assert re.search(r"[\u4e00-\u9fff]", zh.prompt), exercise_id
            assert zh.kind == en.kind and zh.decimals == en.decimals and list(zh.choices) == list(en.choices)
            if en.kind != "judgement":
                right, wrong = en.sample_answers()
                assert zh.check(right).correct, f"{exercise_id}: {right!r} is right in English, wrong in Chinese"
                assert not zh.check(wrong).correct, exercise_id


def test_label_exercises_accept_chinese_labels():
    labelled = [i for i in exercises.ids() if exercises._REGISTRY[i].kind == "labels"]
    assert labelled
    for exercise_id in labelled:
        ex = exercises._REGISTRY[exercise_id]
        with i18n.language("zh"):
            typed = "，".join(i18n.translate(lab, exercise_id) for lab in ex.expected)
            assert exercises.check(exercise_id, typed).correct, f"{exercise_id}: {typed!r}"
            assert exercises.check(exercise_id, ", ".join(ex.expected)).correct  # English still reads


# ---------------------------------------------------------------- the drift check

def test_the_editions_do_not_drift():
    drift = editions.check("zh")
    assert not drift, str(drift)


def test_drift_check_catches_a_stale_translation_and_changed_code(tmp_path):
    # A copy of one notebook, its catalogue and its edition in a scratch repository layout.
    english = ROOT / "notebooks" / "02_performance_pyramid.ipynb"
    for rel in (english.relative_to(ROOT), editions.notebook_catalogue_path(english).relative_to(ROOT),
                editions.edition_path(english).relative_to(ROOT)):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes((ROOT / rel).read_bytes())
    (tmp_path / "zh" / i18n.MARKER).write_text("zh\n", encoding="utf-8")
    (tmp_path / "zh" / "cases").mkdir(exist_ok=True)
    (tmp_path / "zh" / "cases" / "data").symlink_to(Path("..") / ".." / "cases" / "data")
    copy = tmp_path / english.relative_to(ROOT)
    assert not editions.check("zh", root=tmp_path, package=False)

    nb = _notebook(copy)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    cell["source"] = "".join(cell["source"]) + " An added sentence."
    copy.write_text(json.dumps(nb), encoding="utf-8")
    editions.update("zh", root=tmp_path, parts=("notebooks",))
    problems = editions.check("zh", root=tmp_path, package=False).problems
    assert any("is stale" in p for p in problems), problems

    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["source"] = "".join(code["source"]) + "\nx = 1"
    copy.write_text(json.dumps(nb), encoding="utf-8")
    problems = editions.check("zh", root=tmp_path, package=False).problems
    assert any("code or raw cells differ" in p for p in problems), problems


def _gaps(source):
    """(start, end) of the parts of ``source`` between its display strings."""
    last = 0
    for lo, hi, _text in editions.display_strings(source):
        yield last, lo
        last = hi
    yield last, len(source)


def test_display_strings_are_what_a_cell_prints_or_shows_in_a_figure():
    src = ('%matplotlib inline\n'
           'x = {"status": "green"}\n'
           'print(f"NPV {npv:,.0f} CNY", "多 bytes", b"raw")\n'
           'ax.plot(t, y, label="active customers")\n'
           'datasets.read_csv(f, "transactions", label="my_export.csv")\n'
           'ax.set(title="Yearly costs", xlabel="year", ylabel="{n}")\n'
           'print("part one, " f"part {two:.1f}")')
    found = [text for _lo, _hi, text in editions.display_strings(src)]
    assert found == ["NPV {npv:,.0f} CNY", "多 bytes", "active customers", "Yearly costs", "year", "part one, ",
                     "part {two:.1f}"]
    assert all(src[lo:hi] == text for lo, hi, text in editions.display_strings(src))
    assert editions.display_strings("print(") == []  # not Python: nothing to translate


def test_code_display_strings_are_translated_and_the_tests_are_not(tmp_path):
    nb = {"cells": [
        {"cell_type": "code", "source": 'print(f"TCO {total:,.0f} CNY")', "metadata": {}, "outputs": [],
         "execution_count": None},
        {"cell_type": "raw", "source": "# BEGIN TESTS", "metadata": {}},
        {"cell_type": "code", "source": 'print("a test")', "metadata": {}, "outputs": [], "execution_count": None},
        {"cell_type": "raw", "source": "# END TESTS", "metadata": {}}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    english = tmp_path / "notebooks" / "x.ipynb"
    english.parent.mkdir()
    english.write_text(json.dumps(nb), encoding="utf-8")
    template = editions.extract_notebook(english)
    assert [(m.context, m.id) for m in template if m.id] == [("code", "TCO {total:,.0f} CNY")]
    with pytest.raises(KeyError, match="display string 'TCO"):
        editions.translate_notebook(english, root=tmp_path)
    assert editions.translate_notebook(english, root=tmp_path, draft=True)["cells"][0]["source"] == nb["cells"][0]["source"]
    editions.update("zh", root=tmp_path, parts=("notebooks",))
    po = editions.notebook_catalogue_path(english, root=tmp_path)
    cat = editions._read_po(po, "zh")
    cat.get("TCO {total:,.0f} CNY", context="code").string = "TCO {total:,.0f} 元"
    editions._write_po(cat, po)
    out = editions.translate_notebook(english, root=tmp_path)
    assert "".join(out["cells"][0]["source"]) == 'print(f"TCO {total:,.0f} 元")'
    assert "".join(out["cells"][2]["source"]) == 'print("a test")'


def test_the_compiled_catalogue_is_current():
    mo = editions.package_catalogue_path("zh").with_suffix(".mo")
    assert mo.read_bytes() == editions._compiled("zh"), "run `python -m crmlab.editions compile`"


@pytest.mark.parametrize("english", editions.english_notebooks(), ids=lambda p: p.name)
def test_chinese_notebooks_share_the_code_and_are_executed_in_chinese(english):
    zh = _notebook(editions.edition_path(english))
    en = _notebook(english)
    assert editions._code(zh) == editions._code(editions.translate_notebook(english))
    # Only the display strings differ: the code with every display string blanked is the English code.
    blank = lambda src: "".join(src[last:lo] for last, lo in _gaps(src))  # noqa: E731
    assert [blank(s) for _, s in editions._code(zh)] == [blank(s) for _, s in editions._code(en)]
    assert zh["metadata"]["crmlab"] == {"edition": "zh", "source": f"{english.parent.name}/{english.name}"}
    outputs = [o for c in zh["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    text = json.dumps(outputs, ensure_ascii=False)
    # Every figure's text has its glyphs: matplotlib warns into the cell's stderr when one is missing.
    assert "missing from font" not in text and "Glyph" not in text
    if any(c["cell_type"] == "code" and "widgets.exercise" in "".join(c["source"]) for c in en["cells"]):
        assert "练习" in text, f"{english.name}: the exercises were not shown in Chinese"


# ---------------------------------------------------------------- one term list

def _terms() -> list[dict]:
    with (ROOT / "crmlab" / "locale" / "terms.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_term_list_is_well_formed():
    terms = _terms()
    english = [t["english"].casefold() for t in terms]
    assert len(english) == len(set(english)), "a term is listed twice"
    for t in terms:
        assert t["chinese"] and t["source"], t
        assert re.search(r"[\u4e00-\u9fff]", t["chinese"]), t


_PROSE_KINDS = {"concept", "method", "finance", "cost", "matrix", "customer"}


def test_prose_uses_the_course_terms():
    """Where an English cell names a course concept, its translation uses the term list's Chinese."""
    terms = [t for t in _terms() if t["kind"] in _PROSE_KINDS and " " in t["english"]]
    missing = []
    for english in editions.english_notebooks():
        cat = editions._read_po(editions.notebook_catalogue_path(english), "zh")
        for msg in cat:
            if not msg.id or not msg.string:
                continue
            for t in terms:
                # Spacing between Chinese and Latin letters is a matter of style ("BG/NBD 模型" = "BG/NBD模型").
                if (re.search(rf"\b{re.escape(t['english'])}\b", msg.id, re.I)
                        and t["chinese"].replace(" ", "") not in msg.string.replace(" ", "")):
                    missing.append(f"{english.name}: {t['english']} → {t['chinese']} in {msg.id[:50]!r}")
    assert not missing, "\n".join(missing)


def test_glossary_is_the_term_list():
    """The glossary of notebook 00 (both editions) gives each term the Chinese of the term list."""
    from crmlab import book

    import nbformat

    terms = {t["english"].casefold(): t["chinese"] for t in _terms()}
    for path in (ROOT / "notebooks" / "00_start_here.ipynb", ZH / "notebooks" / "00_start_here.ipynb"):
        nb = nbformat.read(path, as_version=4)
        entries = book.glossary_entries(nb)
        assert len(entries) >= 25, path
        for entry in entries:
            name = entry["terms"][0].casefold()
            if name in terms:
                assert entry["chinese"].startswith(terms[name]), \
                    f"{path.name}: {entry['english']} is {entry['chinese']}, the term list says {terms[name]}"
