"""The workbook's two languages: English (the source) and Simplified Chinese (简体中文).

crmlab's messages, labels, plot titles and exercise texts are written in English and
translated through a gettext catalogue, ``crmlab/locale/zh/LC_MESSAGES/crmlab.po``
(compiled to ``crmlab.mo`` beside it by ``python -m crmlab.editions compile``).
The notebooks' prose is translated through one catalogue per notebook in
``locale/zh/`` at the top of the repository (see :mod:`crmlab.editions`).

The language in use is, first that applies:

1. the one given to :func:`set_language` in this Python process;
2. the environment variable ``CRMLAB_LANGUAGE`` (``en`` or ``zh``);
3. the edition the working directory belongs to: a folder with a file named
   ``.crmlab-language`` (the Chinese edition's ``zh/`` holds one saying ``zh``).
   A notebook's kernel runs in the notebook's folder in JupyterLab, Voila, nbval
   and :mod:`crmlab.execute`, so the Chinese notebooks speak Chinese with the same
   code as the English ones (only the strings a cell prints are translated there);
4. English.

Examples
--------
>>> from crmlab import i18n
>>> i18n.set_language("zh")
>>> i18n.gettext("Show solution")
'查看解答'
>>> i18n.set_language("en")
>>> i18n.gettext("Show solution")
'Show solution'
>>> i18n.set_language(None)  # back to the environment's or the edition's choice
>>> i18n.set_language("fr")
Traceback (most recent call last):
...
ValueError: language must be one of 'en', 'zh'; got 'fr'
"""

from __future__ import annotations

import gettext as _gettext
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

__all__ = ["LANGUAGES", "set_language", "get_language", "language", "gettext", "ngettext", "pgettext",
           "translate", "N_", "MARKER"]

#: The languages of the workbook: code -> its own name.
LANGUAGES = {"en": "English", "zh": "简体中文"}
#: The file that marks a folder (and everything below it) as one edition of the workbook.
MARKER = ".crmlab-language"
_DOMAIN = "crmlab"
_LOCALE_DIR = Path(__file__).parent / "locale"
_ALIASES = {"zh-cn": "zh", "zh_cn": "zh", "zh-hans": "zh", "zh_hans": "zh", "cn": "zh", "chinese": "zh",
            "english": "en", "en-us": "en", "en_us": "en", "en-gb": "en", "en_gb": "en"}

_chosen: str | None = None


def _normalise(value, argument: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a language code, one of {', '.join(map(repr, LANGUAGES))}; "
                        f"got {type(value).__name__} {value!r}")
    code = _ALIASES.get(value.strip().lower(), value.strip().lower())
    if code not in LANGUAGES:
        raise ValueError(f"{argument} must be one of {', '.join(map(repr, LANGUAGES))}; got {value!r}")
    return code


def set_language(code: str | None) -> None:
    """Use ``code`` (``"en"`` or ``"zh"``) for crmlab's messages, labels and plots from now on.

    ``None`` forgets the choice, so the environment or the edition decides again.
    """
    global _chosen
    _chosen = None if code is None else _normalise(code, "language")


@lru_cache(maxsize=16)
def _edition_of(folder: str) -> str | None:
    for parent in (Path(folder), *Path(folder).parents):
        marker = parent / MARKER
        if marker.is_file():
            try:
                return _normalise(marker.read_text(encoding="utf-8").strip(), str(marker))
            except (OSError, ValueError, TypeError):
                return None
    return None


def get_language() -> str:
    """The language in use now (see the module's docstring for how it is chosen)."""
    if _chosen is not None:
        return _chosen
    env = os.environ.get("CRMLAB_LANGUAGE")
    if env:
        return _normalise(env, "the environment variable CRMLAB_LANGUAGE")
    try:
        cwd = os.getcwd()
    except OSError:
        return "en"
    return _edition_of(cwd) or "en"


@contextmanager
def language(code: str):
    """Use ``code`` inside a ``with`` block, then go back to what was chosen before."""
    global _chosen
    previous, _chosen = _chosen, _normalise(code, "language")
    try:
        yield
    finally:
        _chosen = previous


@lru_cache(maxsize=4)
def _catalogue(code: str) -> _gettext.NullTranslations:
    if code == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(_DOMAIN, localedir=str(_LOCALE_DIR), languages=[code], fallback=True)


def _text(name: str, value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str (a message of the catalogue); got {type(value).__name__} {value!r:.60}")
    return value


def gettext(message: str) -> str:
    """``message`` in the language in use (itself where the catalogue has no translation)."""
    _text("message", message)
    return _catalogue(get_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the language in use."""
    _text("singular", singular), _text("plural", plural)
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int; got {type(n).__name__} {n!r:.60}")
    return _catalogue(get_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the language in use, translated as meant in ``context`` (e.g. an exercise's id)."""
    _text("context", context), _text("message", message)
    return _catalogue(get_language()).pgettext(context, message)


def translate(message: str | None, context: str | None = None) -> str | None:
    """Translate a message kept untranslated until shown (see :func:`N_`); ``None`` and ``""`` pass through."""
    if message is None or (isinstance(message, str) and not message):
        return message
    _text("message", message)
    if context is not None:
        _text("context", context)
    return pgettext(context, message) if context else gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (it is translated when shown)."""
    return _text("message", message)


def reload() -> None:
    """Forget the loaded catalogues (after ``python -m crmlab.editions compile`` in a running kernel)."""
    _catalogue.cache_clear()
    _edition_of.cache_clear()
