"""How long `import crmlab` takes, beside bare Python and `import pandas` measured in the same run.

Target: `python -c "import crmlab"` under 0.3 s. Each figure is the median of
several fresh interpreters; ratios are to bare interpreter start-up.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 7


def wall(statement: str) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    cases = {
        "python (baseline)": "pass",
        "import pandas": "import pandas",
        "import crmlab": "import crmlab",
        "crmlab.datasets.load('transactions')": "import crmlab.datasets as d; d.load('transactions')",
        "crmlab.exercises.check(...)": "import crmlab.exercises as e; e.check('ch00.percent_decimal', '12%')",
    }
    base = None
    print(f"{'what':<40} {'median s':>9} {'× python':>9}")
    for label, statement in cases.items():
        seconds = wall(statement)
        base = base or seconds
        print(f"{label:<40} {seconds:>9.3f} {seconds / base:>9.1f}")
    print("target: import crmlab < 0.300 s")


if __name__ == "__main__":
    main()
