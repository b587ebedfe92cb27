"""Step 1 of grading: run a submission in its own scratch copy, in a separate process, sandboxed where possible.

:func:`run` copies the notebook (and the case's data files) into a fresh
scratch folder and starts a worker process there, under bubblewrap
(``bwrap``, Debian's ``bubblewrap``) when it is installed and works:

* no network (``--unshare-net``), own process tree (``--unshare-pid``: a
  process the student leaves running dies with the sandbox);
* a read-only file system holding only the system, Python, its packages and
  crmlab's own code and data: not the grade folder, other submissions, the
  cases' solutions, the autograder cache or the course key;
* a private ``/tmp``; the scratch copy is the only place it can write;
* no capabilities, limited address space (memory) and file size.

The worker executes the notebook cell by cell in a Jupyter kernel with a
time limit per cell (interrupt, then carry on), after the kernel has imported
the libraries every case starts with (so the limit times the student's code,
not imports on a busy machine; no name is bound); a cell that kills the kernel
or ignores the interrupt is replaced by an error and the notebook run again
(at most ``max_restarts`` times). It keeps no outputs (a student printing
200 MB costs nothing) except error names, then runs :data:`.extract.ENCODER`
to write the answers. The grader reads that file only if the worker exited
normally within ``timeout`` seconds; the worker's notes are advisory text.
Without bwrap the same worker runs unsandboxed, and the report says so.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from crmlab._launch import SKIP_SLOW_IMPORT, python_command

__all__ = ["Execution", "run", "sandbox_available", "UNSANDBOXED_NOTE"]

UNSANDBOXED_NOTE = ("ran UNSANDBOXED (bubblewrap not available): the student's code could read and write "
                    "whatever the grader can")
SANDBOX_ENV = "CRMLAB_SANDBOX"  # "off" forces the unsandboxed path (to test it); nothing else reads it

_MEMORY = 3 * 1024**3  # address space per process in the sandbox (bytes)
_FILE_SIZE = 512 * 1024**2  # largest file the student's code may write (bytes)
_OUTPUT_KEEP = 2_000  # characters of an error kept for the notes
_KERNEL = "crmlab-grading"
# Every case's first cell imports these; the kernel imports them before the student's first cell (binding no
# name), so a cell's time limit measures the student's code and not library imports on a busy grading machine.
_WARM_MODULES = ("pandas", "crmlab.datasets", "crmlab.instructor", "crmlab.plots")
_WARM_TIMEOUT = 120  # seconds for those imports
# After an interrupt, a kernel that answers a trivial cell within this many seconds is responsive (a loaded
# machine can take seconds to schedule it; a kernel that ignores SIGINT never answers)
_ANSWER_TIMEOUT = 10


@dataclass
class Execution:
    """What running a submission produced: answers (decoded values) and notes, or why there are none."""

    answers: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict, repr=False)  # the answer file as read (JSON), for the test process
    notes: list = field(default_factory=list)
    ok: bool = False
    sandboxed: bool = False
    seconds: float = 0.0


@functools.lru_cache(maxsize=1)
def _bwrap() -> str | None:
    if os.environ.get(SANDBOX_ENV, "").lower() == "off" or not sys.platform.startswith("linux"):
        return None
    path = shutil.which("bwrap")
    if not path:
        return None
    try:  # some containers forbid the namespaces bwrap needs: then it is of no use
        probe = subprocess.run([path, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--cap-drop",
                                "ALL", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if probe.returncode == 0 else None


def sandbox_available() -> bool:
    """True when bubblewrap is installed and can create a sandbox on this machine."""
    return _bwrap() is not None


def _readonly_paths() -> list[str]:
    """What the sandbox sees (read-only): system folders, this Python, its packages, crmlab's code and data."""
    import crmlab

    paths = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
             "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts", "/etc/localtime",
             "/etc/alternatives", "/etc/ssl/certs", "/etc/mime.types", "/etc/passwd", "/etc/group",
             "/etc/nsswitch.conf", "/etc/matplotlibrc"]
    paths += [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    package = Path(crmlab.__file__).resolve().parent
    checkout = package.parent
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        real = Path(entry).resolve()
        if real == checkout or real.is_relative_to(checkout) or (real / "crmlab").resolve() == package:
            continue  # a source checkout holds cases/ and tests/: bind only crmlab/ and datasets/ below
        paths.append(str(real))
    paths += [str(package), str(checkout / "datasets")]
    seen, out = set(), []
    for p in paths:
        if p and p not in seen and os.path.exists(p):
            seen.add(p)
            out.append(p)
    return out


def _sandbox_command(bwrap: str, cmd: list[str], scratch: Path) -> list[str]:
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/run"]
    for p in _readonly_paths():
        args += ["--ro-bind", p, p]
    args += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch / "work"),
             "--hostname", "crmlab-sandbox"]
    return args + ["--", *cmd]


def _limits() -> None:  # pragma: no cover - runs in the child between fork and exec
    import resource

    for limit, value in ((resource.RLIMIT_AS, _MEMORY), (resource.RLIMIT_FSIZE, _FILE_SIZE),
                         (resource.RLIMIT_CORE, 0)):
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            pass


def _child_env(scratch: Path, language: str = "en") -> dict:
    """A small, clean environment: nothing of the grader's (no course key, no cache path, no tokens).

    ``language`` is the edition of the submission (crmlab's messages in the student's language).
    """
    keep = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "SYSTEMROOT", "TZ")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["CRMLAB_LANGUAGE"] = language
    home = scratch / "home"
    env.update({"HOME": str(home), "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(scratch / "mpl"),
                "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1",
                "JUPYTER_PATH": str(scratch / "jupyter"), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
                "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / ".ipython"),
                "JUPYTER_PLATFORM_DIRS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1"})
    return env


def _prepare(scratch: Path, notebook, support: Path | None) -> None:
    import nbformat

    work = scratch / "work"
    work.mkdir(parents=True)
    if support is not None and support.is_dir():  # the case's data files (from the verified autograder)
        shutil.copytree(support, work, dirs_exist_ok=True)
    nbformat.write(notebook, work / "submission.ipynb")
    for sub in ("out", "home/runtime", "mpl"):
        (scratch / sub).mkdir(parents=True, exist_ok=True)
    # matplotlib's font list, so the sandbox does not rebuild it (seconds) in every run
    try:
        import matplotlib

        for font_cache in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            shutil.copy2(font_cache, scratch / "mpl" / font_cache.name)
    except Exception:  # matplotlib missing or its cache unreadable: the kernel rebuilds it
        pass
    spec = scratch / "jupyter" / "kernels" / _KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "crmlab grading", "language": "python"}), encoding="utf-8")


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def edition_of(notebook) -> str:
    """The language of a case notebook: its ``crmlab.edition`` metadata (the Chinese edition says ``zh``).

    Anything unknown reads as English: the metadata is the student's to edit, and it only chooses the
    language of the messages.
    """
    from crmlab.i18n import LANGUAGES

    meta = getattr(notebook, "metadata", None) or {}
    crm = meta.get("crmlab") if isinstance(meta, dict) else None
    code = crm.get("edition") if isinstance(crm, dict) else None
    return code if isinstance(code, str) and code in LANGUAGES else "en"


def run(notebook, *, names, support: Path | None = None, cell_timeout: int = 60, timeout: int = 120,
        max_restarts: int = 2) -> Execution:
    """Execute a submission (an nbformat notebook) and extract the variables ``names``; see the module docstring."""
    from crmlab.grading.extract import read_answers

    bwrap = _bwrap()
    start = time.perf_counter()
    result = Execution(sandboxed=bwrap is not None)
    with tempfile.TemporaryDirectory(prefix="crmlab-scratch-") as tmp:
        scratch = Path(tmp)
        _prepare(scratch, notebook, support)
        job = {"cell_timeout": int(cell_timeout), "max_restarts": int(max_restarts), "names": sorted(names),
               "answers": str(scratch / "out" / "answers.json"), "report": str(scratch / "out" / "report.json")}
        (scratch / "job.json").write_text(json.dumps(job), encoding="utf-8")
        cmd = python_command(f"from crmlab.grading.execute import _worker_main; _worker_main({str(scratch)!r})")
        if bwrap:
            cmd = _sandbox_command(bwrap, cmd, scratch)
        else:
            result.notes.append(UNSANDBOXED_NOTE)
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                cwd=scratch / "work", env=_child_env(scratch, edition_of(notebook)),
                                start_new_session=True,
                                preexec_fn=_limits if os.name == "posix" else None)
        timed_out = False
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc.pid)
            _, err = proc.communicate()
        if not bwrap:
            _kill_unsandboxed(scratch)
        result.seconds = time.perf_counter() - start
        report, _ = _read_json(scratch / "out" / "report.json")
        if timed_out:
            culprit = report.get("running") if isinstance(report, dict) else None
            where = f" (code cell {culprit} was running)" if isinstance(culprit, int) else ""
            result.notes.append(f"the notebook ran past the {timeout} s limit for a whole run and was stopped{where}; "
                                "nothing it produced was read, every question scores 0")
            return result
        if proc.returncode != 0:
            # bwrap reports a child killed by signal N as exit status 128 + N
            signum = -proc.returncode if proc.returncode < 0 else (proc.returncode - 128 if bwrap and
                                                                   128 < proc.returncode < 160 else None)
            how = f"was killed by signal {signum}" if signum else f"exited with status {proc.returncode}"
            result.notes.append(f"the grading worker {how} (the notebook's code stopped it); nothing it produced "
                                "was read, every question scores 0")
            return result
        notes = report.get("notes") if isinstance(report, dict) else None
        result.notes += [str(n)[:300] for n in notes[:50]] if isinstance(notes, list) else []
        answers, problem = read_answers(scratch / "out" / "answers.json")
        if problem:
            result.notes.append(problem)
            return result
        result.raw = json.loads((scratch / "out" / "answers.json").read_text(encoding="utf-8"))
        result.answers, result.ok = answers, True
        return result


def _read_json(path: Path, limit: int = 1_000_000):
    try:
        if path.stat().st_size > limit:
            return {}, "too large"
        return json.loads(path.read_text(encoding="utf-8")), None
    except (OSError, ValueError, UnicodeDecodeError):
        return {}, "unreadable"


def _kill_unsandboxed(scratch: Path) -> None:
    """Without a sandbox: stop the kernels the worker started (they run in sessions of their own)."""
    pids = scratch / "out" / "kernels.txt"
    if pids.exists():
        for line in pids.read_text(encoding="utf-8").split():
            if line.isdigit():
                _kill_group(int(line))


# --------------------------------------------------------------------------- the worker (inside the sandbox)

def _worker_main(scratch: str) -> None:  # pragma: no cover - runs in the sandboxed child
    scratch = Path(scratch)
    job = json.loads((scratch / "job.json").read_text(encoding="utf-8"))
    notes: list[str] = []
    report = {"notes": notes, "running": None}

    def save() -> None:
        Path(job["report"]).write_text(json.dumps(report), encoding="utf-8")

    import nbformat

    nb = nbformat.read(scratch / "work" / "submission.ipynb", as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    skipped: dict[int, str] = {}
    for _attempt in range(job["max_restarts"] + 1):
        for i, (number, why) in enumerate(skipped.items()):
            nb.cells[code[number - 1]].source = (f"raise RuntimeError('crmlab grader: this cell {why} and was skipped; "
                                                 "fix it and run the notebook top to bottom')")
        culprit, why, errors, stopped = _execute(nb, code, job, scratch, report, save)
        if culprit is None:
            break
        skipped[culprit] = why
        notes.append(f"code cell {culprit} {why}; it was skipped and the notebook run again")
    else:
        notes.append(f"the notebook could not be run to the end after {job['max_restarts']} restarts")
        report["gave_up"] = True
        save()
        return
    for number in stopped:
        notes.append(f"code cell {number} ran longer than {job['cell_timeout']} s and was stopped")
    for number, ename, evalue in errors:
        if number not in stopped and number not in skipped:
            notes.append(f"code cell {number} raised {ename}: {evalue}")
    report["running"] = None
    save()


def _execute(nb, code, job, scratch, report, save):  # pragma: no cover - runs in the sandboxed child
    """One run: returns (culprit cell number or None, why, errors, stopped cells)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from crmlab.grading.extract import encoder_cell

    state = {"timed_out": False}
    errors: list = []
    printed: dict = {}

    class Client(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            # Keep nothing but error names: outputs are not graded, and a flood of them must cost no memory.
            kind = msg.get("msg_type")
            if kind == "stream":
                number = cell_numbers.get(cell_index)
                printed[number] = printed.get(number, 0) + len(str(msg.get("content", {}).get("text", "")))
            if kind == "error":
                content = msg.get("content", {})
                number = cell_numbers.get(cell_index)
                if number is not None and len(errors) < 50:
                    errors.append([number, str(content.get("ename", ""))[:60],
                                   str(content.get("evalue", ""))[:120].replace("\n", " ")])
            return None

        async def _async_handle_timeout(self, timeout, cell=None):
            state["timed_out"] = True
            return await super()._async_handle_timeout(timeout, cell)

    cell_numbers = {index: n for n, index in enumerate(code, start=1)}
    client = Client(nb, timeout=job["cell_timeout"], kernel_name=_KERNEL, allow_errors=True,
                    interrupt_on_timeout=True, record_timing=False, iopub_timeout=4,
                    error_on_timeout={"ename": "TimeoutError", "evalue": f"stopped after {job['cell_timeout']} s",
                                      "traceback": []},
                    resources={"metadata": {"path": str(scratch / "work")}})
    stopped: list[int] = []
    with client.setup_kernel():
        pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
        if pid:
            with open(scratch / "out" / "kernels.txt", "a", encoding="utf-8") as handle:
                handle.write(f"{pid}\n")
        warm = nbformat.v4.new_code_cell(f"{SKIP_SLOW_IMPORT}\nfor _module in {_WARM_MODULES!r}:\n"
                                          "    __import__(_module)\ndel sys, _module")
        client.timeout = max(_WARM_TIMEOUT, job["cell_timeout"])
        client.execute_cell(warm, -1, store_history=False)
        client.timeout = job["cell_timeout"]
        for index in code:
            number = cell_numbers[index]
            report["running"] = number
            save()
            state["timed_out"] = False
            try:
                client.execute_cell(nb.cells[index], index)
            except DeadKernelError:
                return number, "stopped the kernel (crash or exit)", errors, stopped
            if state["timed_out"]:
                stopped.append(number)
                if not _responsive(client):
                    return number, f"ignored the interrupt after {job['cell_timeout']} s", errors, stopped
        for number, size in sorted((k, v) for k, v in printed.items() if k is not None):
            if size > 1_000_000:
                report["notes"].append(f"code cell {number} printed {size / 1e6:.0f} million characters (not kept)")
        report["running"] = "answers"
        save()
        extract = nbformat.v4.new_code_cell(encoder_cell(job["names"], job["answers"]))
        client.timeout = 60
        try:
            client.execute_cell(extract, -1, store_history=False)
        except (DeadKernelError, CellTimeoutError):
            report["notes"].append("collecting the answers stopped the kernel")
    return None, "", errors, stopped


def _responsive(client) -> bool:  # pragma: no cover - runs in the sandboxed child
    """After an interrupt: does the kernel answer a trivial cell within a few seconds?"""
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    saved = client.timeout, client.interrupt_on_timeout, client.error_on_timeout
    client.timeout, client.interrupt_on_timeout, client.error_on_timeout = _ANSWER_TIMEOUT, False, None
    try:
        client.execute_cell(nbformat.v4.new_code_cell("pass"), -1, store_history=False)
        return True
    except (CellTimeoutError, DeadKernelError):
        return False
    finally:
        client.timeout, client.interrupt_on_timeout, client.error_on_timeout = saved
