"""Chart builders for the decision analytics: pure functions from an analysis to a plotly Figure.

They share the page's look (:mod:`tcocalc.present.charts`: its layout, one colour per strategy from
:mod:`tcocalc.present.style`, 16:9 images); on the page, ``tcocalc.present.charts.plotly_config`` makes the
modebar's camera button download a 960x540 x2 PNG (1920x1080, slide size).

>>> from tcocalc.analytics import Basis, tornado
>>> from tcocalc.inputs.loader import DEFAULT_SCENARIO, PROJECT_ROOT, load_catalog, load_scenario
>>> catalog = load_catalog(PROJECT_ROOT / "tests" / "fixtures" / "pricing")
>>> basis = Basis.build(load_scenario(DEFAULT_SCENARIO, catalog), catalog)
>>> fig = tornado_chart(tornado(basis))
>>> fig.data[0].y[-1]  # the top driver is drawn at the top
'Engineer rate'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from tcocalc.analytics import (
    CHALLENGERS,
    DRIVERS,
    BreakEvenMap,
    MonteCarlo,
    Tornado,
    format_usd,
    format_value,
)
from tcocalc.model.engine import STRATEGIES, STRATEGY_LABELS
from tcocalc.present import style
from tcocalc.present.charts import base_layout, wrap_words
from tcocalc.present.methods import data_range

AXIS_TITLE_CHARS = 36
"""Longest line of a map's axis title: the y title runs along a plot about 300 px tall."""
MAX_TORNADO_BARS = 12
"""More bars than this do not read on a slide; the table lists every driver."""
DOWN_COLOR = style.LIGHT["bar_down"]
UP_COLOR = style.LIGHT["bar_up"]
NEUTRAL_LINE = style.LIGHT["neutral"]


class _Spec:
    """A figure as plotly JSON, built with the few ``Figure`` methods used here.

    :meth:`figure` skips plotly's per-property validation, as :mod:`tcocalc.present.charts` does: building
    a validated figure costs tens of milliseconds, and the Analysis tab draws five.
    """

    def __init__(self, title: str, subtitle: str) -> None:
        self.data: list[dict[str, Any]] = []
        self.layout: dict[str, Any] = base_layout(
            title,
            subtitle,
            xaxis={"zeroline": False, "showline": True},
            yaxis={"zeroline": False},
            shapes=[],
            annotations=[],
        )

    def add_trace(self, trace: dict[str, Any]) -> None:
        self.data.append(trace)

    def update_layout(self, **changes: Any) -> None:
        _merge(self.layout, changes)

    def update_xaxes(self, **changes: Any) -> None:
        _merge(self.layout["xaxis"], _axis(changes))

    def update_yaxes(self, **changes: Any) -> None:
        _merge(self.layout["yaxis"], _axis(changes))

    def add_annotation(self, **annotation: Any) -> None:
        self.layout["annotations"].append(annotation)

    def add_vline(self, x: float, line: dict[str, Any]) -> None:
        self.layout["shapes"].append(
            {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
             "line": line}
        )  # fmt: skip

    def add_hline(self, y: float, line: dict[str, Any]) -> None:
        self.layout["shapes"].append(
            {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y,
             "line": line}
        )  # fmt: skip

    def figure(self) -> go.Figure:
        return go.Figure({"data": self.data, "layout": self.layout}, _validate=False)


def _merge(target: dict[str, Any], changes: dict[str, Any]) -> None:
    """Deep-merge ``changes`` into ``target`` (nested dicts merge, everything else replaces)."""
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def _axis(changes: dict[str, Any]) -> dict[str, Any]:
    """``title_text=`` / ``title_font=`` as plotly's nested ``title``."""
    out = dict(changes)
    title = {k: out.pop(f"title_{k}") for k in ("text", "font") if f"title_{k}" in out}
    if title:
        out["title"] = title
    return out


def _trace(kind: str, **properties: Any) -> dict[str, Any]:
    return {"type": kind, **properties}


def _month_tick(horizon: int) -> int:
    """A tick step that gives at most ~13 month labels.

    >>> _month_tick(24), _month_tick(120)
    (2, 12)
    """
    for step in (1, 2, 3, 6, 12):
        if horizon / step <= 13:
            return step
    return 24


def tint(hex_color: str, alpha: float) -> str:
    """``hex_color`` laid over white at ``alpha`` (an opaque colour, for fills under lines).

    >>> tint("#2563EB", 0.0), tint("#2563EB", 1.0)
    ('#ffffff', '#2563eb')
    """
    rgb = [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 + (c - 255) * alpha) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _breakeven_text(month: int, horizon: int) -> str:
    return f"month {month}" if month else f"not within {horizon} months"


# --- Tornado ----------------------------------------------------------------------------------


def tornado_chart(t: Tornado, name: str = "", max_bars: int = MAX_TORNADO_BARS) -> go.Figure:
    """Horizontal bars from today's horizon difference to its value with each driver down / up.

    The x axis is the challenger's cumulative cost minus prompting's at the horizon; the vertical
    line at 0 is where the cheaper strategy changes, so a bar crossing it flips the verdict (its
    label carries ⇄).
    """
    challenger = STRATEGY_LABELS[t.challenger]
    rows = list(t.rows[:max_bars])[::-1]  # plotly draws the first category at the bottom
    labels = [f"{r.label} ⇄" if r.flips else r.label for r in rows]
    pct = round(t.share * 100)
    subtitle = (
        f"{name + ' · ' if name else ''}each input {pct} % down and up, the others held · "
        f"{challenger.lower()} − prompting at month {t.horizon_months}, USD"
    )
    fig = _Spec(f"What moves the difference: {challenger.lower()} vs prompting", subtitle)
    for side, color, values, diffs, months in (
        ("down", DOWN_COLOR, [r.low_value for r in rows], [r.difference_low_usd for r in rows],
         [r.breakeven_low for r in rows]),
        ("up", UP_COLOR, [r.high_value for r in rows], [r.difference_high_usd for r in rows],
         [r.breakeven_high for r in rows]),
    ):  # fmt: skip
        custom = [
            [
                format_value(r.driver, v),
                format_usd(d),
                _breakeven_text(m, t.horizon_months),
            ]
            for r, v, d, m in zip(rows, values, diffs, months, strict=True)
        ]
        fig.add_trace(
            _trace(
                "bar",
                y=labels,
                x=[d - t.base_difference_usd for d in diffs],
                base=t.base_difference_usd,
                orientation="h",
                name=f"Input {pct} % {'lower' if side == 'down' else 'higher'}",
                marker={"color": color, "line": {"width": 0}},
                customdata=custom,
                hovertemplate=(
                    "%{y}: %{customdata[0]}<br>"
                    f"{challenger} − prompting: %{{customdata[1]}}<br>"
                    "Break-even: %{customdata[2]}<extra></extra>"
                ),
            )
        )
    fig.add_vline(
        x=t.base_difference_usd,
        line={"color": style.STRATEGY_COLORS[t.challenger], "width": 2},
    )
    fig.add_annotation(
        x=t.base_difference_usd,
        y=1.0,
        yref="paper",
        text=f"today {format_usd(t.base_difference_usd)}",
        showarrow=False,
        yanchor="bottom",
        font={"size": 11, "color": style.STRATEGY_COLORS[t.challenger]},
    )
    fig.add_vline(x=0, line={"color": style.BREAKEVEN_COLOR, "width": 1.5, "dash": "dash"})
    fig.update_layout(barmode="overlay", bargap=0.35, legend={"traceorder": "normal"})
    ends = [t.base_difference_usd]
    ends += [d for r in rows for d in (r.difference_low_usd, r.difference_high_usd)]
    # The axis spans the bars on round ticks, not from $0 (the dashed line at $0, where the
    # verdict flips, shows when a bar reaches it). Bars with a base would otherwise stretch the
    # axis to their lengths as if they were values.
    low, high, step = data_range(ends)
    if low == high:
        low, high = low - step, high + step
    fig.update_xaxes(
        tickprefix="$",
        tickformat="~s",
        range=[low, high],
        dtick=step,
        title_text=f"⇠ {challenger.lower()} cheaper · prompting cheaper ⇢<br>"
        f"{challenger.lower()} − prompting at month {t.horizon_months}",
        title_font={"size": 12},
    )
    left_out = len(t.rows) - len(rows)
    if left_out > 0:
        fig.add_annotation(
            x=1.0,
            y=0.0,
            xref="paper",
            yref="paper",
            text=f"+{left_out} smaller (see the table)",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"size": 11, "color": NEUTRAL_LINE},
        )
    margin_left = 30 + 7 * max((len(s) for s in labels), default=10)
    fig.update_layout(margin={"l": min(margin_left, 330), "b": 110})
    return fig.figure()


# --- Break-even map -----------------------------------------------------------------------------


def _axis_title(key: str) -> str:
    d = DRIVERS[key]
    unit = "%" if d.mode == "accuracy" or d.unit == "share" else d.unit
    return wrap_words(f"{d.label}, {unit}", AXIS_TITLE_CHARS)


def _axis_values(key: str, values: np.ndarray) -> list[float]:
    d = DRIVERS[key]
    scale = 100.0 if d.mode == "accuracy" or d.unit == "share" else 1.0
    return [float(v) * scale for v in values]


def breakeven_map_chart(m: BreakEvenMap, name: str = "") -> go.Figure:
    """Which strategy is cheapest at the horizon over two drivers, the break-even lines of both
    challengers, and today's scenario marked."""
    x = _axis_values(m.x_driver, m.x)
    y = _axis_values(m.y_driver, m.y)
    cheapest = m.cheapest
    colors = [tint(style.STRATEGY_COLORS[s], 0.35) for s in STRATEGIES]
    scale = [
        [0.0, colors[0]],
        [1 / 3, colors[0]],
        [1 / 3, colors[1]],
        [2 / 3, colors[1]],
        [2 / 3, colors[2]],
        [1.0, colors[2]],
    ]
    text = np.array([STRATEGY_LABELS[s] for s in STRATEGIES])[cheapest]
    fig = _Spec(
        f"Cheapest strategy by month {m.horizon_months}",
        f"{name + ' · ' if name else ''}each point a full projection; lines: break-even"
        + (f" · {m.short_note}" if m.short_note else ""),
    )
    fig.add_trace(
        _trace(
            "heatmap",
            x=x,
            y=y,
            z=cheapest,
            zmin=-0.5,
            zmax=2.5,
            colorscale=scale,
            showscale=False,
            text=text,
            customdata=np.stack([m.difference(c) for c in CHALLENGERS], axis=-1),
            hovertemplate=(
                f"{DRIVERS[m.x_driver].label}: %{{x:,.4~g}}<br>"
                f"{DRIVERS[m.y_driver].label}: %{{y:,.4~g}}<br>"
                "Cheapest: %{text}<br>"
                "Fine-tuning − prompting: %{customdata[0]:$,.0f}<br>"
                "Hybrid − prompting: %{customdata[1]:$,.0f}<extra></extra>"
            ),
        )
    )
    present = set(np.unique(cheapest).tolist())
    for i, s in enumerate(STRATEGIES):
        if i in present:
            fig.add_trace(
                _trace(
                    "scatter",
                    x=[None],
                    y=[None],
                    mode="markers",
                    name=f"{STRATEGY_LABELS[s]} cheapest",
                    marker={
                        "symbol": "square",
                        "size": 13,
                        "color": colors[i],
                        "line": {"color": style.STRATEGY_COLORS[s], "width": 1},
                    },
                )
            )
    for challenger, dash in (("fine_tuning", "solid"), ("hybrid", "dash")):
        diff = m.difference(challenger)
        if diff.min() <= 0 <= diff.max():
            fig.add_trace(
                _trace(
                    "contour",
                    x=x,
                    y=y,
                    z=diff,
                    contours={"start": 0, "end": 0, "size": 1, "coloring": "none"},
                    line={"color": style.STRATEGY_COLORS[challenger], "width": 3, "dash": dash},
                    showscale=False,
                    name=f"{STRATEGY_LABELS[challenger]} breaks even",
                    showlegend=True,
                    hoverinfo="skip",
                )
            )
    cx, cy = (_axis_values(k, np.array([v]))[0] for k, v in zip(
        (m.x_driver, m.y_driver), m.current, strict=True))  # fmt: skip
    fig.add_trace(
        _trace(
            "scatter",
            x=[cx],
            y=[cy],
            mode="markers+text",
            name="Today",
            marker={
                "symbol": "star",
                "size": 17,
                "color": style.BREAKEVEN_COLOR,
                "line": {"color": style.LIGHT["background_word"], "width": 1.5},
            },
            text=["today"],
            textposition="top right",
            textfont={"size": 12, "color": style.BREAKEVEN_COLOR},
            hovertemplate=(
                f"Today: {format_value(m.x_driver, m.current[0])}, "
                f"{format_value(m.y_driver, m.current[1])}<extra></extra>"
            ),
            cliponaxis=False,
        )
    )
    x_log = DRIVERS[m.x_driver].log_scale and m.x.min() > 0
    y_log = DRIVERS[m.y_driver].log_scale and m.y.min() > 0
    fig.update_xaxes(title_text=_axis_title(m.x_driver), type="log" if x_log else "linear",
                     range=_edges(x, x_log), showgrid=False)  # fmt: skip
    fig.update_yaxes(title_text=_axis_title(m.y_driver), type="log" if y_log else "linear",
                     range=_edges(y, y_log), showgrid=False)  # fmt: skip
    return fig.figure()


def _edges(values: list[float], log: bool) -> list[float]:
    """The axis range that shows the heatmap's outer cells whole (log10 units on a log axis).

    >>> _edges([0.0, 1.0, 2.0], False), _edges([1.0, 10.0, 100.0], True)
    ([-0.5, 2.5], [-0.5, 2.5])
    """
    v = np.log10(values) if log else np.asarray(values, dtype=float)
    if v.size < 2:
        return [float(v[0]) - 0.5, float(v[0]) + 0.5]
    return [float(v[0] - (v[1] - v[0]) / 2), float(v[-1] + (v[-1] - v[-2]) / 2)]


# --- Monte Carlo ------------------------------------------------------------------------------


def _mc_subtitle(mc: MonteCarlo, name: str) -> str:
    dist = "PERT" if mc.distribution == "pert" else "triangular"
    return f"{name + ' · ' if name else ''}{mc.draws:,} draws ({dist}, seed {mc.seed}) · USD"


def fan_chart(mc: MonteCarlo, name: str = "", show_hybrid: bool = True) -> go.Figure:
    """P10-P50-P90 of each challenger's cumulative cost minus prompting's, month by month.

    Below 0 the challenger has spent less than prompting so far. Month 0 is the start.
    """
    h = mc.horizon_months
    months = list(range(h + 1))
    fig = _Spec("How sure: cumulative difference to prompting", _mc_subtitle(mc, name))
    challengers = CHALLENGERS if show_hybrid else CHALLENGERS[:1]
    for j, c in enumerate(CHALLENGERS):
        if c not in challengers:
            continue
        color = style.STRATEGY_COLORS[c]
        label = STRATEGY_LABELS[c]
        p10, p50, p90 = ([0.0, *map(float, mc.percentiles_usd[j, k])] for k in range(3))
        fig.add_trace(
            _trace(
                "scatter",
                x=months,
                y=p90,
                mode="lines",
                line={"width": 0, "color": color},
                showlegend=False,
                legendgroup=c,
                hovertemplate=f"{label} P90: %{{y:$,.0f}}<extra></extra>",
            )
        )
        fig.add_trace(
            _trace(
                "scatter",
                x=months,
                y=p10,
                mode="lines",
                line={"width": 0, "color": color},
                fill="tonexty",
                fillcolor=_rgba(color, 0.18),
                name=f"{label}: P10–P90",
                legendgroup=c,
                hovertemplate=f"{label} P10: %{{y:$,.0f}}<extra></extra>",
            )
        )
        fig.add_trace(
            _trace(
                "scatter",
                x=months,
                y=p50,
                mode="lines",
                line={"width": 3, "color": color},
                name=f"{label}: median",
                legendgroup=c,
                hovertemplate=f"{label} median: %{{y:$,.0f}}<extra></extra>",
            )
        )
    fig.add_hline(y=0, line={"color": style.BREAKEVEN_COLOR, "width": 1.5, "dash": "dash"})
    fig.add_annotation(
        x=0,
        y=0,
        text="below this line the challenger has cost less so far",
        showarrow=False,
        xanchor="left",
        yanchor="top",
        xshift=4,
        font={"size": 11, "color": style.BREAKEVEN_COLOR},
    )
    # The odds in one box, top left (cumulative differences mostly rise, leaving it free).
    odds = "<br>".join(
        f"<span style='color:{style.STRATEGY_COLORS[c]}'>{STRATEGY_LABELS[c]} cheaper by month "
        f"{h} in <b>{mc.probability_cheaper(c):.0%}</b> of draws</span>"
        for c in challengers
    )
    fig.add_annotation(
        x=0.01,
        y=0.99,
        xref="paper",
        yref="paper",
        text=odds,
        showarrow=False,
        xanchor="left",
        yanchor="top",
        align="left",
        font={"size": 12},
        bgcolor=style.LIGHT["label_background"],
    )
    fig.update_xaxes(title_text="Month", range=[0, h + 0.3], dtick=_month_tick(h))
    fig.update_yaxes(title_text="Challenger − prompting,<br>cumulative", tickprefix="$",
                     tickformat="~s")  # fmt: skip
    fig.update_layout(hovermode="x unified")
    return fig.figure()


def breakeven_histogram(mc: MonteCarlo, name: str = "", show_hybrid: bool = True) -> go.Figure:
    """Share of draws breaking even (durably) in each month, and of draws that never do within the
    horizon (the last bar)."""
    h = mc.horizon_months
    never = f">{h}"  # not within the horizon: later, or never
    categories = [str(m) for m in range(1, h + 1)] + [never]
    fig = _Spec("When does it pay back? Break-even month across draws", _mc_subtitle(mc, name))
    challengers = CHALLENGERS if show_hybrid else CHALLENGERS[:1]
    for c in challengers:
        dist = mc.breakeven_distribution(c)
        shares = [dist[m] for m in range(1, h + 1)] + [dist[0]]
        cumulative = [*np.cumsum(shares[:-1]).tolist(), 1.0]
        fig.add_trace(
            _trace(
                "bar",
                x=categories,
                y=shares,
                name=STRATEGY_LABELS[c],
                marker={
                    "color": [style.STRATEGY_COLORS[c]] * h + [tint(style.STRATEGY_COLORS[c], 0.4)],
                    "line": {"width": 0},
                },
                customdata=cumulative,
                hovertemplate=(
                    f"{STRATEGY_LABELS[c]}, break-even month %{{x}}: %{{y:.1%}} of draws"
                    "<br>by then: %{customdata:.1%}<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="group", bargap=0.2)
    step = _month_tick(h)
    ticks = [str(m) for m in range(1, h + 1) if m == 1 or m % step == 0] + [never]
    fig.update_xaxes(title_text="Month of durable break-even", type="category",
                     tickmode="array", tickvals=ticks, tickangle=0)  # fmt: skip
    fig.update_yaxes(title_text="Share of draws", tickformat=".0%", rangemode="tozero")
    fig.update_layout(margin={"r": 48})  # room for the last label
    return fig.figure()


def importance_chart(mc: MonteCarlo, challenger: str = "fine_tuning", name: str = "") -> go.Figure:
    """Rank correlation of each uncertain input with the challenger's horizon difference."""
    items = [(k, v) for k, v in mc.importance(challenger).items()][::-1]
    label = STRATEGY_LABELS[challenger]
    fig = _Spec("Which uncertainty matters", _mc_subtitle(mc, name))
    fig.add_trace(
        _trace(
            "bar",
            y=[DRIVERS[k].label for k, _ in items],
            x=[v for _, v in items],
            orientation="h",
            marker={"color": [UP_COLOR if v > 0 else DOWN_COLOR for _, v in items]},
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(
        range=[-1, 1],
        title_text=(
            f"Rank correlation with {label.lower()} − prompting at the horizon<br>"
            f"right: a higher input makes {label.lower()} relatively dearer"
        ),
    )
    longest = max((len(DRIVERS[k].label) for k, _ in items), default=10)
    fig.update_layout(margin={"l": min(30 + 7 * longest, 330)})
    return fig.figure()
