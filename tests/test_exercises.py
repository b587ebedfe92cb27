"""The exercise engine: parsing what students type, every feedback branch, and every registered exercise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab import exercises
from crmlab.exercises import Exercise, Feedback, Mistake
from crmlab.exercises._parse import AnswerError, parse_number, split_items

# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text, value, percent",
    [
        ("12%", 0.12, True), ("0.12", 0.12, False), (" 1,200 ", 1200.0, False), ("¥1,200.50", 1200.5, False),
        ("1200元", 1200.0, False), ("CNY 300", 300.0, False), ("-0.5", -0.5, False), (".5", 0.5, False),
        ("1.2k", 1200.0, False), ("3万", 30000.0, False), ("2 亿", 2e8, False), ("１２％", 0.12, True),
        ("1e3", 1000.0, False), ("+7", 7.0, False), (12, 12.0, False), (0.5, 0.5, False), ("12 %", 0.12, True),
    ],
)
def test_parse_number_accepts_what_students_write(text, value, percent):
    parsed = parse_number(text)
    assert parsed.value == pytest.approx(value)
    assert parsed.percent is percent


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Type an answer first"), ("   ", "Type an answer first"), (None, "Type an answer first"),
        ("abc", "is not a number"), ("12abc", "Could not read"), ("1e999", "too large"),
        (float("nan"), "not a finite number"), (float("inf"), "not a finite number"), ("nan", "not a number"),
        ("0,12", "use a dot for decimals"), ("1,2,3", "several numbers"), (True, "not True or False"),
        ([1, 2], "got list"), ("__import__('os')", "is not a number"), ("1+1", "Could not read"),
    ],
)
def test_parse_number_explains_what_it_cannot_read(text, message):
    with pytest.raises(AnswerError, match=message.replace("(", r"\(")):
        parse_number(text)


def test_split_items():
    assert split_items("A, c; b") == ["A", "c", "b"]
    assert split_items("A C") == ["A", "C"]
    assert split_items("KPI，KBI、KCI") == ["KPI", "KBI", "KCI"]
    assert split_items(None) == []
    assert split_items(("x", "")) == ["x"]


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
        (NUMBER, "0.123", False, "Close, but outside the tolerance"),
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
    with pytest.raises(ValueError, match="kind must be one of 'number', 'choice', 'multi', 'labels'"):
        Exercise(id="x", prompt="p", kind="essay", answer=1)
    with pytest.raises(ValueError, match="needs choices"):
        Exercise(id="x", prompt="p", kind="choice", answer="A")
    with pytest.raises(ValueError, match="tolerance"):
        Exercise(id="x", prompt="p", kind="number", answer=1)
    with pytest.raises(ValueError, match="needs the allowed labels"):
        Exercise(id="x", prompt="p", kind="labels", answer=("a",))


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
    assert ex.prompt and ex.hint and ex.explanation, "every exercise needs a prompt, a hint and an explanation"


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
