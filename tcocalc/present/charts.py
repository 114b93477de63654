"""Chart builders: pure functions from a :class:`~tcocalc.model.projection.Result` to a plotly ``Figure``.

The page shows them, the exports render them to PNG and slides; all share one colour per strategy
(:mod:`tcocalc.present.style`) and a 16:9 layout that stays readable at slide size. :func:`plotly_config`
makes the modebar's camera button download a 1920x1080 PNG named after the scenario.

Figures are written as plain plotly JSON (dicts) and wrapped without plotly's per-property
validation, which is what makes a slider move feel instant: validating costs 20-50x the rest of a
chart. ``tests/present/test_charts.py`` validates every figure in full instead.

>>> from tcocalc.model.projection import project
>>> from tcocalc.inputs.loader import DEFAULT_SCENARIO, PROJECT_ROOT, load_catalog, load_scenario
>>> catalog = load_catalog(PROJECT_ROOT / "tests" / "fixtures" / "pricing")
>>> result = project(load_scenario(DEFAULT_SCENARIO, catalog), catalog)
>>> [t.name for t in cumulative_cost(result).data if t.mode == "lines"]
['Prompting', 'Fine-tuning', 'Hybrid']
>>> plotly_config(result, "cumulative")["toImageButtonOptions"]["filename"]
'customer-support-classifier-article-cumulative'
"""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go

from tcocalc.model.engine import COMPONENT_LABELS, COMPONENTS, STRATEGIES, STRATEGY_LABELS, Strategy
from tcocalc.model.projection import Result
from tcocalc.present import style
from tcocalc.present.inert import plotly_text
from tcocalc.present.summary import timeline, usd

Spec = dict[str, Any]

PAGE_HEIGHT_PX = 470
"""Height of a chart on the page; images use :data:`IMAGE_WIDTH_PX` x :data:`IMAGE_HEIGHT_PX`."""
IMAGE_WIDTH_PX = style.SLIDE_WIDTH_PX // 2
IMAGE_HEIGHT_PX = style.SLIDE_HEIGHT_PX // 2
IMAGE_SCALE = 2
"""960 x 540 at scale 2: a 1920 x 1080 PNG whose text has the size it has on the page."""
MAX_LABELLED_CHANGES = 4
"""Above this many category changes, their vertical lines carry no text (hover still tells)."""
MAX_CHANGE_LINES = 24
PANEL_SPACING = 0.03
"""Gap between the panels of :func:`monthly_cost`, as a fraction of the plot width."""
CHANGE_COLOR = style.LIGHT["neutral"]


def shown_strategies(show_hybrid: bool) -> tuple[Strategy, ...]:
    return STRATEGIES if show_hybrid else STRATEGIES[:2]


def slug(text: str) -> str:
    """A file-name-safe version of a scenario name.

    >>> slug("Customer support classifier (article)")
    'customer-support-classifier-article'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "tcocalc"


def plotly_config(result: Result, chart: str) -> dict[str, Any]:
    """``config=`` for ``st.plotly_chart``/``Figure.show``: the camera button saves a 16:9 PNG."""
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
        "toImageButtonOptions": {
            "format": "png",
            "filename": f"{slug(result.scenario.name)}-{chart}",
            "width": IMAGE_WIDTH_PX,
            "height": IMAGE_HEIGHT_PX,
            "scale": IMAGE_SCALE,
        },
    }


def figure(spec: Spec) -> go.Figure:
    """A ``Figure`` from plotly JSON, skipping plotly's slow per-property validation."""
    return go.Figure(spec, _validate=False)


_HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")
_TO_DARK = {k.upper().replace(" ", ""): v for k, v in style.DARK_COLORS.items()}


def _darken(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _darken(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_darken(v) for v in value]
    if isinstance(value, str):
        swapped = _TO_DARK.get(value.upper().replace(" ", ""))
        if swapped is not None:
            return swapped
        if "color:" in value:  # inline styles in annotation text
            return _HEX.sub(lambda m: _TO_DARK.get(m[0].upper(), m[0]), value)
    return value


def themed(fig: go.Figure, theme: style.Theme) -> go.Figure:
    """``fig`` as the page shows it in ``theme``: for ``"dark"``, the dark template and every light
    colour swapped for its dark counterpart (:data:`tcocalc.present.style.DARK_COLORS`).

    >>> from tcocalc.model.projection import project
    >>> from tcocalc.inputs.loader import DEFAULT_SCENARIO, PROJECT_ROOT, load_catalog, load_scenario
    >>> catalog = load_catalog(PROJECT_ROOT / "tests" / "fixtures" / "pricing")
    >>> dark = themed(cumulative_cost(project(load_scenario(DEFAULT_SCENARIO, catalog), catalog)), "dark")
    >>> dark.layout.template.layout.paper_bgcolor, dark.data[0].line.color
    ('#0E1117', '#60A5FA')
    """
    if theme != "dark":
        return fig
    spec = _darken(fig.to_plotly_json())
    spec["layout"]["template"] = style.plotly_template("dark")
    return figure(spec)


def _x_axis(**extra: Any) -> Spec:
    return {"zeroline": False, "showline": True, **extra}


def _y_axis(**extra: Any) -> Spec:
    return {
        "zeroline": True,
        "tickprefix": "$",
        "tickformat": "~s",
        "rangemode": "tozero",
        **extra,
    }


SUBTITLE_LINE_CHARS = 56
"""Longest subtitle line: about what a 390 px phone shows at 12 px (plotly does not wrap text)."""
SUBTITLE_LINE_PX = 15


def subtitle_lines(subtitle: str, width: int = SUBTITLE_LINE_CHARS) -> list[str]:
    """``subtitle`` broken at its `` · `` separators into lines of at most ``width`` characters
    (a part longer than that stays whole).

    >>> subtitle_lines("Customer support classifier (article) · USD · not counted: cost of wrong answers")
    ['Customer support classifier (article) · USD', 'not counted: cost of wrong answers']
    >>> subtitle_lines("")
    ['']
    """
    lines: list[str] = []
    for part in subtitle.split(" · "):
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return lines or [""]


def wrap_words(text: str, width: int = SUBTITLE_LINE_CHARS) -> str:
    """``text`` broken at spaces into ``<br>``-separated lines of at most ``width`` characters, for
    axis titles (plotly does not wrap; a long one is cut at the chart's edge).

    >>> wrap_words("Recurring new categories per year, categories/year", 36)
    'Recurring new categories per year,<br>categories/year'
    """
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def base_layout(title: str, subtitle: str, **extra: Any) -> Spec:
    """The layout every chart of tcocalc shares (page, analysis, images): title with subtitle,
    fonts and colours of :mod:`tcocalc.present.style`, legend under the plot; ``extra`` keys are added.

    The subtitle wraps at its `` · `` separators so that a phone shows all of it; the top margin
    grows by a line for each extra line. Both texts are shown as typed (they carry the scenario's
    name): no plotly tags act in them.
    """
    lines = subtitle_lines(subtitle)
    more_px = SUBTITLE_LINE_PX * (len(lines) - 1)
    title, sub = plotly_text(title), "<br>".join(plotly_text(line) for line in lines)
    return {
        "template": style.plotly_template("light"),
        "height": PAGE_HEIGHT_PX,
        "title": {
            "text": f"<b>{title}</b><br><span style='font-size:12px'>{sub}</span>",
            "x": 0.01,
            "xanchor": "left",
            "y": 0.97,
            "yanchor": "top",
            "font": {"size": 17},
        },
        "margin": {"l": 70, "r": 24, "t": 70 + more_px, "b": 40},
        # Below the plot (under the axis title), where a legend that wraps on a narrow screen
        # grows the bottom margin instead of running into the title or the axis.
        "legend": {
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "y": -0.25,
            "yref": "paper",
            "yanchor": "top",
            "font": {"size": 12},
        },
        **extra,
    }


def _counted(result: Result) -> str:
    p = result.params
    left_out = []
    if not p.include_engineering:
        left_out.append("engineering time")
    if not p.include_error_cost:
        left_out.append("cost of wrong answers")
    text = f"{result.scenario.name} · USD"
    return text + (f" · not counted: {', '.join(left_out)}" if left_out else "")


def _month_tick(horizon: int) -> int:
    """A tick step that gives at most ~13 month labels."""
    for step in (1, 2, 3, 6, 12):
        if horizon / step <= 13:
            return step
    return 24


def cumulative_cost(result: Result, show_hybrid: bool = True) -> go.Figure:
    """Cumulative cost per strategy by month, with break-even, events and the lead time marked.

    Month 0 is the start (nothing spent yet); the value at month m is the total at its end.
    """
    strategies = shown_strategies(show_hybrid)
    h = result.horizon_months
    events = timeline(result)
    data: list[Spec] = []
    shapes: list[Spec] = []
    notes: list[Spec] = []

    if events.go_live_months > 0:
        weeks = result.scenario.fine_tuning.lead_time_weeks
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": 0,
                "x1": min(events.go_live_months, h),
                "y0": 0,
                "y1": 1,
                "fillcolor": style.LEAD_TIME_FILL,
                "line": {"width": 0},
                "layer": "below",
                "showlegend": True,
                "name": f"Fine-tuning lead time ({weeks:g} weeks)",
                "legendrank": 30,
            }
        )

    changes = events.category_changes
    if len(changes) <= MAX_CHANGE_LINES:
        for month, new in changes:
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": month,
                    "x1": month,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": style.LIGHT["faint"], "width": 1, "dash": "dot"},
                }
            )
            if len(changes) <= MAX_LABELLED_CHANGES:
                notes.append(
                    {
                        "x": month,
                        "y": 1,
                        "yref": "paper",
                        "text": f"+{new} categor{'y' if new == 1 else 'ies'}",
                        "showarrow": False,
                        "xanchor": "left",
                        "yanchor": "top",
                        "xshift": 3,
                        "font": {"size": 11, "color": style.LIGHT["muted_text"]},
                    }
                )

    for s in strategies:
        label = STRATEGY_LABELS[s]
        data.append(
            {
                "type": "scatter",
                "x": list(range(h + 1)),
                "y": [0.0, *result.series(s).tolist()],
                "mode": "lines",
                "name": label,
                "line": {"color": style.STRATEGY_COLORS[s], "width": 3},
                "hovertemplate": f"{label}: %{{y:$,.0f}}<extra></extra>",
                "legendrank": STRATEGIES.index(s),
            }
        )
    for s in strategies:
        retrains = events.retrains[s]
        if not retrains:
            continue
        cum = result.series(s)
        label = STRATEGY_LABELS[s]
        data.append(
            {
                "type": "scatter",
                "x": list(retrains),
                "y": [float(cum[m - 1]) for m in retrains],
                "mode": "markers",
                "name": f"Re-training ({label.lower()})",
                "marker": {
                    "symbol": "diamond",
                    "size": 10,
                    "color": style.LIGHT["background_word"],
                    "line": {"color": style.STRATEGY_COLORS[s], "width": 2},
                },
                "hovertemplate": f"{label} re-trains in month %{{x}}<extra></extra>",
                "legendrank": 10 + STRATEGIES.index(s),
            }
        )
    if changes:
        data.append(
            {
                "type": "scatter",
                "x": [m for m, _ in changes],
                "y": [0.0] * len(changes),
                "mode": "markers",
                "name": "Category change",
                "marker": {"symbol": "triangle-up", "size": 11, "color": CHANGE_COLOR},
                "customdata": [n for _, n in changes],
                "hovertemplate": "Month %{x}: +%{customdata} categories<extra></extra>",
                "cliponaxis": False,
                "legendrank": 20,
            }
        )

    _mark_breakeven(data, notes, result, "fine_tuning", upper=True)
    if show_hybrid:
        _mark_breakeven(data, notes, result, "hybrid", upper=False)

    layout = base_layout(
        "Cumulative cost",
        _counted(result),
        xaxis=_x_axis(title={"text": "Month"}, range=[0, h + 0.3], dtick=_month_tick(h)),
        yaxis=_y_axis(title={"text": "Cumulative cost"}),
        shapes=shapes,
        annotations=notes,
        hovermode="x unified",
    )
    return figure({"data": data, "layout": layout})


def _mark_breakeven(
    data: list[Spec], notes: list[Spec], result: Result, challenger: Strategy, upper: bool
) -> None:
    """A dot and a label where the challenger's curve crosses prompting's for good.

    Without a break-even the label sits in the chart's upper-left corner, where cumulative curves
    (which only rise) leave room.
    """
    b = result.fine_tuning_breakeven if challenger == "fine_tuning" else result.hybrid_breakeven
    label = STRATEGY_LABELS[challenger]
    color = style.STRATEGY_COLORS[challenger]
    h = result.horizon_months
    if b.durable_month is None:
        trend = f" (trend: month {b.estimated_month})" if b.estimated_month else ""
        notes.append(
            {
                "x": 0.01,
                "y": 0.90 if upper else 0.80,
                "xref": "paper",
                "yref": "paper",
                "text": f"{label}: no break-even by month {h}{trend}",
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "font": {"size": 12, "color": color},
                "bgcolor": style.LIGHT["label_background"],
            }
        )
        return
    m = b.durable_month
    y = float(result.series(challenger)[m - 1])
    data.append(
        {
            "type": "scatter",
            "x": [m],
            "y": [y],
            "mode": "markers",
            "showlegend": False,
            "marker": {
                "size": 13,
                "color": color,
                "line": {"color": style.BREAKEVEN_COLOR, "width": 2},
            },
            "hovertemplate": f"{label} breaks even in month {m}<extra></extra>",
        }
    )
    right_room = m < 0.65 * h
    notes.append(
        {
            "x": m,
            "y": y,
            "text": f"<b>{label} breaks even: month {m}</b><br>{usd(y)} cumulative",
            "showarrow": True,
            "arrowhead": 0,
            "arrowwidth": 1.5,
            "arrowcolor": style.BREAKEVEN_COLOR,
            "ax": 50 if right_room else -50,
            "ay": -55 if upper else 55,
            "xanchor": "left" if right_room else "right",
            "align": "left" if right_room else "right",
            "font": {"size": 12, "color": style.BREAKEVEN_COLOR},
            "bgcolor": style.LIGHT["label_background_strong"],
            "bordercolor": color,
            "borderwidth": 1,
            "borderpad": 4,
        }
    )


def _panels(n: int) -> list[tuple[float, float]]:
    """Horizontal domains of ``n`` side-by-side panels of equal width.

    >>> _panels(2)
    [(0.0, 0.485), (0.515, 1.0)]
    """
    width = (1 - (n - 1) * PANEL_SPACING) / n
    return [
        (round(i * (width + PANEL_SPACING), 6), round(i * (width + PANEL_SPACING) + width, 6))
        for i in range(n)
    ]


def monthly_cost(result: Result, show_hybrid: bool = True) -> go.Figure:
    """Monthly cost of each strategy, stacked by component; one panel per strategy, same scale.

    Components left out of the totals by the accounting toggles are left out here too; components
    that are zero throughout are left out of the legend.
    """
    strategies = shown_strategies(show_hybrid)
    h = result.horizon_months
    months = list(range(1, h + 1))
    domains = _panels(len(strategies))
    dtick = _month_tick(h) * (2 if len(strategies) > 2 else 1)
    data: list[Spec] = []
    for k, name in enumerate(COMPONENTS):
        if not result.mask[k]:
            continue
        panels = [result.components[STRATEGIES.index(s), k] for s in strategies]
        if not any(p.any() for p in panels):
            continue
        for i, (s, values) in enumerate(zip(strategies, panels, strict=True)):
            axis = "" if i == 0 else str(i + 1)
            data.append(
                {
                    "type": "bar",
                    "x": months,
                    "y": values.tolist(),
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "name": COMPONENT_LABELS[name],
                    "legendgroup": name,
                    "showlegend": i == 0,
                    "marker": {"color": style.COMPONENT_COLORS[name], "line": {"width": 0}},
                    "hovertemplate": (
                        f"{STRATEGY_LABELS[s]}, month %{{x}}<br>{COMPONENT_LABELS[name]}: "
                        "%{y:$,.0f}<extra></extra>"
                    ),
                }
            )
    axes: Spec = {}
    titles: list[Spec] = []
    for i, (s, domain) in enumerate(zip(strategies, domains, strict=True)):
        n = "" if i == 0 else str(i + 1)
        axes[f"xaxis{n}"] = _x_axis(
            domain=list(domain), anchor=f"y{n}", title={"text": "Month"}, dtick=dtick
        )
        axes[f"yaxis{n}"] = _y_axis(
            anchor=f"x{n}",
            **(
                {"title": {"text": "Cost per month"}}
                if i == 0
                else {"matches": "y", "showticklabels": False}
            ),
        )
        titles.append(
            {
                "x": (domain[0] + domain[1]) / 2,
                "y": 1,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "text": f"<b>{STRATEGY_LABELS[s]}</b>",
                "font": {"size": 13, "color": style.STRATEGY_COLORS[s]},
            }
        )
    layout = base_layout(
        "Monthly cost by component",
        _counted(result),
        barmode="stack",
        bargap=0.15,
        annotations=titles,
        **axes,
    )
    layout["margin"]["t"] += 20  # the panels' titles
    return figure({"data": data, "layout": layout})
