"""How well data variants protect each question: the share of variants for which the class answer passes.

The "class answer" is what the solutions give on the shipped data (variant 0),
the numbers discussed in class. If it also passes the hidden tests for another
student's variant, copying it earns that student the points: a question whose
class answer passes for 5 % of variants or more is **not protected by variants**
(typically a choice among few labels). :func:`variant_protection` measures it;
``python -m crmlab.grading.protection cases/*.ipynb`` writes the shares to
``cases/variant_protection.json`` (read into every autograder built from the
case, and so into the grade book's ``*_questions.csv``) and into each case's
teaching note.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import sys
import tempfile
from pathlib import Path

import pandas as pd

from crmlab.i18n import gettext as _

__all__ = ["variant_protection", "main"]

_NOTE_START, _NOTE_END = "<!-- crmlab:variant-protection -->", "<!-- /crmlab:variant-protection -->"


@contextlib.contextmanager
def _cwd(path: Path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def variant_protection(case, *, variants: int = 100, seed: int = 0) -> pd.DataFrame:
    """For each autograded question: the share of ``variants`` random variants for which the class answer passes.

    Parameters
    ----------
    case : str or Path
        An instructor's case notebook.
    variants : int
        How many variants (drawn without replacement from 1..VARIANTS, seeded) to try.
    seed : int
        Seed of the draw.

    Returns
    -------
    DataFrame
        Indexed by question: ``passes`` (share, 0..1), ``variants`` (how many
        were tried) and ``protected`` (``passes < 0.05``).
    """
    import nbformat

    from crmlab.grading import autograder as ag
    from crmlab.grading import execute
    from crmlab.grading.gradebook import PROTECTION_LIMIT
    from crmlab.grading.test import run_tests_here
    from crmlab.grading.variants import VARIANTS

    if isinstance(variants, bool) or not isinstance(variants, int) or not 1 <= variants <= VARIANTS:
        raise ValueError(_("variants must be a whole number in 1..{most}; got {variants!r}").format(
            most=VARIANTS, variants=variants))
    case = Path(case).resolve()
    with tempfile.TemporaryDirectory(prefix="crmlab-protection-") as tmp:
        made = ag.student_version(case, Path(tmp) / "dist", run_tests=False, gradescope=False)
        loaded = ag.load(made.autograder, Path(tmp))
        solved = nbformat.read(made.solutions, as_version=4)  # STUDENT_ID = "": the shipped data, variant 0
        run = execute.run(solved, names=loaded.all_names(), support=loaded.files, cell_timeout=120, timeout=600)
        if not run.ok:
            raise RuntimeError(_("the solutions of {case} did not run: {notes}").format(case=case.name,
                                                                                       notes="; ".join(run.notes)))
        draw = random.Random(seed).sample(range(1, VARIANTS + 1), variants)
        passed = {q: 0 for q in loaded.names}
        where = loaded.files if loaded.files.is_dir() else loaded.root
        with _cwd(where):
            for v in draw:
                results = run_tests_here(loaded.tests, run.answers, variant=v, student_id="")
                for q, r in results.items():
                    passed[q] += r["score"] >= r["possible"]
    table = pd.DataFrame({"passes": {q: n / variants for q, n in passed.items()}})
    table.index.name = "question"
    table = table.loc[sorted(table.index, key=ag.natural)]
    table["variants"] = variants
    table["protected"] = table["passes"] < PROTECTION_LIMIT
    return table


def _note_text(table: pd.DataFrame) -> str:
    weak = table[~table["protected"]]
    head = (f"**Variants.** Measured on {int(table['variants'].iloc[0])} random variants: the answer from the shipped "
            "data (variant 0, discussed in class) passes")
    shares = ", ".join(f"{q} {100 * s:.0f} %" for q, s in table["passes"].items())
    if weak.empty:
        verdict = "Every autograded question is protected by variants (< 5 %)."
    else:
        verdict = (f"**Not protected by variants:** {', '.join(weak.index)} (5 % or more): a student who copies "
                   "the class answer often passes them; weigh them accordingly or check them by hand.")
    return f"{_NOTE_START}\n{head} for {shares} of them. {verdict}\n{_NOTE_END}"


def _write_note(case: Path, table: pd.DataFrame) -> None:
    import nbformat

    nb = nbformat.read(case, as_version=4)
    note = next((c for c in nb.cells if "instructor-only" in c.get("metadata", {}).get("tags", [])), None)
    if note is None:
        return
    text = note.source if isinstance(note.source, str) else "".join(note.source)
    text = re.sub(re.escape(_NOTE_START) + r".*?" + re.escape(_NOTE_END), "", text, flags=re.S).rstrip()
    note.source = text + "\n\n" + _note_text(table)
    nbformat.write(nb, case)


def main(argv: list[str] | None = None) -> int:
    """``python -m crmlab.grading.protection CASE.ipynb ... [--variants N]``: measure, record, annotate."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m crmlab.grading.protection", description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="+")
    parser.add_argument("--variants", type=int, default=100)
    parser.add_argument("--no-note", action="store_true", help="do not write the teaching notes")
    args = parser.parse_args(argv)
    for case in map(Path, args.cases):
        table = variant_protection(case, variants=args.variants)
        record = case.parent / "variant_protection.json"
        data = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
        data[case.stem] = {q: round(float(s), 4) for q, s in table["passes"].items()}
        record.write_text(json.dumps(dict(sorted(data.items())), indent=1) + "\n", encoding="utf-8")
        if not args.no_note:
            _write_note(case, table)
        print(f"{case.stem}: " + ", ".join(f"{q} {100 * s:.0f}%" for q, s in table["passes"].items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
