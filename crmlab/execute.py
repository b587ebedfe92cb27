"""Execute notebooks in place, reproducibly, so they can be committed with their outputs.

``python -m crmlab.execute notebooks/*.ipynb`` (or ``make notebooks``) runs each
notebook top to bottom in a fresh kernel from the current environment, with
its own folder as working directory and a per-cell timeout, and saves it
without timing metadata so a re-run that changes nothing changes no bytes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = ["execute_notebook", "main"]


def execute_notebook(path, timeout: int = 300, kernel_name: str = "python3") -> float:
    """Run the notebook at ``path`` in place; return the seconds it took.

    A cell that raises stops the run with ``nbclient``'s CellExecutionError,
    naming the cell, unless the cell is tagged ``raises-exception``.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent.resolve())}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    # Kernel details differ between machines; keep the notebook's metadata stable.
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Execute notebooks in place (outputs kept, no timing metadata).")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=300, help="seconds allowed per cell (default 300)")
    args = parser.parse_args(argv)
    for nb in args.notebooks:
        seconds = execute_notebook(nb, timeout=args.timeout)
        print(f"{nb}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
