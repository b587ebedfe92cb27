"""Grading that student code cannot beat, in four steps with a room each.

::

    submission.ipynb ─► execute  (scratch copy, separate process, bubblewrap: no network,
                                  read-only file system, private /tmp; cell and run time limits)
                     ─► extract  (answer variables → tagged JSON; never pickle)
                     ─► test     (fresh trusted process: otter's test files + trusted crmlab;
                                  variant from the roster id and the course key)
                     ─► gradebook (CSV, Canvas/Moodle export, feedback from test messages only)

:mod:`.execute`, :mod:`.extract`, :mod:`.test` and :mod:`.gradebook` are the steps;
:mod:`.variants` decides who gets which data, :mod:`.autograder` makes hand-outs and
finds, caches and verifies autograders, :mod:`.grader` strings the steps together.
The public entry points are re-exported by :mod:`crmlab.instructor`.
"""
