"""Shared behaviour of result objects: a compact HTML view in notebooks.

Results are frozen dataclasses. Each defines ``to_frame()``; this mixin turns
that frame plus a few headline numbers into the HTML a notebook shows, and the
two repr functions give the rounded text form stored in notebook outputs.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from crmlab.i18n import gettext as _
from crmlab.i18n import translate


def format_number(value) -> str:
    """Format a headline number for display.

    >>> format_number(0.123456), format_number(1200), format_number(float("inf"))
    ('0.1235', '1,200', '∞')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        return f"{value:,.4f}"
    return html.escape(str(value))


def one_line_repr(result) -> str:
    """``Name(fact=value, ...)`` from a result's headline numbers (and its ``params``, when it has them).

    Rounded like the HTML view, so the text a notebook stores is the same on every machine.
    """
    facts = dict(result._headline())
    params = getattr(result, "params", None)
    if isinstance(params, pd.Series):
        facts = {**params.to_dict(), **facts}
    return f"{type(result).__name__}({', '.join(f'{k}={format_number(v)}' for k, v in facts.items())})"


def table_repr(result) -> str:
    """``Title: fact = value · ...`` then the rounded ``to_frame()`` table, for results whose table is the point."""
    facts = " · ".join(f"{k} = {format_number(v)}" for k, v in result._headline().items())
    table = result.to_frame().to_string(float_format=lambda x: f"{x:.4f}")
    head = _("{title}: {facts}").format(title=translate(result._title) or type(result).__name__, facts=facts)
    return f"{head}\n{table}"


class ResultMixin:
    """Mixin giving a result ``_repr_html_`` built from ``to_frame()`` and ``_headline()``, and a short repr.

    A result that is a dataclass keeps this ``__repr__`` only with ``@dataclass(repr=False)``, or by
    assigning ``__repr__ = one_line_repr`` (or ``table_repr``) in its body.
    """

    _title: str = ""

    def _headline(self) -> dict:
        """Scalar facts shown above the table; override in each result."""
        return {}

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    def __repr__(self) -> str:
        return one_line_repr(self)

    def _repr_html_(self) -> str:
        title = html.escape(translate(self._title) or type(self).__name__)
        facts = " · ".join(
            f"<b>{html.escape(str(k))}</b> = {format_number(v)}" for k, v in self._headline().items()
        )
        table = self.to_frame().to_html(float_format=lambda x: f"{x:,.4f}", border=0)
        return (
            f"<div class='crmlab-result'><p><b>{title}</b>"
            + (f"<br>{facts}" if facts else "")
            + f"</p>{table}</div>"
        )
