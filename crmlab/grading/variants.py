"""Which data variant a student gets: a public checksum for self-study, or a course key and a roster for marks.

Two modes:

* **No course key** (self-study, practice): :func:`variant_for` is a CRC-32
  checksum of the student number. Anyone can compute it, so anyone can pick
  a friend's numbers: fine for practice, not for marks.
* **Course key + roster** (graded courses): :func:`assign_variants` maps the
  roster's ids to variants with an HMAC under the instructor's secret key and
  resolves collisions in roster order, so every student on the roster has a
  *distinct* variant and nobody can compute another's. Personal hand-outs
  carry the student's variant number (never the key); the grader recomputes
  the variant from the roster id and the key, never from the notebook.

Examples
--------
>>> variant_for("2024-0153") == variant_for(" 2024-0153 ")
True
>>> table = assign_variants(["a1", "a2", "a3"], key=b"a-course-key-of-32-characters-ok")
>>> len(set(table.values())) == 3 and all(1 <= v <= VARIANTS for v in table.values())
True
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crmlab.i18n import gettext as _

__all__ = ["VARIANTS", "KEY_ENV", "variant_for", "normalise_id", "load_key", "new_course_key", "assign_variants",
           "Roster", "read_roster"]

VARIANTS = 9999
"""Number of per-student data variants (1..VARIANTS); variant 0 is the shipped data."""

KEY_ENV = "CRMLAB_COURSE_KEY"
"""Environment variable that may hold the course key (the key itself, not a path)."""

_MIN_KEY = 16


def normalise_id(student_id) -> str:
    """A student number as the grader compares it: surrounding spaces removed, letters case-folded.

    >>> normalise_id("  AB-12 ")
    'ab-12'
    """
    if student_id is None:
        return ""
    if isinstance(student_id, bool) or not isinstance(student_id, (str, int)):
        raise TypeError(_('student_id must be text such as "2024-0153" (or a whole number); got {student_id!r}').format(
            student_id=student_id))
    return str(student_id).strip().casefold()


def variant_for(student_id) -> int:
    """The public data variant of a student: 0 for no student number, else a stable number in 1..VARIANTS.

    The mapping is a checksum (CRC-32) of the student number with surrounding
    spaces removed and letters case-folded, so it is the same on every machine.
    It is public: for marks, use a course key (:func:`assign_variants`).

    Parameters
    ----------
    student_id : str or int or None
        What the student typed into ``STUDENT_ID``.

    Returns
    -------
    int
        ``0`` (the shipped CSV files) when ``student_id`` is empty or None,
        otherwise ``1 + crc32(id) % VARIANTS``.

    Examples
    --------
    >>> variant_for(None), variant_for("   ")
    (0, 0)
    >>> variant_for("S001") == variant_for("s001")
    True
    >>> variant_for(3.5)
    Traceback (most recent call last):
    ...
    TypeError: student_id must be text such as "2024-0153" (or a whole number); got 3.5
    """
    text = normalise_id(student_id)
    if not text:
        return 0
    return 1 + zlib.crc32(text.encode("utf-8")) % VARIANTS


def load_key(key=None) -> bytes | None:
    """The course key as bytes: from ``key`` (a key file's path, or bytes), else ``$CRMLAB_COURSE_KEY``, else None.

    A key file holds the key on its first line (see :func:`new_course_key`).
    Keys shorter than 16 characters are refused: a short key can be guessed
    by trying every variant.

    >>> load_key(b"0123456789abcdef0123") == b"0123456789abcdef0123"
    True
    >>> load_key(b"short")
    Traceback (most recent call last):
    ...
    ValueError: the course key must be at least 16 characters long; got 5 (make one with crmlab.instructor.new_course_key)
    """
    if key is None:
        text = os.environ.get(KEY_ENV, "").strip()
        raw = text.encode("utf-8") if text else None
    elif isinstance(key, (bytes, bytearray)):
        raw = bytes(key).strip()
    elif isinstance(key, (str, os.PathLike)):
        path = Path(key)
        if not path.is_file():
            raise FileNotFoundError(_("course key file not found: {path} (pass the path of a key file, or set "
                                      "{env})").format(path=path, env=KEY_ENV))
        lines = path.read_text(encoding="utf-8").strip().splitlines()
        raw = lines[0].strip().encode("utf-8") if lines else b""
    else:
        raise TypeError(_("key must be the path of a course key file or bytes; got {type}").format(type=type(key).__name__))
    if raw is not None and len(raw) < _MIN_KEY:
        raise ValueError(_("the course key must be at least {least} characters long; got {n} "
                           "(make one with crmlab.instructor.new_course_key)").format(least=_MIN_KEY, n=len(raw)))
    return raw


def new_course_key(path) -> Path:
    """Write a new random course key (64 hex digits) to ``path``, readable only by you; refuses to overwrite.

    Keep the file out of every hand-out and repository: whoever has it can
    compute every student's variant.
    """
    import secrets

    path = Path(path)
    if path.exists():
        raise FileExistsError(_("{path} exists: a course key is never overwritten (variants would change)").format(
            path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return path


def _candidate(norm: str, key: bytes | None, attempt: int) -> int:
    if key is None:
        text = norm if attempt == 0 else f"{norm}#{attempt}"
        return 1 + zlib.crc32(text.encode("utf-8")) % VARIANTS
    digest = hmac.new(key, f"crmlab-variant\0{norm}\0{attempt}".encode(), hashlib.sha256).digest()
    return 1 + int.from_bytes(digest[:8], "big") % VARIANTS


def assign_variants(ids: Iterable, key=None) -> dict[str, int]:
    """Distinct variants for a roster: HMAC-SHA256 of each id under the course key, collisions resolved in order.

    Parameters
    ----------
    ids : iterable of str
        Student numbers in roster order. A student added at the end of the
        roster never changes the variants of those before.
    key : bytes or str, optional
        The course key (:func:`load_key`). Without one the public checksum of
        :func:`variant_for` is used (same distinctness, but predictable).

    Returns
    -------
    dict
        Normalised id (:func:`normalise_id`) -> variant in 1..VARIANTS, all different.

    Raises
    ------
    ValueError
        If an id is empty, appears twice, or the roster has more students than variants.
    """
    if isinstance(key, str):
        key = key.encode("utf-8")
    key = None if key is None else bytes(key)
    out: dict[str, int] = {}
    taken: set[int] = set()
    for raw in ids:
        norm = normalise_id(raw)
        if not norm:
            raise ValueError(_("the roster has an empty student id"))
        if norm in out:
            raise ValueError(_("the roster lists student id {id!r} twice").format(id=raw))
        if len(out) >= VARIANTS:
            raise ValueError(_("a roster can have at most {most} students; got more").format(most=VARIANTS))
        attempt, variant = 0, _candidate(norm, key, 0)
        while variant in taken:
            attempt += 1
            variant = _candidate(norm, key, attempt)
        taken.add(variant)
        out[norm] = variant
    return out


@dataclass(frozen=True)
class Roster:
    """A class list: ids in file order and, per normalised id, the other columns (name, email, login, section)."""

    ids: tuple[str, ...]
    info: Mapping[str, Mapping[str, str]] = field(repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, student_id) -> bool:
        return normalise_id(student_id) in self.info

    def get(self, student_id, column: str, default: str = "") -> str:
        return self.info.get(normalise_id(student_id), {}).get(column, default)

    def variants(self, key=None) -> dict[str, int]:
        """Normalised id -> distinct variant (see :func:`assign_variants`)."""
        return assign_variants(self.ids, key)


_ID_COLUMNS = ("student_id", "id", "student number", "student_number", "sis user id", "id number")


def read_roster(roster) -> Roster:
    """Read a roster: a CSV file with a ``student_id`` column (optional ``name``, ``email``, ``login``, ``section``,
    ``canvas_id``), or a list of ids.

    >>> r = read_roster(["2024-0153", "2024-0154"])
    >>> r.ids, "2024-0153 " in r
    (('2024-0153', '2024-0154'), True)
    """
    if isinstance(roster, Roster):
        return roster
    if isinstance(roster, (str, os.PathLike)):
        path = Path(roster)
        if not path.is_file():
            raise FileNotFoundError(_("roster file not found: {path}").format(path=path))
        text = path.read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        header = {h.strip().casefold(): h for h in (rows[0].keys() if rows else [])}
        id_col = next((header[c] for c in _ID_COLUMNS if c in header), None)
        if id_col is None:
            raise ValueError(_("the roster {path} needs a 'student_id' column; its columns are {columns}").format(
                path=path, columns=", ".join(header.values()) or _("(none)")))
        entries = [({k.strip().casefold(): (v or "").strip() for k, v in row.items() if k}, (row[id_col] or "").strip())
                   for row in rows]
    elif isinstance(roster, Iterable):
        entries = [({}, str(sid).strip()) for sid in roster]
    else:
        raise TypeError(_("roster must be a CSV file path or a list of student ids; got {type}").format(
            type=type(roster).__name__))
    ids, info = [], {}
    for extra, sid in entries:
        if not sid:
            continue
        norm = normalise_id(sid)
        if norm in info:
            raise ValueError(_("the roster lists student id {id!r} twice").format(id=sid))
        ids.append(sid)
        info[norm] = {"student_id": sid, **{k: v for k, v in extra.items() if k not in _ID_COLUMNS}}
    if not ids:
        raise ValueError(_("the roster has no student ids"))
    return Roster(ids=tuple(ids), info=info)
