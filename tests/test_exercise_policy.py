"""The exercise policy of issue 12, chapter by chapter (each chapter passes or fails on its own).

Per chapter: at least 6 exercises of kinds number/choice/multi/labels, at least 2 of them multi-step
(``steps >= 2``), at least one judgement question; every number exercise declares ``decimals`` and a
unit, and its prompt states both in words; every exercise but a judgement has a worked ``solution``; hints
hold no answer and no code. And no number answer is printed in its chapter's notebook (markdown, or any
stored text or HTML output) at 3 or more significant figures, in any form the notebooks print (0.598,
59.8%, 59.82 %, −508.19, 1,234,567, 1.23e+06 ...). Chapter 00's warm-ups are exempt from that scan.

When a test fails, its message lists each offending exercise and where its answer was found.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from crmlab import exercises

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [f"ch{n:02d}" for n in range(9)]
COMPUTED = ("number", "choice", "multi", "labels")
SCAN_EXEMPT = {"ch00"}  # the warm-ups of "start here" may show their answers

# A precision stated in words: "to 2 decimals", "to one decimal", "as a whole number", "to the nearest 1,000".
_PRECISION = re.compile(
    r"(?i)\b(?:\d+|zero|no|one|two|three|four|five|six)\s+decimal|whole\s+number|nearest\s+[\w,]+|"
    r"(?:\d+|one|two|three|four)\s+significant|integer")
_SCALE_WORDS = {"thousand": 1e3, "千": 1e3, "万": 1e4, "million": 1e6, "百万": 1e6, "亿": 1e8, "billion": 1e9}
# Code in a hint: a call, an attribute access, an indexing, backticks.
_CODE = re.compile(r"`|\b[A-Za-z_]\w*\((?:[\w'\"\[{)]|$)|\b[a-z_]\w*\.[a-z_]\w*|\[\s*['\"]")
# A number as a notebook prints it: signs (any dash, accounting brackets), thousands separators, decimals,
# e-notation, a percent sign. Not part of a word or an id (C00297, ch01, 2024-01-01 keeps only 2024).
_NUMBER = re.compile(
    r"(?<![\w.])(?P<neg>[-−–(])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<exp>[eE][+-]?\d+)?\s?(?P<pct>%)?(?![\w])")


def _chapter_ids(chapter: str) -> list[str]:
    return exercises.ids(chapter)


def _notebook(chapter: str) -> Path | None:
    found = sorted((ROOT / "notebooks").glob(f"{chapter[2:]}_*.ipynb"))
    return found[0] if found else None


def _fail(chapter: str, problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{chapter}: {what}:\n  " + "\n  ".join(problems), pytrace=False)


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_has_enough_exercises_multistep_ones_and_a_judgement(chapter):
    bank = [exercises.get(i) for i in _chapter_ids(chapter)]
    computed = [ex for ex in bank if ex.kind in COMPUTED]
    multistep = [ex.id for ex in computed if ex.steps >= 2]
    judgement = [ex.id for ex in bank if ex.kind == "judgement"]
    problems = []
    if len(computed) < 6:
        problems.append(f"{len(computed)} exercises of kinds {'/'.join(COMPUTED)}; at least 6 needed "
                        f"({', '.join(ex.id for ex in computed) or 'none'})")
    if len(multistep) < 2:
        problems.append(f"{len(multistep)} multi-step exercises (steps >= 2); at least 2 needed "
                        f"({', '.join(multistep) or 'none'})")
    if not judgement:
        problems.append("no judgement question (kind='judgement')")
    _fail(chapter, problems, "exercise counts")


# --------------------------------------------------------------------------- declarations


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_number_prompts_state_unit_and_precision(chapter):
    problems = []
    for ex in map(exercises.get, _chapter_ids(chapter)):
        if ex.kind != "number":
            continue
        prompt = " ".join(ex.prompt.split())
        if ex.decimals is None:
            problems.append(f"{ex.id}: no decimals= (the precision the prompt states)")
        if not _PRECISION.search(prompt):
            problems.append(f"{ex.id}: the prompt does not state its precision in words "
                            "(e.g. 'to 2 decimals', 'as a percent to one decimal')")
        if ex.percent:
            if not re.search(r"(?i)percent|%|decimal", prompt):
                problems.append(f"{ex.id}: a rate, but the prompt says neither 'percent' nor 'decimal'")
        elif not ex.unit:
            problems.append(f"{ex.id}: no unit= (the unit the prompt asks for: 'million CNY', 'points' ...)")
        elif ex.unit.casefold() not in prompt.casefold():
            problems.append(f"{ex.id}: unit {ex.unit!r} does not appear in the prompt")
        for word, factor in _SCALE_WORDS.items():
            if word in ex.unit.casefold() and ex.scale != factor:
                problems.append(f"{ex.id}: unit {ex.unit!r} but scale={ex.scale:g}; expected scale={factor:g}")
    _fail(chapter, problems, "number prompts")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exercise_has_a_solution_and_hints_nudge(chapter):
    problems = []
    for ex in map(exercises.get, _chapter_ids(chapter)):
        if ex.kind != "judgement" and not ex.solution.strip():
            problems.append(f"{ex.id}: no solution= (the worked steps, shown after trying)")
        if _CODE.search(ex.hint):
            problems.append(f"{ex.id}: the hint contains code ({_CODE.search(ex.hint).group(0)!r}): "
                            f"name the method or the concept instead. Hint: {ex.hint!r}")
        if ex.kind == "number":
            for found in _answers_in(ex, ex.hint):
                problems.append(f"{ex.id}: the hint gives the answer away ({found!r})")
    _fail(chapter, problems, "solutions and hints")


# --------------------------------------------------------------------------- answers printed in the chapter


def _significant(digits: str) -> int:
    """Significant figures of a printed number: '0.0874' → 3, '508.19' → 5, '2500' → 2, '0.300' → 3."""
    if "." in digits:
        return len(digits.replace(".", "").lstrip("0"))
    return len(digits.lstrip("0").rstrip("0"))


def _printed_numbers(text: str):
    """(printed text, value, resolution) of every number in ``text`` with 3 or more significant figures."""
    for m in _NUMBER.finditer(text):
        num = m.group("num").replace(",", "")
        mantissa = num
        if _significant(mantissa) < 3:
            continue
        places = len(num.split(".")[1]) if "." in num else 0
        exponent = int(m.group("exp")[1:]) if m.group("exp") else 0
        value = float(num) * 10.0 ** exponent
        resolution = 10.0 ** (exponent - places)
        if m.group("pct"):
            value, resolution = value / 100, resolution / 100
        yield m.group(0).strip(), value, resolution


def _variants(ex) -> list[float]:
    """The answer in every unit a notebook might print it: as asked, in plain units, as a percent."""
    value = float(ex.expected)
    found = {abs(value)}
    if ex.scale != 1:
        found.add(abs(value) * ex.scale)
    if not ex.percent:
        found.add(abs(value) / 100)  # printed with % ("1.67%" of an NPS of 1.67 points)
    return [v for v in found if v != 0 and math.isfinite(v)]


def _answers_in(ex, text: str) -> list[str]:
    hits = []
    for printed, value, resolution in _printed_numbers(text):
        for target in _variants(ex):
            # the answer rounded to the printed precision (sign ignored: 508.19 gives −508.19 away)
            if abs(abs(value) - target) <= 0.5 * resolution * (1 + 1e-9) and resolution < abs(target) / 50:
                hits.append(printed)
                break
    return hits


def _texts(path: Path):
    """(where, text) of every markdown cell and every stored text/HTML output of a notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            yield f"cell {index} (markdown)", "".join(cell["source"])
        for output in cell.get("outputs", []):
            if "text" in output:
                yield f"cell {index} output", "".join(output["text"])
            for mime, data in output.get("data", {}).items():
                if mime.startswith("text/"):
                    yield f"cell {index} output {mime}", "".join(data) if isinstance(data, list) else str(data)


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c not in SCAN_EXEMPT])
def test_no_number_answer_is_printed_in_its_chapter(chapter):
    path = _notebook(chapter)
    assert path is not None, f"{chapter}: no notebook notebooks/{chapter[2:]}_*.ipynb"
    numbers = [exercises.get(i) for i in _chapter_ids(chapter) if exercises.get(i).kind == "number"]
    texts = list(_texts(path))
    problems = []
    for ex in numbers:
        for where, text in texts:
            for printed in _answers_in(ex, text):
                problems.append(f"{ex.id} (answer {float(ex.expected):.6g}): printed as {printed!r} in "
                                f"{path.name} {where}")
    _fail(chapter, problems, "number answers printed in the chapter (change the worked example, the exercise's "
                             "firm/year/plan, or what the cell prints)")


# --------------------------------------------------------------------------- the scanner itself


@pytest.mark.parametrize("text, found", [
    ("the share is 0.598 of the total", ["0.598"]), ("59.8%", ["59.8%"]), ("59.82 %", ["59.82 %"]),
    ("0.5982", ["0.5982"]), ("score 0.6", []), ("60%", []), ("0.597", []),
])
def test_scanner_finds_a_rate_in_every_printed_form(text, found):
    ex = exercises.Exercise(id="t.r", prompt="p", kind="number", answer=0.59823, decimals=1, percent=True)
    assert _answers_in(ex, text) == found


@pytest.mark.parametrize("text, found", [
    ("EVA −508.19 million", ["−508.19"]), ("(508.2)", ["(508.2"]), ("-508,190,000 CNY", ["-508,190,000"]),
    ("-5.0819e+08", ["-5.0819e+08"]), ("-5.08e+08", ["-5.08e+08"]), ("508", ["508"]), ("-500", []),
    ("C00508 2024-05-08", []),
])
def test_scanner_finds_money_in_every_printed_form(text, found):
    ex = exercises.Exercise(id="t.m", prompt="p", kind="number", answer=-508.19, decimals=2, unit="million CNY",
                            scale=1e6)
    assert _answers_in(ex, text) == found
