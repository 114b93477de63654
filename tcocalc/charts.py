"""Chart builders: pure functions from a :class:`~tcocalc.engine.Result` to a plotly ``Figure``.

The page shows them, the exports render them to PNG and slides; all share one colour per strategy
(:mod:`tcocalc.style`) and a 16:9 layout that stays readable at slide size. :func:`plotly_config`
makes the modebar's camera button download a 1920x1080 PNG named after the scenario.

>>> from tcocalc.engine import project
>>> from tcocalc.loader import DEFAULT_SCENARIO, PROJECT_ROOT, load_catalog, load_scenario
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
from plotly.subplots import make_subplots

from tcocalc import style
from tcocalc.engine import (
    COMPONENT_LABELS,
    COMPONENTS,
    STRATEGIES,
    STRATEGY_LABELS,
    Result,
    Strategy,
)
from tcocalc.summary import timeline, usd

PAGE_HEIGHT_PX = 470
"""Height of a chart on the page; images use :data:`IMAGE_WIDTH_PX` x :data:`IMAGE_HEIGHT_PX`."""
IMAGE_WIDTH_PX = style.SLIDE_WIDTH_PX // 2
IMAGE_HEIGHT_PX = style.SLIDE_HEIGHT_PX // 2
IMAGE_SCALE = 2
"""960 x 540 at scale 2: a 1920 x 1080 PNG whose text has the size it has on the page."""
MAX_LABELLED_CHANGES = 4
"""Above this many category changes, their vertical lines carry no text (hover still tells)."""
MAX_CHANGE_LINES = 24


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


def _base_layout(fig: go.Figure, title: str, subtitle: str) -> None:
    fig.update_layout(
        template="plotly_white",
        height=PAGE_HEIGHT_PX,
        font={"family": style.FONT_FAMILY, "color": style.TEXT_COLOR, "size": 13},
        title={
            "text": f"<b>{title}</b><br><span style='font-size:12px'>{subtitle}</span>",
            "x": 0.01,
            "xanchor": "left",
            "y": 0.97,
            "yanchor": "top",
            "font": {"size": 17},
        },
        margin={"l": 70, "r": 24, "t": 96, "b": 56},
        legend={
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "font": {"size": 12},
            "bgcolor": "rgba(255,255,255,0)",
        },
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": {"family": style.FONT_FAMILY}},
    )
    fig.update_xaxes(gridcolor=style.GRID_COLOR, zeroline=False, showline=True,
                     linecolor=style.GRID_COLOR)  # fmt: skip
    fig.update_yaxes(
        gridcolor=style.GRID_COLOR,
        zeroline=True,
        zerolinecolor=style.GRID_COLOR,
        tickprefix="$",
        tickformat="~s",
        rangemode="tozero",
    )


def _counted(result: Result) -> str:
    p = result.params
    left_out = []
    if not p.include_engineering:
        left_out.append("engineering time")
    if not p.include_error_cost:
        left_out.append("cost of wrong answers")
    text = f"{result.scenario.name} · USD"
    return text + (f" · not counted: {', '.join(left_out)}" if left_out else "")


def cumulative_cost(result: Result, show_hybrid: bool = True) -> go.Figure:
    """Cumulative cost per strategy by month, with break-even, events and the lead time marked.

    Month 0 is the start (nothing spent yet); the value at month m is the total at its end.
    """
    strategies = shown_strategies(show_hybrid)
    h = result.horizon_months
    months = list(range(h + 1))
    events = timeline(result)
    fig = go.Figure()
    _base_layout(fig, "Cumulative cost", _counted(result))

    if events.go_live_months > 0:
        weeks = result.scenario.fine_tuning.lead_time_weeks
        fig.add_vrect(
            x0=0,
            x1=min(events.go_live_months, h),
            fillcolor=style.LEAD_TIME_FILL,
            line_width=0,
            layer="below",
            showlegend=True,
            name=f"Fine-tuning lead time ({weeks:g} weeks)",
            legendrank=30,
        )

    labelled = len(events.category_changes) <= MAX_LABELLED_CHANGES
    if len(events.category_changes) <= MAX_CHANGE_LINES:
        for month, new in events.category_changes:
            fig.add_vline(x=month, line={"color": "#9CA3AF", "width": 1, "dash": "dot"})
            if labelled:
                fig.add_annotation(
                    x=month,
                    y=1,
                    yref="paper",
                    text=f"+{new} categor{'y' if new == 1 else 'ies'}",
                    showarrow=False,
                    xanchor="left",
                    yanchor="top",
                    xshift=3,
                    font={"size": 11, "color": "#4B5563"},
                )

    for s in strategies:
        series = [0.0, *map(float, result.series(s))]
        fig.add_trace(
            go.Scatter(
                x=months,
                y=series,
                mode="lines",
                name=STRATEGY_LABELS[s],
                line={"color": style.STRATEGY_COLORS[s], "width": 3},
                hovertemplate=f"{STRATEGY_LABELS[s]}: %{{y:$,.0f}}<extra></extra>",
                legendrank=STRATEGIES.index(s),
            )
        )
    for s in strategies:
        retrains = events.retrains[s]
        if not retrains:
            continue
        cum = result.series(s)
        fig.add_trace(
            go.Scatter(
                x=list(retrains),
                y=[float(cum[m - 1]) for m in retrains],
                mode="markers",
                name=f"Re-training ({STRATEGY_LABELS[s].lower()})",
                marker={
                    "symbol": "diamond",
                    "size": 10,
                    "color": "white",
                    "line": {"color": style.STRATEGY_COLORS[s], "width": 2},
                },
                hovertemplate=f"{STRATEGY_LABELS[s]} re-trains in month %{{x}}<extra></extra>",
                legendrank=10 + STRATEGIES.index(s),
            )
        )
    if events.category_changes:
        fig.add_trace(
            go.Scatter(
                x=[m for m, _ in events.category_changes],
                y=[0.0] * len(events.category_changes),
                mode="markers",
                name="Category change",
                marker={"symbol": "triangle-up", "size": 11, "color": "#6B7280"},
                customdata=[n for _, n in events.category_changes],
                hovertemplate="Month %{x}: +%{customdata} categories<extra></extra>",
                cliponaxis=False,
                legendrank=20,
            )
        )

    _mark_breakeven(fig, result, "fine_tuning", upper=True)
    if show_hybrid:
        _mark_breakeven(fig, result, "hybrid", upper=False)

    fig.update_xaxes(title_text="Month", range=[0, h + 0.3], dtick=_month_tick(h))
    fig.update_yaxes(title_text="Cumulative cost")
    fig.update_layout(hovermode="x unified")
    return fig


def _month_tick(horizon: int) -> int:
    """A tick step that gives at most ~13 month labels."""
    for step in (1, 2, 3, 6, 12):
        if horizon / step <= 13:
            return step
    return 24


def _mark_breakeven(fig: go.Figure, result: Result, challenger: Strategy, upper: bool) -> None:
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
        fig.add_annotation(
            x=0.01,
            y=0.90 if upper else 0.80,
            xref="paper",
            yref="paper",
            text=f"{label}: no break-even within {h} months{trend}",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            align="left",
            font={"size": 12, "color": color},
            bgcolor="rgba(255,255,255,0.85)",
        )
        return
    m = b.durable_month
    y = float(result.series(challenger)[m - 1])
    fig.add_trace(
        go.Scatter(
            x=[m],
            y=[y],
            mode="markers",
            showlegend=False,
            marker={
                "size": 13,
                "color": color,
                "line": {"color": style.BREAKEVEN_COLOR, "width": 2},
            },
            hovertemplate=f"{label} breaks even in month {m}<extra></extra>",
        )
    )
    right_room = m < 0.65 * h
    fig.add_annotation(
        x=m,
        y=y,
        text=f"<b>{label} breaks even: month {m}</b><br>{usd(y)} cumulative",
        showarrow=True,
        arrowhead=0,
        arrowwidth=1.5,
        arrowcolor=style.BREAKEVEN_COLOR,
        ax=50 if right_room else -50,
        ay=-55 if upper else 55,
        xanchor="left" if right_room else "right",
        align="left" if right_room else "right",
        font={"size": 12, "color": style.BREAKEVEN_COLOR},
        bgcolor="rgba(255,255,255,0.9)",
        bordercolor=color,
        borderwidth=1,
        borderpad=4,
    )


def monthly_cost(result: Result, show_hybrid: bool = True) -> go.Figure:
    """Monthly cost of each strategy, stacked by component; one panel per strategy, same scale.

    Components left out of the totals by the accounting toggles are left out here too; components
    that are zero throughout are left out of the legend.
    """
    strategies = shown_strategies(show_hybrid)
    h = result.horizon_months
    fig = make_subplots(
        rows=1,
        cols=len(strategies),
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=[
            f"<b><span style='color:{style.STRATEGY_COLORS[s]}'>{STRATEGY_LABELS[s]}</span></b>"
            for s in strategies
        ],
    )
    _base_layout(fig, "Monthly cost by component", _counted(result))
    months = list(range(1, h + 1))
    for k, name in enumerate(COMPONENTS):
        if not result.mask[k]:
            continue
        panels = [result.components[STRATEGIES.index(s), k] for s in strategies]
        if not any(p.any() for p in panels):
            continue
        for col, (s, values) in enumerate(zip(strategies, panels, strict=True), start=1):
            fig.add_trace(
                go.Bar(
                    x=months,
                    y=values.tolist(),
                    name=COMPONENT_LABELS[name],
                    legendgroup=name,
                    showlegend=col == 1,
                    marker={"color": style.COMPONENT_COLORS[name], "line": {"width": 0}},
                    hovertemplate=(
                        f"{STRATEGY_LABELS[s]}, month %{{x}}<br>{COMPONENT_LABELS[name]}: "
                        "%{y:$,.0f}<extra></extra>"
                    ),
                ),
                row=1,
                col=col,
            )
    fig.update_layout(barmode="stack", bargap=0.15)
    fig.update_xaxes(title_text="Month", dtick=_month_tick(h) * (2 if len(strategies) > 2 else 1))
    fig.update_yaxes(title_text="Cost per month", row=1, col=1)
    # Subplot titles are annotations: put them just above each panel, below the legend.
    fig.update_annotations(yshift=-4, font={"size": 13})
    fig.update_layout(margin={"t": 118}, legend={"y": 1.09})
    return fig
