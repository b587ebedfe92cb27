"""Rebuild every CSV in this folder from crmlab's seeded generators.

Usage::

    python datasets/generate.py            # rewrite the CSVs in place
    python datasets/generate.py --check    # exit 1 if any shipped CSV differs from a fresh build
    python datasets/generate.py --out DIR  # write somewhere else

The files are rebuilt byte-for-byte: same seeds, same rounding, LF line ends.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from crmlab import datagen
from crmlab.datasets import _write, read_csv

HERE = Path(__file__).resolve().parent


def build(name: str) -> bytes:
    buffer = io.StringIO()
    _write(datagen.generate(name), buffer)
    text = buffer.getvalue()
    # Validate what we are about to ship against the data dictionary.
    read_csv(io.StringIO(text), name, label=f"generated {name}")
    return text.encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to (default: this folder)")
    parser.add_argument("--check", action="store_true", help="compare with the shipped files instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for name in sorted(datagen.GENERATORS):
        data = build(name)
        target = (HERE if args.check else args.out) / f"{name}.csv"
        if args.check:
            if not target.exists() or target.read_bytes() != data:
                stale.append(target.name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        rows = data.count(b"\n") - 1
        print(f"wrote {target.name}: {rows} rows")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
