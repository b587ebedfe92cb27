"""Plotting for the workbook: one seaborn theme and a CJK font, plus the chapters' figures.

Nothing here runs on ``import crmlab``: this module is imported only when a figure is drawn, and
imports matplotlib only when a function needs it (seaborn only for the heatmap). Call
:func:`set_theme` once at the top of a notebook; it is the only function in
crmlab that changes matplotlib's global settings.

Examples
--------
>>> from crmlab import plots
>>> plots.cjk_font_name()
'Noto Sans CJK SC'
"""

from __future__ import annotations

import functools
from pathlib import Path

from crmlab.i18n import N_
from crmlab.i18n import gettext as _

__all__ = ["set_theme", "cjk_font_name", "register_cjk_font", "PALETTE", "STATUS_COLOURS", "QUADRANT_COLOURS",
           "QUADRANT_LAYOUT", "COMPONENT_LABELS", "COMPONENT_COLOURS", "COLORBLIND", "theme_rc"]

#: Colour-blind-safe qualitative palette used across the workbook (seaborn's "colorblind").
PALETTE = "colorblind"
#: seaborn's "colorblind" palette (its ten colours, in order), the colour cycle of every figure.
COLORBLIND = ("#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161", "#fbafe4", "#949494", "#ece133",
              "#56b4e9")
#: Traffic-light colours for statuses (colour-blind-safe blue/orange/vermillion rather than green/red).
STATUS_COLOURS = {"on track": "#0072B2", "at risk": "#E69F00", "off track": "#D55E00"}
#: One colour per matrix quadrant (colour-blind-safe): the "act" quadrants warm, the "fine" ones cool.
QUADRANT_COLOURS = {
    "concentrate here": "#D55E00",
    "keep up the good work": "#0072B2",
    "low priority": "#7f7f7f",
    "possible overkill": "#E69F00",
    "urgent weakness": "#D55E00",
    "competitive strength": "#0072B2",
    "minor weakness": "#E69F00",
    "minor strength": "#009E73",
}
#: Quadrant order in the matrices: top-left, top-right, bottom-left, bottom-right.
QUADRANT_LAYOUT = {
    "pem": ("concentrate here", "keep up the good work", "low priority", "possible overkill"),
    "rpm": ("urgent weakness", "competitive strength", "minor weakness", "minor strength"),
}

# The TCO components (crmlab.tco.COMPONENTS, in that order) as legends name and colour them: defined here,
# where nothing imports matplotlib, for both the charts (crmlab.plots.money) and the planner's SVG.
#: Readable names of the TCO components for legends (translated where they are shown).
COMPONENT_LABELS = {"licenses": N_("licences"), "maintenance": N_("maintenance"), "hardware": N_("hardware"),
                    "telecom": N_("telecom"), "external_services": N_("external services"),
                    "vendor_services": N_("vendor services"), "internal_staff": N_("internal staff"),
                    "other": N_("other")}
#: One fixed colour per TCO component, so every chart of the chapter matches: seaborn's "colorblind" in order.
COMPONENT_COLOURS = dict(zip(COMPONENT_LABELS, COLORBLIND))

_CJK_FILE = "NotoSansCJKsc-Regular.otf"


def _cjk_font_path() -> Path:
    # The font ships in the mplfonts wheel (SIL Open Font License), so no
    # system package or download is needed on a fresh machine.
    import mplfonts

    path = Path(mplfonts.__file__).resolve().parent / "fonts" / _CJK_FILE
    if not path.exists():
        raise FileNotFoundError(_("CJK font {font} not found in the mplfonts package at {folder}").format(
            font=_CJK_FILE, folder=path.parent))
    return path


@functools.lru_cache(maxsize=1)
def register_cjk_font() -> str:
    """Make the bundled Noto Sans CJK SC font known to matplotlib and return its family name.

    This adds the font to matplotlib's font manager only; it changes no rcParams.
    """
    import dataclasses

    from matplotlib import font_manager

    path = _cjk_font_path()
    manager = font_manager.fontManager
    manager.addfont(str(path))
    entry = next(e for e in manager.ttflist if e.fname == str(path))
    # The package has no bold cut. Offering the regular face for bold requests
    # keeps bold titles from logging "Failed to find font weight bold" into
    # notebook outputs; CJK glyphs in bold text are then drawn regular.
    manager.ttflist.append(dataclasses.replace(entry, weight=700))
    manager._findfont_cached.cache_clear()
    return entry.name


def cjk_font_name() -> str:
    """Family name of the CJK font used for Chinese labels."""
    return register_cjk_font()


# What seaborn 0.13's ``set_theme(context, style="whitegrid", palette="colorblind", font_scale)`` writes into
# matplotlib's rcParams, kept here so the first cell of a chapter does not import seaborn: seaborn imports
# scipy.stats, 1.3 of the 2.7 s a kernel spends importing the workbook (measured with ``python -X importtime``).
# tests/test_plots.py holds these equal to seaborn's own result, key by key, for every context. One difference:
# the default colour map stays matplotlib's viridis (seaborn's "rocket" exists only once seaborn is imported);
# no crmlab figure uses the default.
_WHITEGRID = {
    "axes.facecolor": "white", "axes.edgecolor": ".8", "axes.grid": True, "axes.axisbelow": True,
    "axes.labelcolor": ".15", "figure.facecolor": "white", "grid.color": ".8", "grid.linestyle": "-",
    "text.color": ".15", "xtick.color": ".15", "ytick.color": ".15", "xtick.direction": "out",
    "ytick.direction": "out", "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "xtick.bottom": False, "xtick.top": False, "ytick.left": False, "ytick.right": False,
    "axes.spines.left": True, "axes.spines.bottom": True, "axes.spines.right": True, "axes.spines.top": True,
}
_CONTEXT_FONTS = {"font.size": 12, "axes.labelsize": 12, "axes.titlesize": 12, "xtick.labelsize": 11,
                  "ytick.labelsize": 11, "legend.fontsize": 11, "legend.title_fontsize": 12}
_CONTEXT_LINES = {"axes.linewidth": 1.25, "grid.linewidth": 1, "lines.linewidth": 1.5, "lines.markersize": 6,
                  "patch.linewidth": 1, "xtick.major.width": 1.25, "ytick.major.width": 1.25,
                  "xtick.minor.width": 1, "ytick.minor.width": 1, "xtick.major.size": 6, "ytick.major.size": 6,
                  "xtick.minor.size": 4, "ytick.minor.size": 4}
_CONTEXT_SCALE = {"notebook": 1, "talk": 1.5, "paper": 0.8, "poster": 2}  # in the order errors list them
#: matplotlib's one-letter colour codes ("b", "g", ...) as seaborn remaps them for the "colorblind" palette.
#: (seaborn's "colorblind6": the palette without its orange, brown, pink and grey; "k" a near-black)
_COLOUR_CODES = dict(zip("bgrmyck", (*(COLORBLIND[i] for i in (0, 2, 3, 4, 8, 9)), (0.1, 0.1, 0.1))))


def theme_rc(context: str = "notebook", font_scale: float = 1.0) -> dict:
    """The rcParams :func:`set_theme` applies, as a dict (for ``matplotlib.rc_context``).

    Examples
    --------
    >>> rc = theme_rc("talk")
    >>> rc["axes.linewidth"], rc["font.size"], rc["axes.titlesize"]
    (1.875, 18.0, 'large')
    """
    from cycler import cycler
    from matplotlib.colors import to_rgb

    from crmlab._checks import choice, number

    choice("context", context, tuple(_CONTEXT_SCALE))
    number("font_scale", font_scale, low=0, low_open=True, high=10)  # past 10 the labels fill the figure
    scale = _CONTEXT_SCALE[context]
    rc = {k: v * scale for k, v in _CONTEXT_LINES.items()}
    rc.update({k: v * scale * font_scale for k, v in _CONTEXT_FONTS.items()})
    rc.update(_WHITEGRID)
    rc["axes.prop_cycle"] = cycler("color", [to_rgb(c) for c in COLORBLIND])
    rc.update({
        # A list of families turns on matplotlib's per-glyph fallback;
        # the generic "sans-serif" would only ever use its first font.
        "font.family": ["DejaVu Sans", register_cjk_font()],
        "axes.unicode_minus": False,
        "figure.figsize": (8.0, 4.8),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "savefig.bbox": "tight",
        "axes.titleweight": "bold",
        "axes.titlesize": "large",
        "legend.frameon": False,
    })
    return rc


def set_theme(context: str = "notebook", font_scale: float = 1.0) -> None:
    """Apply the workbook's look: seaborn whitegrid, colour-blind palette, legible sizes, CJK fallback font.

    Latin text uses DejaVu Sans; any Chinese character falls back to Noto Sans
    CJK SC glyph by glyph, so labels such as "平衡计分卡 balanced scorecard" render
    without boxes. The settings are seaborn's (:func:`theme_rc`), applied without importing seaborn.

    Parameters
    ----------
    context : {"notebook", "talk", "paper", "poster"}
        seaborn context; "talk" for projecting in class.
    font_scale : float
        Extra scaling of all fonts, above 0 and at most 10.
    """
    import matplotlib as mpl
    from matplotlib.colors import colorConverter, to_rgb

    mpl.rcParams.update(theme_rc(context, font_scale))
    # seaborn's set_theme also points the one-letter colour codes at the palette (color_codes=True)
    for code, colour in _COLOUR_CODES.items():
        colorConverter.colors[code] = to_rgb(colour)
