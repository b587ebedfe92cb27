"""Timing shared by the benchmark scripts (imported as ``_timing``: each script's folder is on sys.path)."""

from __future__ import annotations

import time


def best_of(func, repeat: int = 3) -> tuple[float, object]:
    """The fastest of ``repeat`` calls of ``func`` in seconds, and what the last call returned.

    The minimum, not the mean: on a shared machine, noise only ever adds time.
    """
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - start)
    return min(times), out
