"""Step 4 of grading: the grade report of one submission, the grade book of a class, LMS exports, feedback files.

Every question of the case is a column, hand-graded ones empty for the
instructor to fill in; ``possible`` is the case's full total. Feedback for
students holds only the tests' own messages (see :mod:`crmlab.grading.test`);
the notes, which may quote the student's own error messages, go to the
instructor's grade book only.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from crmlab._results import ResultMixin
from crmlab.i18n import gettext as _

__all__ = ["GradeReport", "feedback_line", "gradebook", "write_outputs", "lms_export", "LMS_FORMATS",
           "PROTECTION_LIMIT"]

PROTECTION_LIMIT = 0.05
"""A question whose class answer passes for this share of variants or more is "not protected by variants"."""

LMS_FORMATS = ("canvas", "moodle")
FIXED = ("submission", "case", "student_id", "variant", "total", "possible", "percent", "notes")


def feedback_line(cases: list[dict]) -> str:
    """One line per question: the public tests' complaints first (e.g. a blank answer), else the hidden ones'.

    >>> feedback_line([{"hidden": True, "passed": False, "message": "npv is too low"}])
    '✘ npv is too low'
    """
    failed = [c for c in cases if not c["passed"]]
    if not failed:
        return "✔ correct"
    public = [c for c in failed if not c.get("hidden")]
    messages = [str(c.get("message") or "the answer is not right") for c in (public or failed)]
    return "✘ " + "; ".join(dict.fromkeys(messages))


@dataclass(frozen=True)
class GradeReport(ResultMixin):
    """The grade of one submission: points per question, feedback, and what happened while running it.

    ``questions`` is indexed by question with columns ``points`` (NaN for a
    hand-graded question), ``possible``, ``passed``, ``manual`` and
    ``feedback``. ``notes`` lists what the grader saw (a cell stopped at the
    time limit, a worker killed, a student number that does not match).
    """

    submission: str
    case: str
    student_id: str
    variant: int
    questions: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()
    sandboxed: bool = False
    digests: dict = field(default_factory=dict, repr=False, compare=False)

    _title = "Grade report"

    @property
    def total(self) -> float:
        return float(pd.to_numeric(self.questions["points"], errors="coerce").fillna(0).sum())

    @property
    def possible(self) -> float:
        return float(self.questions["possible"].sum()) if len(self.questions) else 0.0

    def _headline(self) -> dict:
        return {"student": self.student_id or "(none)", "variant": self.variant,
                "total": f"{self.total:g} / {self.possible:g}"}

    def to_frame(self) -> pd.DataFrame:
        """Points, possible points, passed and feedback per question."""
        return self.questions.copy()

    def row(self) -> dict:
        """One row of a grade book: identification, points per question (hand-graded empty), total and notes."""
        out = {"submission": self.submission, "case": self.case, "student_id": self.student_id,
               "variant": self.variant}
        for q, r in self.questions.iterrows():
            out[q] = None if r.get("manual") else float(r["points"])
        out.update({"total": self.total, "possible": self.possible,
                    "percent": round(100 * self.total / self.possible, 1) if self.possible else 0.0,
                    "notes": " | ".join(self.notes)})
        return out

    def feedback_text(self) -> str:
        """What the student gets back: points and the tests' messages per question, no grader notes."""
        lines = [f"{self.case} - student {self.student_id or '(none)'}", ""]
        for q, r in self.questions.iterrows():
            if r.get("manual"):
                lines.append(f"{q}: graded by hand (of {r['possible']:g} points)")
            else:
                lines.append(f"{q}: {r['points']:g} / {r['possible']:g}  {r['feedback']}")
        auto = self.questions.loc[~self.questions["manual"].astype(bool), "possible"].sum() if len(self.questions) else 0
        lines += ["", f"autograded: {self.total:g} / {auto:g} (the hand-graded questions come later)"]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        who = f"student {self.student_id}" if self.student_id else "no student number"
        lines = [f"{self.case} - {self.submission} ({who}, data variant {self.variant})"]
        width = max([len("question"), *map(len, self.questions.index)])
        lines.append(f"{'question':<{width}}  points  feedback")
        for q, r in self.questions.iterrows():
            got = "  -" if r.get("manual") else f"{r['points']:>3g}"
            lines.append(f"{q:<{width}}  {got}/{r['possible']:<3g} {r['feedback']}")
        lines.append(f"{'total':<{width}}  {self.total:g} / {self.possible:g}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (f"<div class='crmlab-result'><p><b>{html.escape(self.case)}</b> · "
                f"{html.escape(self.submission)} · student {html.escape(self.student_id or '(none)')} · "
                f"variant {self.variant} · <b>{self.total:g} / {self.possible:g}</b></p>"
                + self.questions.to_html(border=0) + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


def _flag(frame: pd.DataFrame, i, text: str) -> None:
    old = frame.at[i, "notes"]
    frame.at[i, "notes"] = f"{old} | {text}" if isinstance(old, str) and old else text


def gradebook(reports: list[GradeReport], questions: pd.DataFrame | None = None, roster=None) -> pd.DataFrame:
    """The class's grade book: one row per submission (and per roster student who submitted nothing)."""
    from crmlab.grading.autograder import natural

    rows = [r.row() for r in reports]
    frame = pd.DataFrame(rows)
    qcols: list[str] = []
    if questions is not None and len(questions):
        qcols = list(questions.index)
    for r in reports:
        qcols += [q for q in r.questions.index if q not in qcols]
    if not qcols and not frame.empty:
        qcols = sorted([c for c in frame.columns if c not in FIXED], key=natural)
    columns = ["submission", "case", "student_id", "variant", *qcols, "total", "possible", "percent", "notes"]
    if frame.empty:
        frame = pd.DataFrame(columns=columns)
    for c in columns:
        if c not in frame.columns:
            frame[c] = None
    frame = frame[columns]
    frame["notes"] = frame["notes"].fillna("").astype(object)
    if frame.empty:
        return frame
    # the same student number on two submissions
    ids = frame["student_id"].fillna("").astype(str).str.strip().str.casefold()
    dup = ids.duplicated(keep=False) & (ids != "")
    for i in frame.index[dup]:
        others = frame.loc[dup & (ids == ids[i]) & (frame.index != i), "submission"].tolist()
        _flag(frame, i, f"student number also used by {', '.join(others)}")
    # identical answers to questions that variants protect, across students with different variants
    protected = set(qcols)
    if questions is not None and "protection" in questions:
        protected = {q for q, s in questions["protection"].items()
                     if s is None or (isinstance(s, float) and math.isnan(s)) or s < PROTECTION_LIMIT}
    by_key: dict = {}
    for i, report in zip(frame.index, reports):
        for q, d in report.digests.items():
            if q in protected and d:
                by_key.setdefault((q, d), []).append(i)
    pairs: dict = {}
    for (q, _), members in by_key.items():
        for i in members:
            for j in members:
                if i != j and frame.at[i, "variant"] != frame.at[j, "variant"]:
                    pairs.setdefault((i, j), []).append(q)
    for (i, j), qs in sorted(pairs.items()):
        _flag(frame, i, f"answers to {', '.join(sorted(qs, key=natural))} identical to {frame.at[j, 'submission']} "
                        "(another variant): check for copying")
    if roster is not None:
        from crmlab.grading.variants import normalise_id

        present = set(ids)
        missing = [sid for sid in roster.ids if normalise_id(sid) not in present]
        extra = pd.DataFrame([{"submission": "", "case": frame["case"].iloc[0], "student_id": sid, "variant": None,
                               "total": None, "possible": frame["possible"].max(), "percent": None,
                               "notes": "on the roster, but no submission"} for sid in missing], columns=columns)
        frame = pd.concat([frame, extra], ignore_index=True) if len(extra) else frame
    return frame


def _questions_table(questions: pd.DataFrame) -> pd.DataFrame:
    table = questions.copy()
    share = table["protection"] if "protection" in table else pd.Series(None, index=table.index)

    def verdict(q):
        if table.loc[q, "manual"]:
            return "graded by hand"
        s = share.get(q)
        if s is None or (isinstance(s, float) and math.isnan(s)):
            return "not measured"
        return "not protected by variants" if s >= PROTECTION_LIMIT else "protected by variants"

    table["class_answer_passes"] = share
    table["variants"] = [verdict(q) for q in table.index]
    return table[["points", "manual", "class_answer_passes", "variants"]]


def write_outputs(frame: pd.DataFrame, reports: list[GradeReport], out: Path, questions: pd.DataFrame | None,
                  roster=None, lms=()) -> dict:
    """Write the grade book and what goes with it; returns the paths written by kind."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, lineterminator="\n")
    written = {"grades": out}
    feedback = [{"submission": r.submission, "student_id": r.student_id, "question": q,
                 "points": None if row.get("manual") else row["points"], "possible": row["possible"],
                 "feedback": row["feedback"]}
                for r in reports for q, row in r.questions.iterrows()]
    fb = out.with_name(out.stem + "_feedback.csv")
    pd.DataFrame(feedback, columns=["submission", "student_id", "question", "points", "possible", "feedback"]).to_csv(
        fb, index=False, lineterminator="\n")
    written["feedback"] = fb
    folder = out.parent / f"{out.stem}_feedback"
    folder.mkdir(exist_ok=True)
    from crmlab.grading.autograder import safe_name

    used: set[str] = set()
    for r in reports:
        base = safe_name(r.student_id) if r.student_id else safe_name(Path(r.submission).stem)
        name, k = base, 2
        while name in used:
            name, k = f"{base}-{k}", k + 1
        used.add(name)
        (folder / f"{name}.txt").write_text(r.feedback_text(), encoding="utf-8")
    written["feedback_files"] = folder
    if questions is not None and len(questions):
        qpath = out.with_name(out.stem + "_questions.csv")
        _questions_table(questions).to_csv(qpath, lineterminator="\n")
        written["questions"] = qpath
    for fmt in lms:
        written[fmt] = lms_export(out, fmt, roster=roster, questions=questions)
    return written


def lms_export(grades, fmt: str, *, roster=None, questions: pd.DataFrame | None = None, out=None) -> Path:
    """Write a grade book as a CSV an LMS imports; totals recomputed, so hand-graded columns you filled count.

    Parameters
    ----------
    grades : str or Path
        A ``grades.csv`` written by :func:`crmlab.instructor.grade_folder`
        (hand-graded columns may be filled in since).
    fmt : {"canvas", "moodle"}
        ``"canvas"``: Canvas's grade import columns ``Student, ID, SIS User ID,
        SIS Login ID, Section``, a ``Points Possible`` row and one assignment
        column. ``"moodle"``: ``ID number``, ``Email address`` and the grade
        item; map them in Moodle's *Import grades → CSV file*.
    roster : optional
        The roster (:func:`crmlab.grading.variants.read_roster`): names,
        emails, logins, sections and Canvas ids are taken from it.
    out : str or Path, optional
        Default ``<grades>_<fmt>.csv``.

    A student with several submissions (flagged in the grade book) gets one
    row: the best of their grades.
    """
    if fmt not in LMS_FORMATS:
        raise ValueError(_("fmt must be one of {formats}; got {fmt!r}").format(formats=", ".join(LMS_FORMATS), fmt=fmt))
    grades = Path(grades)
    frame = pd.read_csv(grades, dtype={"student_id": str})
    fixed = set(FIXED)
    qcols = [c for c in frame.columns if c not in fixed]
    case = str(frame["case"].dropna().iloc[0]) if frame["case"].notna().any() else "case"
    out = Path(out) if out is not None else grades.with_name(f"{grades.stem}_{fmt}.csv")
    rows = []
    possible = float(frame["possible"].max()) if frame["possible"].notna().any() else 0.0
    points = frame[qcols].apply(pd.to_numeric, errors="coerce")
    frame = frame.assign(_score=points.fillna(0).sum(axis=1).where(points.notna().any(axis=1)),
                         _sid=frame["student_id"].fillna("").astype(str).str.strip())
    frame = frame[frame["_sid"] != ""]
    best = frame.assign(_key=frame["_sid"].str.casefold()).sort_values("_score", ascending=False, na_position="last")
    best = best.drop_duplicates("_key").sort_index()
    for _index, r in best.iterrows():
        sid = r["_sid"]
        score = "" if pd.isna(r["_score"]) else f"{r['_score']:g}"
        info = (lambda col, s=sid: roster.get(s, col) if roster is not None else "")
        if fmt == "canvas":
            rows.append({"Student": info("name") or sid, "ID": info("canvas_id"), "SIS User ID": sid,
                         "SIS Login ID": info("login"), "Section": info("section"), f"{case} ({possible:g} points)": score})
        else:
            rows.append({"ID number": sid, "Email address": info("email"), case: score})
    columns = (["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{case} ({possible:g} points)"]
               if fmt == "canvas" else ["ID number", "Email address", case])
    table = pd.DataFrame(rows, columns=columns)
    if fmt == "canvas":  # Canvas reads an optional second row with each column's points possible
        head = pd.DataFrame([{c: "" for c in columns} | {"Student": "Points Possible", columns[-1]: f"{possible:g}"}])
        table = pd.concat([head, table], ignore_index=True)
    table.to_csv(out, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return out
