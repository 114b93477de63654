"""The look shared by the page, the chart images and the slides: one colour per strategy everywhere.

Colours are hex strings so plotly, python-pptx and CSS can all use them. Charts are built in the
light palette (images and slides are light); :data:`DARK_COLORS` says what each light colour becomes
on a dark page, and :func:`plotly_template` gives plotly's defaults (fonts, background, grid) for
either (``tcocalc.present.charts.themed`` applies both).

>>> plotly_template("dark")["layout"]["paper_bgcolor"]
'#0E1117'
>>> DARK_COLORS[STRATEGY_COLORS["prompting"]]
'#60A5FA'
"""

from __future__ import annotations

from typing import Any, Literal

Theme = Literal["light", "dark"]

STRATEGY_COLORS: dict[str, str] = {
    "prompting": "#2563EB",  # blue
    "fine_tuning": "#EA580C",  # orange
    "hybrid": "#059669",  # green
}
COMPONENT_COLORS: dict[str, str] = {
    "engineering": "#6366F1",
    "maintenance": "#A5B4FC",
    "labeling": "#F59E0B",
    "training": "#EF4444",
    "retraining": "#FCA5A5",
    "inference": "#0EA5E9",
    "errors": "#64748B",
}
FONT_FAMILY = "Inter, Segoe UI, Helvetica, Arial, sans-serif"

PALETTES: dict[Theme, dict[str, str]] = {
    "light": {
        "text": "#1F2937",
        "muted_text": "#4B5563",  # labels on the plot (category changes)
        "neutral": "#6B7280",  # reference lines, change markers
        "faint": "#9CA3AF",  # dotted guide lines
        "grid": "#E5E7EB",
        "background": "#FFFFFF",
        "background_word": "white",
        "ink": "#111827",  # break-even rings, zero lines, their labels
        "label_background": "rgba(255,255,255,0.85)",
        "label_background_strong": "rgba(255,255,255,0.9)",
        "clear": "rgba(255,255,255,0)",
        "lead_time_fill": "rgba(234, 88, 12, 0.08)",
        "bar_down": "#94A3B8",  # tornado: the input lower
        "bar_up": "#334155",  # tornado: the input higher
    },
    "dark": {
        "text": "#F3F4F6",
        "muted_text": "#CBD5E1",
        "neutral": "#9CA3AF",
        "faint": "#6B7280",
        "grid": "#374151",
        "background": "#0E1117",  # Streamlit's dark background (.streamlit/config.toml)
        "background_word": "#0E1117",
        "ink": "#F9FAFB",
        "label_background": "rgba(14,17,23,0.85)",
        "label_background_strong": "rgba(14,17,23,0.9)",
        "clear": "rgba(14,17,23,0)",
        "lead_time_fill": "rgba(251, 146, 60, 0.16)",
        "bar_down": "#64748B",
        "bar_up": "#E2E8F0",
    },
}
"""Every neutral colour a chart uses, by role, in each theme."""

LIGHT = PALETTES["light"]
TEXT_COLOR = LIGHT["text"]
GRID_COLOR = LIGHT["grid"]
BREAKEVEN_COLOR = LIGHT["ink"]
LEAD_TIME_FILL = LIGHT["lead_time_fill"]

DARK_COLORS: dict[str, str] = {
    **{LIGHT[role]: dark for role, dark in PALETTES["dark"].items()},
    # Lighter strategy colours keep lines and their labels at a readable contrast on dark.
    STRATEGY_COLORS["prompting"]: "#60A5FA",
    STRATEGY_COLORS["fine_tuning"]: "#FB923C",
    STRATEGY_COLORS["hybrid"]: "#34D399",
    COMPONENT_COLORS["errors"]: "#94A3B8",
    COMPONENT_COLORS["engineering"]: "#818CF8",
}
"""What each light colour of a chart becomes on a dark page."""

SLIDE_WIDTH_PX = 1920
SLIDE_HEIGHT_PX = 1080
"""Chart images are 16:9 at slide size (PNG exports render at 960x540 x scale 2)."""


def plotly_template(theme: Theme = "light") -> dict[str, Any]:
    """Plotly's defaults for every chart of tcocalc in ``theme``: font, background, grid, axis
    titles close to their ticks (so a legend under the plot clears them on a phone too)."""
    p = PALETTES[theme]
    axis = {
        "gridcolor": p["grid"],
        "linecolor": p["grid"],
        "zerolinecolor": p["grid"],
        "title": {"standoff": 6},
        "automargin": True,
    }
    return {
        "layout": {
            "font": {"family": FONT_FAMILY, "color": p["text"], "size": 13},
            "paper_bgcolor": p["background"],
            "plot_bgcolor": p["background"],
            "colorway": [
                DARK_COLORS[c] if theme == "dark" else c for c in STRATEGY_COLORS.values()
            ],
            "xaxis": axis,
            "yaxis": axis,
            "legend": {"bgcolor": p["clear"]},
            "hoverlabel": {"font": {"family": FONT_FAMILY}},
        }
    }
