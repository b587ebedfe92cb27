"""Serve one chapter of the workbook as a stand-alone web app with Voila.

Voila runs the notebook and shows its text, figures and widgets without the
code, so a chapter's planners and exercises can be used like a small
application (``crmlab app 05`` on the command line). Voila is imported only by
the server process, not by ``import crmlab.app``.

Examples
--------
>>> resolve("07").name
'07_performance_matrices.ipynb'
>>> resolve(7) == resolve("notebooks/07_performance_matrices.ipynb")
True
>>> cmd = command("07", port=8866)
>>> Path(cmd[3]).name, cmd[4]
('07_performance_matrices.ipynb', '--port=8866')
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from crmlab._launch import python_command

__all__ = ["resolve", "command", "serve", "chapters"]


def _root(root) -> Path:
    if root is not None:
        return Path(root).resolve()
    from crmlab.cli import workbook_root

    return workbook_root()


def chapters(root=None) -> dict[str, Path]:
    """The workbook's chapter notebooks by two-digit number, e.g. ``{"00": .../00_start_here.ipynb, ...}``."""
    found = {}
    for path in sorted((_root(root) / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        found.setdefault(path.name[:2], path)
    return found


def resolve(chapter, root=None) -> Path:
    """The notebook for ``chapter``: a chapter number (``5``, ``"05"``) or a path to a notebook.

    Raises
    ------
    FileNotFoundError
        The chapter or file does not exist; the message lists the chapters there are.
    """
    text = str(chapter).strip()
    if re.fullmatch(r"\d{1,2}", text):
        number = f"{int(text):02d}"
        found = chapters(root)
        if number not in found:
            known = ", ".join(f"{k} ({p.stem})" for k, p in found.items()) or "none"
            raise FileNotFoundError(f"chapter must be one of the workbook's chapters; got {chapter!r}. "
                                    f"Chapters in {_root(root) / 'notebooks'}: {known}")
        return found[number]
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = (Path.cwd() / path) if (Path.cwd() / path).exists() else _root(root) / path
    if path.suffix != ".ipynb" or not path.is_file():
        raise FileNotFoundError(f"chapter must be a chapter number such as 05 or a path to a .ipynb file; "
                                f"got {chapter!r} (no such notebook: {path})")
    return path.resolve()


def command(chapter, port: int = 8866, root=None, open_browser: bool = False, ip: str = "127.0.0.1",
            show_tracebacks: bool = True) -> list[str]:
    """The Voila command line that serves ``chapter`` (see :func:`serve`)."""
    notebook = resolve(chapter, root)
    # python -m voila, without the 3 CPU-seconds of one import (crmlab._launch)
    cmd = [*python_command("from voila.app import main; sys.exit(main())"), str(notebook), f"--port={int(port)}",
           f"--Voila.ip={ip}",
           # A chapter that fails should say where (a student or instructor is reading the page).
           f"--VoilaConfiguration.show_tracebacks={show_tracebacks}"]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def serve(chapter, port: int = 8866, root=None, open_browser: bool = False, ip: str = "127.0.0.1") -> int:
    """Serve ``chapter`` with Voila at ``http://ip:port/`` until interrupted; return Voila's exit code.

    Parameters
    ----------
    chapter : int or str
        A chapter number (``5`` or ``"05"`` → ``notebooks/05_*.ipynb``) or a notebook path.
    port : int
        The port to listen on (default 8866, Voila's).
    root : path, optional
        The workbook folder holding ``notebooks/`` (default: this checkout, else the current folder).
    open_browser : bool
        Open the page in the default browser too.
    ip : str
        The address to listen on; ``"0.0.0.0"`` to share the app on a network.
    """
    try:
        import voila  # noqa: F401 - only to fail early with the install command
    except ImportError:
        raise SystemExit("crmlab app needs Voila: pip install 'crmlab[browser]'") from None
    cmd = command(chapter, port=port, root=root, open_browser=open_browser, ip=ip)
    notebook = Path(cmd[3])
    print(f"Serving {notebook.name} at http://{ip}:{port}/ (Ctrl+C stops it)", flush=True)
    env = dict(os.environ, PYTHONHASHSEED="0")
    try:
        # The notebook's own folder is its working directory, as in JupyterLab.
        return subprocess.call(cmd, cwd=notebook.parent, env=env)
    except KeyboardInterrupt:
        return 0
