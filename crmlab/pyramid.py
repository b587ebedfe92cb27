"""Cross & Lynch's performance pyramid (业绩金字塔) as data: objectives flow down, measures roll up.

Kelvin Cross and Richard Lynch (1988–89, the SMART system) tie a firm's
measures to its strategy in four levels (course 14.1.4):

====== ==================================== ==================================================
level  name                                 criteria
====== ==================================== ==================================================
0      corporate vision (企业愿景)            vision
1      business units (业务单元)             market (市场), financial (财务)
2      business operating systems (经营系统)  customer satisfaction (客户满意度), flexibility (灵活性),
                                            productivity (生产率)
3      departments and work centres         quality (质量), delivery (交付), cycle time (周期时间),
       (部门与工作中心)                        waste (浪费)
====== ==================================== ==================================================

Objectives are set top-down (the vision says what the market and financial
objectives must be, and so on down to the work centres); measures are taken at
the bottom and roll up. In the classic linkage quality and delivery serve
customer satisfaction, delivery and cycle time serve flexibility, cycle time and
waste serve productivity; customer satisfaction and flexibility serve the market
objectives, flexibility and productivity the financial ones.

Conventions
-----------
* Each measure has a target, an actual value, a direction and a weight; its
  **achievement** is the balanced-scorecard ratio (:func:`crmlab.scorecard.achievement`:
  actual/target or target/actual, capped to [0, 1.2]).
* A node's **score** is the weighted mean of its inputs: its own measures and the
  scores of the nodes below it that serve it. Weights are *relative within a
  node* (measure weights and link weights are normalised together there).
  A node with no input has no score (status "no data").
* **Status** uses the scorecard thresholds: ≥ 0.95 on track, ≥ 0.85 at risk,
  otherwise off track.

Examples
--------
>>> pyr = from_frame(example_measures(), objectives=EXAMPLE_OBJECTIVES)
>>> round(pyr.score, 4), pyr.status
(0.9217, 'at risk')
>>> pyr.to_frame().loc[["market", "waste"], ["score", "status"]].round(4)
         score     status
node
market  0.9303    at risk
waste   0.5982  off track
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlab import _checks
from crmlab._checks import columns, fail, number
from crmlab._results import ResultMixin, table_repr
from crmlab.i18n import N_
from crmlab.i18n import gettext as _
from crmlab.scorecard import STATUS_THRESHOLDS, achievement, status

__all__ = [
    "LEVELS",
    "LEVEL_NAMES",
    "NODE_NAMES",
    "cross_lynch",
    "from_frame",
    "Pyramid",
    "example_measures",
    "EXAMPLE_OBJECTIVES",
]

#: The four levels, top to bottom.
LEVELS = ("vision", "business units", "business operating systems", "departments and work centres")
#: Display names of the levels (English and Chinese).
LEVEL_NAMES = {
    0: N_("Corporate vision\n企业愿景"),
    1: N_("Business units\n业务单元"),
    2: N_("Business operating systems\n经营系统"),
    3: N_("Departments & work centres\n部门与工作中心"),
}
#: Chinese names of the classic nodes.
NODE_NAMES = {
    "vision": "愿景",
    "market": "市场",
    "financial": "财务",
    "customer satisfaction": "客户满意度",
    "flexibility": "灵活性",
    "productivity": "生产率",
    "quality": "质量",
    "delivery": "交付",
    "cycle time": "周期时间",
    "waste": "浪费",
}

# node, level, the nodes it serves (Cross & Lynch's classic linkage)
_CLASSIC = (
    ("vision", 0, ()),
    ("market", 1, ("vision",)),
    ("financial", 1, ("vision",)),
    ("customer satisfaction", 2, ("market",)),
    ("flexibility", 2, ("market", "financial")),
    ("productivity", 2, ("financial",)),
    ("quality", 3, ("customer satisfaction",)),
    ("delivery", 3, ("customer satisfaction", "flexibility")),
    ("cycle time", 3, ("flexibility", "productivity")),
    ("waste", 3, ("productivity",)),
)

_GENERIC_OBJECTIVES = {
    "vision": "The corporate vision",
    "market": "Market objectives (share, position)",
    "financial": "Financial objectives (cash flow, profitability)",
    "customer satisfaction": "Meet customers' expectations",
    "flexibility": "Respond to changing customer needs",
    "productivity": "Use resources efficiently",
    "quality": "Deliver what was promised, right first time",
    "delivery": "Deliver on time",
    "cycle time": "Shorten the time from request to result",
    "waste": "Remove work that adds no value",
}


def cross_lynch() -> pd.DataFrame:
    """The classic pyramid structure as a links table: node, level, parent (the node it serves), weight.

    The vision has one row with an empty parent. All link weights are 1 (equal);
    change the ``weight`` column to make one input count more.

    Examples
    --------
    >>> cross_lynch().query("node == 'delivery'")
           node  level                 parent  weight
    8  delivery      3  customer satisfaction     1.0
    9  delivery      3            flexibility     1.0
    """
    rows = []
    for node, level, parents in _CLASSIC:
        for parent in parents or ("",):
            rows.append((node, level, parent, 1.0))
    return pd.DataFrame(rows, columns=["node", "level", "parent", "weight"])


def _structure(structure: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate a links table; return (nodes: level per node in order, links: child, parent, weight)."""
    columns("structure", structure, ["node", "level", "parent"])
    s = structure.reset_index(drop=True).copy()
    if len(s) == 0:
        raise fail("structure", _("at least the vision node"), _("an empty table"))
    s["node"] = s["node"].astype(str).str.strip()
    s["parent"] = s["parent"].fillna("").astype(str).str.strip()
    levels = pd.to_numeric(s["level"], errors="coerce")
    if levels.isna().any() or (levels < 0).any() or (levels % 1 != 0).any():
        row = int(np.flatnonzero((levels.isna() | (levels < 0) | (levels % 1 != 0)).to_numpy())[0])
        raise fail("structure['level']", _("a whole number ≥ 0 in every row (0 = vision)"),
                   s["level"].iloc[row], row=row)
    s["level"] = levels.astype(int)
    if "weight" in s.columns:
        weight = pd.to_numeric(s["weight"], errors="coerce")
        if weight.isna().any() or (weight <= 0).any():
            row = int(np.flatnonzero((weight.isna() | (weight <= 0)).to_numpy())[0])
            raise fail("structure['weight']", _("a positive number in every row"), s["weight"].iloc[row], row=row)
        s["weight"] = weight.astype(float)
    else:
        s["weight"] = 1.0
    node_level = s.groupby("node", sort=False)["level"].agg(["min", "max"])
    clash = node_level.index[node_level["min"] != node_level["max"]]
    if len(clash):
        raise ValueError(_("structure gives node {node!r} two different levels; a node sits on one level").format(
            node=clash[0]))
    nodes = s.drop_duplicates("node")[["node", "level"]].set_index("node")["level"]
    roots = list(nodes.index[nodes == 0])
    if len(roots) != 1:
        raise ValueError(_("structure must have exactly one node at level 0 (the vision); found {roots}").format(
            roots=roots))
    if s.loc[s["level"] == 0, "parent"].ne("").any():
        raise ValueError(_("structure: the vision {vision!r} serves no other node; leave its parent empty").format(
            vision=roots[0]))
    links = s[s["parent"] != ""][["node", "parent", "weight"]].rename(columns={"node": "child"})
    for child, parent in zip(links["child"], links["parent"]):
        if parent not in nodes.index:
            raise ValueError(_("structure: {child!r} serves {parent!r}, which is not a node; nodes are {nodes}").format(
                child=child, parent=parent, nodes=list(nodes.index)))
        if nodes[parent] >= nodes[child]:
            raise ValueError(_("structure: {child!r} (level {child_level}) must sit below {parent!r} "
                               "(level {parent_level}) that it serves").format(
                child=child, child_level=nodes[child], parent=parent, parent_level=nodes[parent]))
    orphans = [n for n in nodes.index if nodes[n] > 0 and n not in set(links["child"])]
    if orphans:
        raise ValueError(_("structure: node(s) {orphans} serve no node above them; give each a parent").format(
            orphans=orphans))
    if links.duplicated(["child", "parent"]).any():
        dup = links[links.duplicated(["child", "parent"])].iloc[0]
        raise ValueError(_("structure links {child!r} to {parent!r} twice").format(child=dup["child"], parent=dup["parent"]))
    return nodes, links.reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class Pyramid(ResultMixin):
    """A scored performance pyramid.

    Attributes
    ----------
    nodes : DataFrame
        One row per node (index ``node``): level, level_name, objective, serves
        (the nodes above it), measures (count), score, status.
    measures : DataFrame
        One row per measure: node, measure, unit, target, actual, direction, weight, achievement, status.
    inputs : DataFrame
        How each node's score is built: node, input, kind ("measure" or "node"),
        share (normalised weight within the node), score, contribution (= share × score).
        The contributions of a node add up to its score.
    cap : float
    thresholds : dict
    """

    nodes: pd.DataFrame
    measures: pd.DataFrame
    inputs: pd.DataFrame = field(repr=False)
    cap: float = 1.2
    thresholds: dict = field(default_factory=lambda: dict(STATUS_THRESHOLDS))

    _title = N_("Performance pyramid")

    __repr__ = table_repr

    @property
    def root(self) -> str:
        """Name of the top node (the vision)."""
        return str(self.nodes.index[self.nodes["level"] == 0][0])

    @property
    def score(self) -> float:
        """Rolled-up score of the vision (1.0 = every target met)."""
        return float(self.nodes.at[self.root, "score"])

    @property
    def status(self) -> str:
        """Status of the vision's score."""
        return str(self.nodes.at[self.root, "status"])

    def _headline(self) -> dict:
        return {_("vision score"): self.score, _("status"): self.status, _("nodes"): len(self.nodes),
                _("measures"): len(self.measures)}

    def to_frame(self) -> pd.DataFrame:
        """The nodes table, top level first."""
        return self.nodes.copy()

    def rollup(self, node: str | None = None) -> pd.DataFrame:
        """The inputs of ``node`` (default: the vision) with their shares and contributions.

        Examples
        --------
        >>> pyr = from_frame(example_measures())
        >>> pyr.rollup()[["input", "share", "score", "contribution"]].round(4)
               input  share   score  contribution
        0     market    0.5  0.9303        0.4652
        1  financial    0.5  0.9130        0.4565
        """
        node = self.root if node is None else node
        if node not in self.nodes.index:
            raise ValueError(_("node {node!r} is not in the pyramid; nodes are {nodes}").format(
                node=node, nodes=list(self.nodes.index)))
        return self.inputs[self.inputs["node"] == node].reset_index(drop=True)

    def weakest(self, k: int = 3) -> pd.DataFrame:
        """The ``k`` measures furthest below target (lowest achievement first)."""
        k = int(number("k", k, low=1))
        return self.measures.sort_values("achievement", kind="stable").head(k).reset_index(drop=True)

    def plot(self, ax=None):
        """Draw the pyramid: one band per level, nodes coloured by status, with their scores."""
        from crmlab.plots.evaluation import pyramid_plot

        return pyramid_plot(self, ax=ax)


def from_frame(measures: pd.DataFrame, structure: pd.DataFrame | None = None, objectives: Mapping | None = None,
               cap: float = 1.2, thresholds: Mapping | None = None) -> Pyramid:
    """Build and score a performance pyramid from a table of measures.

    Parameters
    ----------
    measures : DataFrame
        One row per measure with columns ``node`` (the pyramid node it measures,
        e.g. "quality" or "financial"), ``measure``, ``target``, ``actual``,
        ``direction`` ("higher"/"lower") and optionally ``weight`` (relative
        within the node; default 1) and ``unit``.
    structure : DataFrame, optional
        The links table (node, level, parent, optional weight); default
        :func:`cross_lynch`, the classic four-level pyramid.
    objectives : mapping, optional
        Node → its objective, flowing down from the vision (default: generic
        Cross & Lynch objectives).
    cap : float
        Cap of one measure's achievement (default 1.2).
    thresholds : mapping, optional
        Status thresholds (default :data:`crmlab.scorecard.STATUS_THRESHOLDS`).

    Returns
    -------
    Pyramid

    Raises
    ------
    ValueError
        Missing columns, a measure on an unknown node (the nodes are listed), a
        bad direction, a target ≤ 0, a negative weight, or a malformed structure.
    """
    columns("measures", measures, ["node", "measure", "target", "actual", "direction"])
    cap = number("cap", cap, low=1)
    thresholds = dict(STATUS_THRESHOLDS if thresholds is None else _checks.mapping(
        "thresholds", thresholds, "a mapping with keys 'on track' and 'at risk'"))
    status(1.0, thresholds)
    objectives = _checks.mapping("objectives", objectives, _("a mapping {node: objective text}"))
    if len(measures) == 0:
        raise fail("measures", _("at least one measure (row)"), _("an empty table"))
    nodes, links = _structure(cross_lynch() if structure is None else structure)
    m = measures.reset_index(drop=True).copy()
    if m["node"].isna().any():
        row = int(np.flatnonzero(m["node"].isna().to_numpy())[0])
        raise fail("measures['node']", _("a node in every row"), m["node"].iloc[row], row=row)
    m["node"] = m["node"].astype(str).str.strip()
    unknown = [n for n in pd.unique(m["node"]) if n not in nodes.index]
    if unknown:
        raise ValueError(_("measures name node(s) {unknown} that are not in the pyramid; nodes are {nodes}").format(
            unknown=unknown, nodes=list(nodes.index)))
    if "weight" not in m.columns:
        m["weight"] = 1.0
    if "unit" not in m.columns:
        m["unit"] = ""
    for col in ("target", "actual", "weight"):
        _checks.numeric_column("measures", m, col, missing=True)  # no text, True/False or infinity
        values = pd.to_numeric(m[col], errors="coerce")
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise fail(f"measures[{col!r}]", _("a number in every row"), m[col].iloc[row], row=row)
        m[col] = values.astype(float)
    if (m["weight"] < 0).any():
        row = int(np.flatnonzero((m["weight"] < 0).to_numpy())[0])
        raise fail("measures['weight']", _("non-negative"), m["weight"].iloc[row], row=row)
    m["direction"] = m["direction"].astype(str).str.strip().str.lower()
    bad = ~m["direction"].isin(("higher", "lower"))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(_("direction {direction!r} in row {row} must be 'higher' or 'lower'").format(
            direction=measures["direction"].iloc[row], row=row))
    zero = m["target"] <= 0
    if zero.any():
        row = int(np.flatnonzero(zero.to_numpy())[0])
        raise ValueError(_("target of {measure!r} (row {row}) is {target:g}; "
                           "targets must be > 0 because achievement is a ratio to the target").format(
            measure=m["measure"].iloc[row], row=row, target=m["target"].iloc[row]))
    m["achievement"] = achievement(m["target"].to_numpy(), m["actual"].to_numpy(), m["direction"].to_numpy(), cap)
    m["status"] = status(m["achievement"].to_numpy(), thresholds)

    scores: dict[str, float] = {}
    input_rows = []
    # Bottom-up: a node's score needs the scores of every node that serves it.
    for node in sorted(nodes.index, key=lambda n: -nodes[n]):
        own = m[m["node"] == node]
        kids = links[links["parent"] == node]
        parts = [(r.measure, "measure", r.weight, r.achievement) for r in own.itertuples()]
        parts += [(r.child, "node", r.weight, scores[r.child]) for r in kids.itertuples()]
        parts = [p for p in parts if not np.isnan(p[3]) and p[2] > 0]
        total = sum(p[2] for p in parts)
        if total > 0:
            scores[node] = float(sum(p[2] * p[3] for p in parts) / total)
            input_rows += [(node, name, kind, w / total, s, w / total * s) for name, kind, w, s in parts]
        else:
            scores[node] = float("nan")
    objectives = {**_GENERIC_OBJECTIVES, **(dict(objectives) if objectives else {})}
    order = sorted(nodes.index, key=lambda n: (nodes[n], list(nodes.index).index(n)))
    serves = links.groupby("child", sort=False)["parent"].agg(lambda s: ", ".join(s))
    table = pd.DataFrame({
        "level": [int(nodes[n]) for n in order],
        "level_name": [LEVEL_NAMES.get(int(nodes[n]), f"level {nodes[n]}").replace("\n", " ") for n in order],
        "objective": [objectives.get(n, "") for n in order],
        "serves": [serves.get(n, "") for n in order],
        "measures": [int((m["node"] == n).sum()) for n in order],
        "score": [scores[n] for n in order],
    }, index=pd.Index(order, name="node"))
    table["status"] = status(table["score"].to_numpy(), thresholds)
    keep = ["node", "measure", "unit", "target", "actual", "direction", "weight", "achievement", "status"]
    inputs = pd.DataFrame(input_rows, columns=["node", "input", "kind", "share", "score", "contribution"])
    return Pyramid(nodes=table, measures=m[keep + [c for c in m.columns if c not in keep]], inputs=inputs,
                   cap=cap, thresholds=thresholds)


#: Objectives of the example: a telecom operator's CRM programme for group (business) customers.
EXAMPLE_OBJECTIVES = {
    "vision": "Be group customers' first-choice telecom partner",
    "market": "Win a larger share of group customers' spending",
    "financial": "Grow profitable revenue from group customers",
    "customer satisfaction": "Key accounts rate our service above competitors'",
    "flexibility": "Tailor offers to each group customer quickly",
    "productivity": "Serve more accounts per account manager at lower cost",
    "quality": "Resolve requests right the first time",
    "delivery": "Provision orders on the promised date",
    "cycle time": "Shorten complaint and order lead times",
    "waste": "Keep customer data clean and licences in use",
}


def example_measures() -> pd.DataFrame:
    """Illustrative measures for the pyramid of a telecom operator's group-customer CRM programme.

    Numbers are invented but realistic (shares as decimals, times in hours or
    days, money in CNY); use them with :data:`EXAMPLE_OBJECTIVES`.
    """
    rows = [
        ("market", "Group-customer market share", "share", 0.35, 0.33, "higher", 1.0),
        ("market", "Share of wallet of key accounts", "share", 0.50, 0.46, "higher", 1.0),
        ("financial", "Group-customer revenue growth", "share", 0.08, 0.085, "higher", 1.0),
        ("financial", "CRM programme ROI", "share", 0.25, 0.21, "higher", 1.0),
        ("customer satisfaction", "Key-account satisfaction (top-2 box)", "share", 0.85, 0.82, "higher", 1.0),
        ("customer satisfaction", "Key-account retention rate", "share", 0.92, 0.93, "higher", 1.0),
        ("flexibility", "Days to launch a tailored offer", "days", 10.0, 12.0, "lower", 1.0),
        ("flexibility", "Requests met with a custom solution", "share", 0.70, 0.66, "higher", 1.0),
        ("productivity", "Revenue per account manager", "10k CNY", 420.0, 400.0, "higher", 1.0),
        ("productivity", "Cost to serve per account", "CNY", 1800.0, 1900.0, "lower", 1.0),
        ("quality", "First-contact resolution rate", "share", 0.75, 0.70, "higher", 1.0),
        ("quality", "Billing error rate", "share", 0.005, 0.006, "lower", 1.0),
        ("delivery", "Orders provisioned on time", "share", 0.95, 0.91, "higher", 1.0),
        ("cycle time", "Complaint resolution time", "hours", 24.0, 28.0, "lower", 1.0),
        ("cycle time", "Order-to-activation time", "days", 5.0, 5.5, "lower", 1.0),
        ("waste", "Duplicate customer records", "share", 0.02, 0.035, "lower", 1.0),
        ("waste", "Unused CRM licences", "share", 0.05, 0.08, "lower", 1.0),
    ]
    return pd.DataFrame(rows, columns=["node", "measure", "unit", "target", "actual", "direction", "weight"])
