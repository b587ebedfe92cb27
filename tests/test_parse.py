"""Reading what students type: every form of a number, table-driven, and what is refused and why."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab.exercises._parse import AnswerError, normalise, parse_number, split_items

# (typed, value, written with %, multiplier, decimals typed)
ACCEPTED = [
    # plain numbers, signs and decimals
    ("0.12", 0.12, False, 1.0, 2), (".5", 0.5, False, 1.0, 1), ("+7", 7.0, False, 1.0, 0),
    ("-0.5", -0.5, False, 1.0, 1), ("1e3", 1000.0, False, 1.0, -3), ("1.2e6", 1.2e6, False, 1.0, -5),
    ("3E-4", 3e-4, False, 1.0, 4), (12, 12.0, False, 1.0, 0), (0.5, 0.5, False, 1.0, None),
    # every dash is a minus
    ("−3,778,719", -3778719.0, False, 1.0, 0),  # U+2212 minus sign, as the prompts print it
    ("–5", -5.0, False, 1.0, 0), ("—5", -5.0, False, 1.0, 0), ("‒5", -5.0, False, 1.0, 0),
    ("﹣5", -5.0, False, 1.0, 0), ("－5", -5.0, False, 1.0, 0), ("‐5", -5.0, False, 1.0, 0),
    ("−0.36", -0.36, False, 1.0, 2),
    # accounting negatives
    ("(3,778,719)", -3778719.0, False, 1.0, 0), ("(1,234.50)", -1234.5, False, 1.0, 2),
    ("¥(1,234)", -1234.0, False, 1.0, 0), ("(12%)", -0.12, True, 1.0, 0), ("( 508.2m )", -508.2e6, False, 1e6, 1),
    # thousands separators and spaces
    (" 1,200 ", 1200.0, False, 1.0, 0), ("1 234 567", 1234567.0, False, 1.0, 0), ("1\u202f234", 1234.0, False, 1.0, 0),
    ("39,896,406", 39896406.0, False, 1.0, 0),
    # currency before or after
    ("¥1,200.50", 1200.5, False, 1.0, 2), ("1200元", 1200.0, False, 1.0, 0), ("CNY 300", 300.0, False, 1.0, 0),
    ("-¥1,200", -1200.0, False, 1.0, 0), ("RMB 5", 5.0, False, 1.0, 0), ("300 yuan", 300.0, False, 1.0, 0),
    # multipliers, with spaces, any case
    ("1.2k", 1200.0, False, 1e3, 1), ("1.2 K", 1200.0, False, 1e3, 1), ("3 thousand", 3000.0, False, 1e3, 0),
    ("22.0m", 22e6, False, 1e6, 1), ("22.01 million", 22.01e6, False, 1e6, 2), ("22.01 Million", 22.01e6, False, 1e6, 2),
    ("22.01MILLION", 22.01e6, False, 1e6, 2), ("3 mn", 3e6, False, 1e6, 0), ("3 Mn", 3e6, False, 1e6, 0),
    ("-508.2m", -508.2e6, False, 1e6, 1), ("−508.2 m", -508.2e6, False, 1e6, 1),
    ("508.2 million CNY", 508.2e6, False, 1e6, 1), ("2bn", 2e9, False, 1e9, 0), ("2 BN", 2e9, False, 1e9, 0),
    ("1.5 billion", 1.5e9, False, 1e9, 1), ("3万", 30000.0, False, 1e4, 0), ("1.2 万", 12000.0, False, 1e4, 1),
    ("2 亿", 2e8, False, 1e8, 0), ("5.082亿", 5.082e8, False, 1e8, 3), ("CNY 5.08亿", 5.08e8, False, 1e8, 2),
    ("5.082亿元", 5.082e8, False, 1e8, 3), ("3百万", 3e6, False, 1e6, 0),
    # percentages
    ("12%", 0.12, True, 1.0, 0), ("12 %", 0.12, True, 1.0, 0), ("12.5%", 0.125, True, 1.0, 1),
    ("-36%", -0.36, True, 1.0, 0), ("12pct", 0.12, True, 1.0, 0),
    # full-width characters of Chinese input methods
    ("１２％", 0.12, True, 1.0, 0), ("０．５", 0.5, False, 1.0, 1), ("１，２００", 1200.0, False, 1.0, 0),
    ("－３，７７８，７１９", -3778719.0, False, 1.0, 0), ("（１２３）", -123.0, False, 1.0, 0),
]


@pytest.mark.parametrize("typed, value, percent, multiplier, decimals", ACCEPTED, ids=[repr(r[0]) for r in ACCEPTED])
def test_parse_number_accepts_what_students_write(typed, value, percent, multiplier, decimals):
    parsed = parse_number(typed)
    assert parsed.value == pytest.approx(value, rel=1e-12)
    assert parsed.percent is percent
    assert parsed.multiplier == multiplier
    assert parsed.decimals == decimals


REFUSED = [
    ("", "Type an answer first"), ("   ", "Type an answer first"), (None, "Type an answer first"),
    ("abc", "is not a number"), ("12abc", "Could not read"), ("1e999", "too large"),
    (float("nan"), "not a finite number"), (float("inf"), "not a finite number"), ("nan", "not a number"),
    ("0,12", "use a dot for decimals"), ("1,2,3", "several numbers"), ("1 2", "several numbers"),
    (True, "not True or False"), ([1, 2], "got list"), (b"12", "got bytes"),
    ("__import__('os')", "is not a number"), ("1+1", "Could not read"), ("10**400", "Could not read"),
    (10 ** 400, "401 digits is too large"), (-(10 ** 400), "too large"), ("--5", "two signs"),
    ("(-5)", "two signs"), ("-(5)", "two minus signs"), ("5mm", "two multipliers"), ("12%%", "two percent"),
    ("m", "is not a number"), ("1" * 100, "too long"),
]


@pytest.mark.parametrize("typed, message", REFUSED, ids=[repr(r[0])[:30] for r in REFUSED])
def test_parse_number_explains_what_it_cannot_read(typed, message):
    with pytest.raises(AnswerError, match=message.replace("(", r"\(")):
        parse_number(typed)


def test_resolution_is_the_step_of_the_last_digit_typed():
    assert parse_number("1.25m").resolution == pytest.approx(1e4)
    assert parse_number("12.5%").resolution == pytest.approx(0.001)
    assert parse_number("2500").resolution == 1.0
    assert parse_number(0.25).resolution is None  # a float's precision is unknown


@pytest.mark.parametrize("text, folded", [("  １２％ ", "12%"), ("−5", "-5"), ("–5", "-5"), ("﹣5", "-5"),
                                          ("ＡＢＣ", "ABC")])
def test_normalise(text, folded):
    assert normalise(text) == folded


def test_split_items():
    assert split_items("A, c; b") == ["A", "c", "b"]
    assert split_items("A C") == ["A", "C"]
    assert split_items("KPI，KBI、KCI") == ["KPI", "KBI", "KCI"]
    assert split_items(None) == []
    assert split_items(("x", "")) == ["x"]
    assert split_items(b"A, B") == ["A", "B"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.binary(max_size=8), st.none()))
def test_parse_number_raises_only_answer_errors(answer):
    try:
        parse_number(answer)
    except AnswerError as exc:
        assert str(exc)
