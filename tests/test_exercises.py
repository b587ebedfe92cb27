"""The exercise engine: the precision policy, every feedback branch, the diagnoses issue 12 asked for, and every
registered exercise. Parsing is tested in test_parse.py."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab import exercises
from crmlab.exercises import Exercise, Feedback, Mistake

# --------------------------------------------------------------------------- feedback branches

NUMBER = Exercise(id="test.rate", prompt="p", kind="number", answer=0.12, tolerance=0.001, percent=True,
                  mistakes=(Mistake(0.3, "increase, not rate"), Mistake(lambda: 0.5, "lazy mistake")),
                  hint="h", explanation="because")
POINTS = Exercise(id="test.nps", prompt="p", kind="number", answer=lambda: 25.0, tolerance=0.5)
CHOICE = Exercise(id="test.choice", prompt="p", kind="choice", answer="B",
                  choices={"A": "alpha", "B": "beta", "C": "gamma"}, why_wrong={"A": "alpha is wrong"})
MULTI = Exercise(id="test.multi", prompt="p", kind="multi", answer=("A", "C"),
                 choices={"A": "alpha", "B": "beta", "C": "gamma"}, why_wrong={"B": "beta is wrong"})
LABELS = Exercise(id="test.labels", prompt="p", kind="labels", answer=("hi", "lo", "hi"), labels=("hi", "lo"),
                  items=("first", "second", "third"))


@pytest.mark.parametrize(
    "exercise, answer, correct, fragment",
    [
        (NUMBER, "0.12", True, "because"),
        (NUMBER, "12%", True, "Correct"),
        (NUMBER, "0.1205", True, "Correct"),
        (NUMBER, "12", False, "Rates are decimals"),
        (NUMBER, "0.3", False, "increase, not rate"),
        (NUMBER, "0.5", False, "lazy mistake"),
        (NUMBER, "-0.12", False, "sign is wrong"),
        (NUMBER, "0.123", False, "is close but too high, outside the accepted precision"),
        (NUMBER, "0.9", False, "too high"),
        (NUMBER, "0.01", False, "too low"),
        (NUMBER, "zero", False, "is not a number"),
        (POINTS, "25", True, "Correct"),
        (POINTS, "0.25", False, "Multiply by 100"),
        (CHOICE, " b ", True, "Correct"),
        (CHOICE, "beta", True, "Correct"),
        (CHOICE, "A", False, "alpha is wrong"),
        (CHOICE, "C", False, "not the best answer"),
        (CHOICE, "D", False, "not one of the options"),
        (CHOICE, "A, B", False, "just one"),
        (CHOICE, None, False, "Choose one option"),
        (MULTI, "a,c", True, "Correct"),
        (MULTI, "CA", True, "Correct"),
        (MULTI, ["A", "C"], True, "Correct"),
        (MULTI, "A, B, C", False, "beta is wrong"),
        (MULTI, "A", False, "1 correct option(s) missing"),
        (MULTI, "", False, "at least one"),
        (LABELS, "hi, lo, hi", True, "Correct"),
        (LABELS, "HI,LO,HI", True, "Correct"),
        (LABELS, "hi, hi, hi", False, "2 of 3 right; look again at: second"),
        (LABELS, "hi, lo", False, "exactly 3"),
        (LABELS, "hi, mid, lo", False, "'mid' is not one of the labels"),
    ],
)
def test_every_feedback_branch(exercise, answer, correct, fragment):
    fb = exercise.check(answer)
    assert isinstance(fb, Feedback)
    assert fb.correct is correct
    assert fragment in fb.message
    assert fb.message.startswith("✔" if correct else "✘")
    assert (fb.hint == "") if correct else True


def test_exercise_definitions_are_validated():
    with pytest.raises(ValueError, match="kind must be one of 'number', 'choice', 'multi', 'labels', 'judgement'"):
        Exercise(id="x", prompt="p", kind="essay", answer=1)
    with pytest.raises(ValueError, match="needs choices"):
        Exercise(id="x", prompt="p", kind="choice", answer="A")
    with pytest.raises(ValueError, match="tolerance"):
        Exercise(id="x", prompt="p", kind="number", answer=1)
    with pytest.raises(ValueError, match="needs the allowed labels"):
        Exercise(id="x", prompt="p", kind="labels", answer=("a",))


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(kind="number", answer=1, decimals=1.5), ValueError, "decimals must be None or an int"),
    (dict(kind="number", answer=1, decimals=True), ValueError, "decimals must be None or an int"),
    (dict(kind="number", answer=1, decimals=2, scale=0), ValueError, "scale must be a finite number > 0"),
    (dict(kind="number", answer=1, decimals=2, steps=0), ValueError, "steps must be an int >= 1"),
    (dict(kind="number", answer=1, decimals=2, tolerance=-1), ValueError, "tolerance must be a finite number >= 0"),
    (dict(kind="number", answer=1, decimals=2, gap_scale=True, percent=True), ValueError, "exclude each other"),
    (dict(kind="choice", answer="A", choices={"A": "a"}, decimals=2), ValueError, "decimals applies only to"),
    (dict(kind="choice", answer="A", choices={"A": "a"}, rubric=("x",)), ValueError, "belong to kind 'judgement'"),
    (dict(kind="choice", choices={"A": "a"}), ValueError, "needs an answer"),
    (dict(kind="judgement", model_answer="m", rubric=("a", "b", "c"), answer="x"), ValueError, "has no answer"),
    (dict(kind="judgement", rubric=("a", "b", "c")), ValueError, "needs a model_answer"),
    (dict(kind="judgement", model_answer="m", rubric=("a", "b")), ValueError, "rubric of 3 to 5"),
    (dict(kind="judgement", model_answer="m", rubric="abc"), ValueError, "rubric of 3 to 5"),
    (dict(kind="number", answer=1, decimals=2, solution=3), TypeError, "solution must be a str"),
])
def test_new_fields_are_validated(kwargs, error, message):
    with pytest.raises(error, match=message):
        Exercise(id="x", prompt="p", **kwargs)


def test_unknown_fields_are_refused():
    with pytest.raises(TypeError, match="unexpected keyword argument 'decimal'"):
        Exercise(id="x", prompt="p", kind="number", answer=1, decimal=2)


def test_defaults_keep_old_exercises_valid():
    ex = Exercise(id="x", prompt="p", kind="number", answer=1.0, tolerance=0.1)
    assert (ex.unit, ex.scale, ex.decimals, ex.gap_scale, ex.solution, ex.steps) == ("", 1.0, None, False, "", 1)


# --------------------------------------------------------------------------- the precision policy

TWO_DP = Exercise(id="t.dp", prompt="in million CNY to 2 decimals", kind="number", answer=1.23456, decimals=2,
                  unit="million CNY", scale=1e6)
PCT_1DP = Exercise(id="t.pct", prompt="as a percent to one decimal", kind="number", answer=0.59823, decimals=1,
                   percent=True)
WHOLE = Exercise(id="t.whole", prompt="a count", kind="number", answer=2500, decimals=0, unit="customers")


@pytest.mark.parametrize("exercise, typed, correct", [
    # rounded to the stated decimals, or more precise: accepted
    (TWO_DP, "1.23", True), (TWO_DP, "1.235", True), (TWO_DP, "1.2346", True), (TWO_DP, 1.23456, True),
    (TWO_DP, "1.23m", True), (TWO_DP, "1,234,560", True), (TWO_DP, "123.456万", True),
    # half a unit of the last place away, or more: refused
    (TWO_DP, "1.24", False), (TWO_DP, "1.22", False), (TWO_DP, "1.2", False),
    (PCT_1DP, "59.8%", True), (PCT_1DP, "0.598", True), (PCT_1DP, "59.82 %", True), (PCT_1DP, "0.5982", True),
    (PCT_1DP, "59.9%", False), (PCT_1DP, "60%", False), (PCT_1DP, "0.6", False),
    (WHOLE, "2500", True), (WHOLE, "2,500", True), (WHOLE, "2499", False),
])
def test_an_answer_at_the_stated_precision_passes(exercise, typed, correct):
    assert exercise.check(typed).correct is correct, exercise.check(typed).message


def test_tolerance_is_half_a_unit_of_the_last_stated_place():
    assert TWO_DP._tol(1.23456) == pytest.approx(0.005 * 1.02)
    assert PCT_1DP._tol(0.59823) == pytest.approx(0.0005 * 1.02)
    wide = Exercise(id="t.w", prompt="p", kind="number", answer=1.0, decimals=2, tolerance=0.05)
    assert wide._tol(1.0) == 0.05  # tolerance may widen the derived tolerance, never narrow it


@pytest.mark.parametrize("typed, wanted", [
    ("60%", "as a percent to 1 decimal"),  # a percent typed: told in percent
    ("0.6", "3 decimals as a decimal (or 1 decimal as a percent)"),  # a decimal typed: told in decimals
])
def test_a_coarse_right_answer_is_told_the_precision_in_the_unit_typed(typed, wanted):
    fb = PCT_1DP.check(typed)
    assert not fb.correct and "rounded too coarsely" in fb.message and wanted in fb.message


def test_plain_units_for_a_scaled_prompt_are_converted_with_a_note():
    fb = TWO_DP.check("1,234,560")
    assert fb.correct and "The prompt asks for million CNY" in fb.message


# --------------------------------------------------------------------------- the diagnoses of issue 12
# Each builds an exercise like the chapter's (same expected value, same kind of wrong answer).

EVA = Exercise(id="t.eva", prompt="EVA in million CNY to 2 decimals", kind="number", answer=-508.19, decimals=2,
               unit="million CNY", scale=1e6)
IN_CNY = Exercise(id="t.cny", prompt="in CNY to the nearest yuan", kind="number", answer=22_010_000.0, decimals=0,
                  unit="CNY")
KE = Exercise(id="t.ke", prompt="cost of equity as a percent to 2 decimals", kind="number", answer=0.087372,
              decimals=2, percent=True,
              mistakes=(Mistake(0.116532, "premium, not market return"), Mistake(0.060372, "add the risk-free"),
                        Mistake(0.089532, "Beta × market return leaves out the risk-free rate")))
AHP_CR = Exercise(id="t.cr", prompt="CR to 3 decimals", kind="number", answer=0.033199215998426276, decimals=3,
                  mistakes=(Mistake(0.01925554527908724, "That is the consistency index CI"),
                            Mistake(0.03851109055817448, "That is λmax − n")))
AHP_CR_RI = Exercise(id="t.cr2", prompt="CR to 3 decimals", kind="number", answer=0.033199215998426276, decimals=3,
                     mistakes=AHP_CR.mistakes + (Mistake(0.01925554527908724 / 0.52, "RI for n = 3 is 0.58"),))
NPS = Exercise(id="t.nps", prompt="NPS in points to one decimal", kind="number", answer=1.6666666666666718,
               decimals=1, unit="points")
GAP = Exercise(id="t.gap", prompt="gap in points on the 1–5 scale to 2 decimals", kind="number",
               answer=-0.3633333333333333, decimals=2, unit="points", gap_scale=True)
OVERRUN = Exercise(id="t.p80", prompt="overrun as a percent to one decimal", kind="number",
                   answer=0.5520873628010483, decimals=1, percent=True)
RATE = Exercise(id="t.rate2", prompt="rate as a percent to 0 decimals", kind="number", answer=0.55, decimals=0,
                percent=True)
COST = Exercise(id="t.cost", prompt="NPV in CNY", kind="number", answer=-3_778_719.0, decimals=0, unit="CNY")


@pytest.mark.parametrize("exercise, typed, correct, fragment, absent", [
    # parser gaps
    (COST, "−3,778,719", True, "Correct", ""), (COST, "(3,778,719)", True, "Correct", ""),
    (IN_CNY, "22.01 million", True, "Correct", ""), (IN_CNY, "22.01m", True, "Correct", ""),
    (EVA, "-508.19m", True, "Correct", ""), (EVA, "−508.19", True, "Correct", ""),
    (EVA, "-5.0819亿", True, "Correct", ""),
    # units: ×10³, ×10⁶, CNY for a prompt in million CNY and million CNY for a prompt in CNY
    (EVA, "-508190", False, "1,000 times too large: it looks like the amount in thousands", "too low"),
    (EVA, "-0.50819", False, "1,000 times too small", "too high"),
    (EVA, "-508.19k", False, "check the multiplier you typed", "too high"),
    (IN_CNY, "22.01", False, "1,000,000 times too small: it looks like the amount in millions; the prompt asks for "
                             "CNY", "too low"),
    (IN_CNY, "22,010", False, "1,000 times too small: it looks like the amount in thousands", "too low"),
    # "-508.2m" for a prompt in CNY million: read as -508.2 million, rounded too coarsely
    (EVA, "-508.2m", False, "rounded too coarsely: the prompt asks for 2 decimals when you type the multiplier m",
     "too low"),
    # a ratio for a rate, a multiple for an overrun, an amount for a rate
    (RATE, "1.55", False, "a multiple of the base", ""), (RATE, "155%", False, "a multiple of the base", ""),
    (OVERRUN, "1.552", False, "a multiple of the base (new ÷ old), not the rate", "too high"),
    (OVERRUN, "39,896,406", False, "is an amount, not a rate", "too high"),
    # a right answer rounded: precision, never a conceptual error
    (KE, "0.09", False, "rounded too coarsely", "Beta × market return"),
    (KE, "9%", False, "as a percent to 2 decimals", "Beta × market return"),
    (KE, "8.74%", True, "Correct", ""), (KE, "0.0874", True, "Correct", ""),
    (KE, "0.0895", False, "Beta × market return leaves out the risk-free rate", ""),
    (KE, "8.95%", False, "Beta × market return leaves out the risk-free rate", ""),
    # ahp_cr 0.0371 (CI divided by RI 0.52) is not "λmax − n"; with that mistake listed, it is named
    (AHP_CR, "0.0371", False, "too high", "λmax − n"),
    (AHP_CR_RI, "0.0371", False, "RI for n = 3 is 0.58", "λmax − n"),
    (AHP_CR, "0.0385", False, "That is λmax − n", ""),
    # customers_in_log 2499: a count must be exact, not "keep more decimals"
    (WHOLE, "2499", False, "whole number and must be exact", "decimals"),
    # NPS 1.7%: the digits are right, the unit is points (not "multiply by 100")
    (NPS, "1.7%", False, "in points, not a percentage: type the number without the % sign", "Multiply by 100"),
    (NPS, "1.7", True, "Correct", ""), (NPS, "0.017", False, "Multiply by 100", ""),
    # a sign error on a rating gap is about the order of subtraction, not "cost or gain"
    (GAP, "0.36", False, "own minus competitor", "cost or a gain"),
    (GAP, "-36%", False, "not a percentage", ""), (GAP, "−0.36", True, "Correct", ""),
    (COST, "3,778,719", False, "cost or a gain", ""),
])
def test_feedback_names_the_actual_mistake(exercise, typed, correct, fragment, absent):
    fb = exercise.check(typed)
    assert fb.correct is correct, fb.message
    assert fragment in fb.message, fb.message
    assert not absent or absent not in fb.message, fb.message


def test_diagnosis_order_mistakes_then_units_then_percent_then_ratio_then_rounding_then_sign():
    base = dict(id="t.order", prompt="p", kind="number", answer=0.25, decimals=2, percent=True)
    # a catalogued mistake wins over every generic diagnosis it could also be
    for value in (25.0, 1.25, -0.25):
        ex = Exercise(**base, mistakes=(Mistake(value, "catalogued"),))
        assert ex.check(str(value)).message == "✘ catalogued"
    money = Exercise(id="t.o2", prompt="p", kind="number", answer=-2.5, decimals=1, unit="million CNY", scale=1e6,
                     mistakes=(Mistake(-2500.0, "catalogued"),))
    assert money.check("-2500").message == "✘ catalogued"  # before units
    assert "1,000 times too small" in money.check("-0.0025").message  # units
    assert money.check("-2,500,000").correct  # the amount in plain CNY, converted
    assert "sign is wrong" in money.check("2.5").message
    plain = Exercise(**base)
    assert "reads as 2,500 %" in plain.check("25").message  # percent confusion
    assert "multiple of the base" in plain.check("1.25").message  # ratio for a rate
    assert "rounded too coarsely" in plain.check("0.3").message  # rounding before the sign
    assert "sign is wrong" in plain.check("-0.25").message
    assert plain.check("0.9").message.endswith("is too high.")


def test_check_never_raises_on_huge_or_odd_input():
    assert not exercises.check("ch00.customers_in_log", 10 ** 400).correct
    assert "too large" in exercises.check("ch00.customers_in_log", 10 ** 400).message
    for junk in (-(10 ** 400), 1e308, b"\xff", object(), {"a": 1}, complex(1, 2), "1" * 10_000):
        assert isinstance(exercises.check("ch00.customers_in_log", junk), Feedback)


# --------------------------------------------------------------------------- judgement and solutions

JUDGE = Exercise(id="t.judge", prompt="Would you extend the CRM to the branches?", kind="judgement",
                 model_answer="Yes, **if** retention rises.", rubric=("names the decision", "uses the numbers",
                                                                    "states a risk"))


@pytest.mark.parametrize("typed", ["", "   ", None, 12, ["a"]])
def test_judgement_asks_for_an_answer_first(typed):
    fb = JUDGE.check(typed)
    assert not fb.correct and "Write your answer first" in fb.message


def test_judgement_shows_the_model_answer_and_rubric():
    fb = JUDGE.check("Extend it: retention rose 4 points.")
    assert fb.correct and "Yes, **if** retention rises." in fb.message
    assert all(f"- {point}" in fb.message for point in JUDGE.rubric)


def test_solution_of_an_exercise():
    exercises.register(JUDGE)
    try:
        assert "names the decision" in exercises.solution("t.judge")
    finally:
        exercises._REGISTRY.pop("t.judge")
    assert exercises.solution("ch00.percent_decimal")
    with pytest.raises(KeyError):
        exercises.solution("ch00.nope")


def test_registry():
    assert "ch00.percent_decimal" in exercises.ids()
    assert all(i.startswith("ch00.") for i in exercises.ids("ch00"))
    with pytest.raises(KeyError, match="did you mean 'ch00.percent_decimal'"):
        exercises.check("ch00.percent_decimals", "1")
    with pytest.raises(TypeError, match="must be an Exercise"):
        exercises.register("not an exercise")
    clash = Exercise(id="ch00.percent_decimal", prompt="other", kind="number", answer=1, tolerance=1)
    with pytest.raises(ValueError, match="already registered"):
        exercises.register(clash)
    assert exercises.register(exercises.get("ch00.choose_kpi")) is exercises.get("ch00.choose_kpi")


# --------------------------------------------------------------------------- every registered exercise

ALL_IDS = exercises.ids()


# The chapter files (test_exercises_chNN.py) test only what is particular to a chapter: which exercises
# it has, that the answers follow from its methods and data, and the reasons given for wrong options.


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_registered_exercise_accepts_its_answer_and_rejects_a_wrong_one(exercise_id):
    ex = exercises.get(exercise_id)
    right, wrong = ex.sample_answers()
    assert exercises.check(exercise_id, right).correct, (exercise_id, right)
    fb = exercises.check(exercise_id, wrong)
    assert not fb.correct and fb.message.startswith("✘"), (exercise_id, wrong, fb.message)
    assert ex.prompt and ex.hint, "every exercise needs a prompt and a hint"
    assert ex.explanation or ex.kind == "judgement", "every exercise but a judgement needs an explanation"


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_registered_mistakes_are_reachable(exercise_id):
    """Each listed mistake, typed as a student would, gets exactly its own message."""
    ex = exercises.get(exercise_id)
    if ex.kind == "number":
        assert ex.mistakes, f"{exercise_id}: a number exercise should name at least one typical mistake"
    for mistake in ex.mistakes:
        value = mistake.value() if callable(mistake.value) else mistake.value
        for typed in (repr(float(value)), f"{value:.6f}"):
            fb = ex.check(typed)
            assert not fb.correct and fb.message == f"✘ {mistake.message}", (exercise_id, typed, fb.message)


JUNK = st.one_of(st.text(max_size=40), st.none(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                 st.lists(st.text(max_size=5), max_size=4), st.booleans(), st.binary(max_size=10))


@settings(max_examples=150, deadline=None)
@given(answer=JUNK, index=st.integers(min_value=0, max_value=10_000))
def test_no_answer_makes_check_raise(answer, index):
    exercise_id = ALL_IDS[index % len(ALL_IDS)]
    fb = exercises.check(exercise_id, answer)
    assert isinstance(fb, Feedback) and isinstance(fb.message, str) and fb.message


# --------------------------------------------------------------------------- the widget


def _widget(ex):
    from crmlab import widgets

    exercises.register(ex)
    try:
        return widgets.exercise(ex.id)
    finally:
        exercises._REGISTRY.pop(ex.id)


SOLVED = Exercise(id="t.solved", prompt="Growth as a percent to 1 decimal?", kind="number", answer=0.12, decimals=1,
                  percent=True, hint="growth = (new − old) / old", solution="(2.8 − 2.5) / 2.5 = **0.12**")


def test_solution_opens_after_two_wrong_tries():
    box = _widget(SOLVED)
    assert box.solution_button.layout.display == "none" and box.solution.layout.display == "none"
    box.answer_widget.value = ""
    box.check_button.click()  # an unreadable answer is not a try
    assert box.solution_button.layout.display == "none"
    box.answer_widget.value = "0.5"
    box.check_button.click()
    assert box.solution_button.layout.display is None and box.solution.layout.display == "none"
    box.answer_widget.value = "0.7"
    box.check_button.click()
    assert box.solution.layout.display is None and box.solution_button.layout.display == "none"
    assert box.solution.outputs[0]["data"]["text/markdown"] == SOLVED.solution


def test_solution_on_request_after_one_try():
    box = _widget(SOLVED)
    box.answer_widget.value = "12%"
    box.check_button.click()
    assert "✔" in box.feedback.value and box.solution.layout.display == "none"
    box.solution_button.click()
    assert box.solution.layout.display is None


def test_judgement_widget_compares_with_the_model_answer():
    box = _widget(JUDGE)
    assert box.check_button.description == "Compare with a model answer"
    box.check_button.click()
    assert "Write your answer first" in box.feedback.value and box.solution.layout.display == "none"
    box.answer_widget.value = "Extend it, because retention rose."
    box.check_button.click()
    assert box.solution.layout.display is None
    shown = box.solution.outputs[0]["data"]["text/markdown"]
    assert JUDGE.model_answer in shown and all(point in shown for point in JUDGE.rubric)


def test_widget_output_carries_the_prompt_for_readers_without_a_kernel():
    from crmlab import widgets

    box = widgets.exercise("ch00.choose_kpi")
    bundle = box._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data  # JupyterLab shows the live widget
    ex = exercises.get("ch00.choose_kpi")
    for text in [ex.prompt] + list(ex.choices.values()):
        assert html.escape(text) in data["text/html"] and text in data["text/plain"]
    stack = widgets.exercises("ch00")
    assert all(html.escape(exercises.get(i).prompt) in stack._repr_mimebundle_()["text/html"]
               for i in exercises.ids("ch00"))


def test_the_solution_is_not_in_the_widget_state_before_it_is_shown():
    box = _widget(SOLVED)
    assert box.solution.outputs == ()
    box.answer_widget.value = "0.5"
    box.check_button.click()
    box.solution_button.click()
    assert box.solution.outputs


# --------------------------------------------------------------------------- readable without a kernel

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_static_html_of_a_chapter_shows_every_exercise_prompt(path):
    """``jupyter nbconvert --to html`` (no kernel, no widget state) shows each exercise's prompt and options."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    shown = re.findall(r"""widgets\.exercises?\(\s*["']([\w.]+)["']""",
                       "\n".join(c.source for c in nb.cells if c.cell_type == "code"))
    ids = [i for s in shown for i in ([s] if "." in s else exercises.ids(s))]
    assert ids, f"{path.name} shows no exercise"
    body, _ = HTMLExporter().from_notebook_node(nb)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    missing = [i for i in ids
               if " ".join(exercises.get(i).prompt.split()) not in text
               or any(" ".join(v.split()) not in text for v in exercises.get(i).choices.values())]
    assert not missing, (f"{path.name}: the static HTML lacks the prompt or options of {missing}; re-execute it "
                         f"with python -m crmlab.execute {path.relative_to(path.parents[1])}")


@pytest.mark.parametrize("typed", ["0", "1", "0.1"])
def test_a_number_without_a_significant_digit_of_the_answer_is_not_a_rounding(typed):
    assert "rounded too coarsely" not in KE.check(typed).message


def test_customers_in_log_2499_is_a_count_error_not_a_precision_one():
    fb = exercises.check("ch00.customers_in_log", "2499")
    assert not fb.correct and "must be exact" in fb.message and "decimals" not in fb.message


@pytest.mark.parametrize("typed, words", [("12.3%", "within ±0.05 percentage points"), ("0.123", "within ±0.0005")])
def test_a_tolerance_is_told_in_the_unit_typed(typed, words):
    old_style = Exercise(id="t.old", prompt="p", kind="number", answer=0.12, tolerance=0.0005, percent=True)
    fb = old_style.check(typed)
    assert not fb.correct and words in fb.message, fb.message
