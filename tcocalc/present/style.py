"""The look shared by the page, the chart images and the slides: one colour per strategy everywhere.

Colours are hex strings so plotly, python-pptx and CSS can all use them.
"""

from __future__ import annotations

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
TEXT_COLOR = "#1F2937"
GRID_COLOR = "#E5E7EB"
BREAKEVEN_COLOR = "#111827"
LEAD_TIME_FILL = "rgba(234, 88, 12, 0.08)"

SLIDE_WIDTH_PX = 1920
SLIDE_HEIGHT_PX = 1080
"""Chart images are 16:9 at slide size (PNG exports render at 960x540 x scale 2)."""
