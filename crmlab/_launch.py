"""How crmlab starts Jupyter's Python programs (Voila, otter, the grader's workers) in a new process.

jupyter-events asks for ``jsonschema[format-nongpl]``, which installs ``rfc3987_syntax``; when that
package is importable, ``import jsonschema`` compiles its 38 lark grammars, about 3 CPU-seconds (0.3 s
without it, measured with ``/usr/bin/time``) in every Jupyter server, otter run and notebook tool that
validates a notebook. Marking the module missing before anything imports jsonschema skips that cost;
jsonschema then skips the RFC 3987 "iri" format checks it would have done (the servers start and serve
the same way: the browser and hub tests run them like this, and the grader has run otter so since it
was written).
"""

from __future__ import annotations

import sys

__all__ = ["SKIP_SLOW_IMPORT", "python_command"]

#: Python statement that makes ``rfc3987_syntax`` look missing (a no-op where it is already imported).
SKIP_SLOW_IMPORT = "import sys; sys.modules.setdefault('rfc3987_syntax', None)"


def python_command(call: str) -> list[str]:
    """``[python, "-c", code]`` that runs ``call`` after :data:`SKIP_SLOW_IMPORT`, with this Python.

    Examples
    --------
    >>> python_command("from voila.app import main; main()")[1:]
    ['-c', "import sys; sys.modules.setdefault('rfc3987_syntax', None); from voila.app import main; main()"]
    """
    return [sys.executable, "-c", f"{SKIP_SLOW_IMPORT}; {call}"]
