"""crmlab: methods, data and exercises for evaluating CRM performance and its costs and benefits.

Importing :mod:`crmlab` is cheap: submodules load on first use, and nothing here
touches global state (no plotting theme, no warning filters).

>>> import crmlab
>>> crmlab.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "customers",
    "datasets",
    "exercises",
    "finance",
    "editions",
    "fuzzy",
    "i18n",
    "matrices",
    "plots",
    "pyramid",
    "scorecard",
    "tco",
    "weighting",
    "widgets",
)

__all__ = ["__version__", "set_language", "get_language", *_SUBMODULES]
_LANGUAGE_FUNCTIONS = ("set_language", "get_language")


def __getattr__(name: str):
    # Lazy submodules keep ``import crmlab`` fast: seaborn, statsmodels and
    # ipywidgets are only imported by the parts that need them.
    if name in _LANGUAGE_FUNCTIONS:
        # crmlab.set_language("zh") switches messages, labels and plots (see crmlab.i18n).
        from crmlab import i18n

        return getattr(i18n, name)
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'crmlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
