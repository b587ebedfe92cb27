"""Cost per student on a JupyterHub: memory and CPU of a server and kernel per chapter, planner latency.

Starts the loopback hub of the hub test (tests/hub/localhub.py: JupyterHub, configurable-http-proxy,
dummy authenticator, local-process spawner, servers and kernels from this venv) and measures:

* per chapter, one student opening it in a fresh kernel and running it top to bottom over the
  websocket: resident memory (RSS, and USS = memory no other process shares) of the kernel and of
  the single-user server afterwards, and the CPU seconds the kernel and the server spent on it;
* the fixed costs: the server's memory and CPU to start, the kernel's to start (import crmlab);
* the TCO planner, the workbook's heaviest widget: seconds from a slider change (the comm message
  a browser sends) until the kernel has sent the new figure, with 1, 5 and 10 students moving their
  own planners at the same time, back to back with no pause (a worst case: a class dragging sliders
  in unison); p50 and p95 over every move;
* from those, the per-student guarantees and limits for deploy/jupyterhub/config.yaml and a sizing
  table (students -> nodes of a given size).

Run: ``python benchmarks/bench_hub.py`` (about 3-5 minutes on 2 cores); ``--update-readme`` writes the
tables into deploy/jupyterhub/README.md between its ``bench_hub`` markers. Needs the proxy (``make proxy``).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hub"))

import localhub as lh  # noqa: E402

MiB = 2**20
README = ROOT / "deploy" / "jupyterhub" / "README.md"
START, END = "<!-- bench_hub:start -->", "<!-- bench_hub:end -->"
# Node sizes instructors meet on managed Kubernetes (vCPU, GiB): general-purpose 4, 8 and 16 vCPU.
NODES = [(4, 16), (8, 32), (16, 64)]
CLASS_SIZES = [30, 100, 300, 600]
# Kubernetes and the node's own daemons keep part of each node: what is left for students.
NODE_RESERVED_GIB, NODE_RESERVED_CPU = 1.5, 0.3
# A "Run All" of the heaviest chapter by every student on a node at once should end within this time.
RUN_ALL_TARGET_S = 60.0


def _cpu(p) -> float:
    t = p.cpu_times()
    return t.user + t.system


def _mem(p) -> tuple[float, float]:
    info = p.memory_full_info()
    return info.rss / MiB, info.uss / MiB


def percentile(values, q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between order statistics."""
    xs = sorted(values)
    if not xs:
        return math.nan
    k = (len(xs) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def measure_chapters(hub, student, chapters) -> tuple[dict, list[dict]]:
    server, _ = hub.user_processes(student.name)
    fixed = {"server_start_cpu": _cpu(server), "server_idle_rss": _mem(server)[0]}
    rows = []
    for nb_path in chapters:
        path = f"crmlab/notebooks/{nb_path.name}"
        nb = student.read_notebook(path)
        server_cpu0 = _cpu(server)
        kernel = student.open_kernel(path)
        try:
            kernel.execute("pass")
            _, kernels = hub.user_processes(student.name)
            (kproc,) = kernels
            k_start_cpu, k_start_rss = _cpu(kproc), _mem(kproc)[0]
            server_cpu1 = _cpu(server)
            t = time.monotonic()
            kernel.run_notebook(nb, timeout=300)
            wall = time.monotonic() - t
            k_rss, k_uss = _mem(kproc)
            s_rss, s_uss = _mem(server)
            rows.append({"chapter": nb_path.stem, "wall": wall, "kernel_rss": k_rss, "kernel_uss": k_uss,
                         "server_rss": s_rss, "server_uss": s_uss, "kernel_start_cpu": k_start_cpu,
                         "kernel_start_rss": k_start_rss, "kernel_cpu": _cpu(kproc) - k_start_cpu,
                         "server_cpu": _cpu(server) - server_cpu1, "server_open_cpu": server_cpu1 - server_cpu0})
        finally:
            kernel.close()
        print(f"  {nb_path.stem:<28} kernel {rows[-1]['kernel_rss']:5.0f} MiB RSS, server {s_rss:4.0f} MiB; "
              f"CPU {rows[-1]['kernel_cpu']:.1f} s + {rows[-1]['server_cpu']:.1f} s; {wall:.1f} s", flush=True)
    return fixed, rows


def measure_planner(hub, students, levels, moves) -> tuple[dict[int, list[float]], float]:
    """Latencies per level, and the CPU seconds (kernel + server) one move costs."""
    kernels = {}

    def prepare(s):
        k = s.open_kernel("crmlab/notebooks/05_tco_planning.ipynb")
        return s.name, k, lh.open_planner(k)

    with ThreadPoolExecutor(len(students)) as pool:
        for name, k, ids in pool.map(prepare, students):
            kernels[name] = (k, ids)
    results = {}
    cpu, moved = 0.0, 0
    try:
        for level in levels:
            procs = []
            for st in students[:level]:
                server, (kproc,) = hub.user_processes(st.name)
                procs += [server, kproc]
            cpu0 = sum(_cpu(p) for p in procs)
            chosen = [kernels[s.name] for s in students[:level]]
            barrier = threading.Barrier(level)

            def drag(pair, level=level, barrier=barrier):
                k, ids = pair
                barrier.wait(timeout=60)
                seconds = []
                for j in range(moves):
                    value = 800 + 10 * ((j + level) % 50 + 1)  # always a new value: a real change
                    elapsed, svg, _ = k.move(ids["users"], value, ids["image"])
                    assert svg.startswith(lh.SVG)
                    seconds.append(elapsed)
                return seconds

            with ThreadPoolExecutor(level) as pool:
                results[level] = [x for xs in pool.map(drag, chosen) for x in xs]
            cpu += sum(_cpu(p) for p in procs) - cpu0
            moved += level * moves
            xs = results[level]
            print(f"  {level:>2} concurrent: p50 {percentile(xs, 50):.3f} s, p95 {percentile(xs, 95):.3f} s "
                  f"({len(xs)} moves)", flush=True)
    finally:
        for k, _ in kernels.values():
            k.close()
    return results, cpu / moved


def _ceil_to(x: float, step: float) -> float:
    return math.ceil(x / step) * step


def recommend(fixed, rows) -> dict:
    """Per-student guarantee and limit from the measurements (see the README for the reasoning)."""
    heaviest = max(rows, key=lambda r: r["kernel_rss"])
    server = max(r["server_rss"] for r in rows)
    one = server + heaviest["kernel_rss"]
    # Guarantee: the server and one chapter's kernel, rounded up to 128 MiB. Limit: room for three
    # chapters' kernels left open at once (students rarely shut kernels down), rounded up to 256 MiB.
    mem_guarantee = _ceil_to(one * 1.1, 128)
    mem_limit = _ceil_to((server + 3 * heaviest["kernel_rss"]) * 1.1, 256)
    chapter_cpu = max(r["kernel_cpu"] + r["server_cpu"] for r in rows)
    return {"mem_guarantee_mib": mem_guarantee, "mem_limit_mib": mem_limit, "chapter_cpu_s": chapter_cpu,
            "server_rss": server, "kernel_rss": heaviest["kernel_rss"], "heaviest": heaviest["chapter"],
            "cpu_guarantee": 0.1, "cpu_limit": 1.0}


def sizing(rec) -> list[tuple]:
    rows = []
    for cpus, gib in NODES:
        by_mem = int((gib - NODE_RESERVED_GIB) * 1024 // rec["mem_guarantee_mib"])
        by_cpu = int((cpus - NODE_RESERVED_CPU) * RUN_ALL_TARGET_S // rec["chapter_cpu_s"])
        per_node = min(by_mem, by_cpu)
        rows.append((cpus, gib, by_mem, by_cpu, per_node, [math.ceil(n / per_node) for n in CLASS_SIZES]))
    return rows


def markdown(fixed, rows, latency, move_cpu, rec, meta) -> str:
    out = [f"Measured {meta}.", "",
           "**Per chapter** (one student, a fresh kernel per chapter, run top to bottom over the websocket):", "",
           "| chapter | kernel RSS after (MiB) | kernel USS (MiB) | server RSS (MiB) | kernel CPU (s) | "
           "server CPU (s) | wall (s) |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['chapter']} | {r['kernel_rss']:.0f} | {r['kernel_uss']:.0f} | {r['server_rss']:.0f} | "
                   f"{r['kernel_cpu']:.1f} | {r['server_cpu']:.2f} | {r['wall']:.1f} |")
    k_start = statistics.median(r["kernel_start_cpu"] for r in rows)
    k_start_rss = statistics.median(r["kernel_start_rss"] for r in rows)
    out += ["", f"Fixed costs: starting a server takes {fixed['server_start_cpu']:.1f} CPU s and it then holds "
            f"{fixed['server_idle_rss']:.0f} MiB; opening a chapter's kernel takes {k_start:.1f} CPU s and "
            f"{k_start_rss:.0f} MiB before its first cell.", "",
            "**TCO planner**, slider change → new figure received, every student moving their own planner "
            "back to back at the same time:", "",
            "| students moving at once | moves | p50 (s) | p95 (s) |", "|---:|---:|---:|---:|"]
    for level, xs in latency.items():
        out.append(f"| {level} | {len(xs)} | {percentile(xs, 50):.3f} | {percentile(xs, 95):.3f} |")
    out += ["", f"One move costs {move_cpu:.3f} CPU s (kernel + server), whatever the load: on a core of its own a "
            f"move takes about that long, and n students moving at once on c free cores wait about "
            f"n / c × {move_cpu:.2f} s. The latencies above include the machine's other work."]
    out += ["", f"**Per student** (from the heaviest chapter, {rec['heaviest']}: server {rec['server_rss']:.0f} MiB "
            f"+ kernel {rec['kernel_rss']:.0f} MiB): memory guarantee **{rec['mem_guarantee_mib']:.0f} MiB** "
            f"(server + one kernel + 10 %), limit **{rec['mem_limit_mib']:.0f} MiB** (server + three open "
            f"kernels + 10 %); CPU guarantee {rec['cpu_guarantee']} core, limit {rec['cpu_limit']} core; the "
            f"heaviest chapter costs {rec['chapter_cpu_s']:.1f} CPU s (kernel + server).", "",
            f"**Sizing**: students per node = the smaller of what fits by memory guarantee (node memory less "
            f"{NODE_RESERVED_GIB} GiB for Kubernetes) and by CPU (every student on the node pressing *Run All* "
            f"on the heaviest chapter at once finishes within {RUN_ALL_TARGET_S:.0f} s, node less "
            f"{NODE_RESERVED_CPU} core). Add one small node for the hub and proxy.", "",
            "| node (vCPU / GiB) | fit by memory | fit by CPU | students per node | "
            + " | ".join(f"nodes for {n}" for n in CLASS_SIZES) + " |",
            "|---|---:|---:|---:|" + "---:|" * len(CLASS_SIZES)]
    for cpus, gib, by_mem, by_cpu, per_node, nodes in sizing(rec):
        out.append(f"| {cpus} / {gib} | {by_mem} | {by_cpu} | {per_node} | " + " | ".join(map(str, nodes)) + " |")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10, help="students for the planner test (default 10)")
    parser.add_argument("--moves", type=int, default=8, help="planner moves per student and level (default 8)")
    parser.add_argument("--chapters", nargs="*", help="notebook stems to measure (default: every chapter)")
    parser.add_argument("--update-readme", action="store_true", help="write the tables into the deploy README")
    args = parser.parse_args(argv)
    reason = lh.why_no_proxy()
    if reason:
        print(f"bench_hub: {reason}")
        return 1
    chapters = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.chapters:
        chapters = [p for p in chapters if p.stem in args.chapters]
    levels = [n for n in (1, 5, 10) if n <= args.students]
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as tmp:
        tmp = Path(tmp)
        repo = lh.make_course_repo(tmp / "course")
        url = f"file://{repo}"
        with lh.LocalHub(tmp / "hub", timeout=300) as hub:
            print(f"hub on {hub.url}; {len(chapters)} chapters; planner with {levels} students", flush=True)
            first, seconds = lh.arrive(hub, "student00", url, "lab/tree/crmlab/notebooks/00_start_here.ipynb", 300)
            print(f"  student00: login {seconds['login']:.1f} s, spawn {seconds['spawn']:.1f} s, "
                  f"pull {seconds['pull']:.1f} s", flush=True)
            fixed, rows = measure_chapters(hub, first, chapters)
            with ThreadPoolExecutor(args.students) as pool:
                others = list(pool.map(lambda i: lh.arrive(hub, f"student{i:02d}", url,
                                                           "lab/tree/crmlab/notebooks/05_tco_planning.ipynb", 300)[0],
                                       range(1, args.students)))
            latency, move_cpu = measure_planner(hub, [first, *others], levels, args.moves)
    rec = recommend(fixed, rows)
    meta = (f"{time.strftime('%Y-%m-%d', time.gmtime())} by `python benchmarks/bench_hub.py` on {os.cpu_count()} "
            f"cores (load average {load:.1f} at start, shared with other work), Python {platform.python_version()}")
    text = markdown(fixed, rows, latency, move_cpu, rec, meta)
    print("\n" + text)
    if args.update_readme:
        readme = README.read_text(encoding="utf-8")
        head, rest = readme.split(START, 1)
        _, tail = rest.split(END, 1)
        README.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")
        print(f"\nwrote {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
