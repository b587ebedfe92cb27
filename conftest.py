"""How `make test` spreads the tests over its workers (``pytest -n N --dist loadscope``).

A work unit (a "scope") is what one worker runs from start to end, with the fixtures it shares:

* a test file, as ``--dist loadfile`` would (module fixtures such as the hub, the red team's grading
  run or a notebook's kernel are built once);
* in ``tests/browser/test_widgets.py``, one notebook: its run in JupyterLab and then every exercise and
  planner test of it (their ids start with the notebook's name), so the notebooks spread over the
  workers and each is opened and run once;
* in ``tests/browser/test_voila.py``, one chapter's app (each starts a server of its own).

The units are handed out longest first (the slow ones measured, in ``SLOW``; then collection order), so no
worker is left running a long unit alone at the end. xdist's own ``loadgroup`` marks would group the same
way, but they are not honoured with the pytest this project installs (the worker's node-id suffix is
lost), hence a scheduler here.
"""

from __future__ import annotations

import re

import pytest

try:
    from hypothesis import settings
except ImportError:  # only the test extra brings hypothesis
    pass
else:
    # No per-example deadline: `make test`'s workers share two cores with kernels and grading runs, so an
    # example's time measures the machine's load, not the code (a first call failed test_tco at 268 ms > 200 ms).
    # Hangs are still caught: tests/test_fuzz.py times every call itself.
    settings.register_profile("crmlab", deadline=None)
    settings.load_profile("crmlab")

_NOTEBOOK_ID = re.compile(r"\[(\d\d_\w+?|case\d_\w+?)(::|\])")


def scope_of(nodeid: str) -> str:
    """The work unit a test belongs to (see the module's docstring).

    >>> scope_of("tests/browser/test_widgets.py::test_exercise[05_tco_planning::ch05.npv]")
    'tests/browser/test_widgets.py::05_tco_planning'
    >>> scope_of("tests/browser/test_voila.py::test_app[03_balanced_scorecard]")
    'tests/browser/test_voila.py::test_app[03_balanced_scorecard]'
    >>> scope_of("tests/test_tco.py::test_total[1]")
    'tests/test_tco.py'
    """
    path = nodeid.split("::", 1)[0]
    if path.endswith("tests/browser/test_widgets.py"):
        found = _NOTEBOOK_ID.search(nodeid)
        return f"{path}::{found.group(1)}" if found else nodeid
    if path.endswith("tests/browser/test_voila.py") and "[" in nodeid:
        return nodeid
    return path


#: Units that take a minute or more on two cores (measured with --durations), slowest first. Only an order:
#: a unit missing here still runs, after these.
SLOW = ("tests/browser/test_book.py", "tests/browser/test_widgets.py::05_tco_planning", "tests/hub/test_hub.py",
        "tests/test_redteam.py", "tests/browser/test_widgets.py::test_harness_fails_when_a_callback_is_broken",
        "tests/browser/test_widgets.py::03_balanced_scorecard", "tests/browser/test_widgets.py::08_customer_value",
        "tests/browser/test_widgets.py::07_performance_matrices", "tests/test_cases.py", "tests/test_instructor.py")


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    # After every other hook has ordered the items (tests/browser keeps a notebook's tests together), move
    # the slow units to the front; the sort is stable, so the order within a unit stays.
    yield
    rank = {scope: i for i, scope in enumerate(SLOW)}
    items.sort(key=lambda item: rank.get(scope_of(item.nodeid), len(SLOW)))


def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def __init__(self, config, log=None):
            # Keep the order above (xdist would sort the units by their number of tests).
            config.option.loadscopereorder = False
            super().__init__(config, log)

        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

    return UnitScheduling(config, log)
