"""Export speed: the deck and the workbook of a 60-month scenario, one chart PNG on a warm browser."""

from __future__ import annotations

import importlib.util

from bench import median_seconds, report
from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tcocalc.model.projection import project
from tests.conftest import updated


def main() -> None:
    print("export")
    catalog = load_catalog()
    scenario = updated(
        load_scenario(DEFAULT_SCENARIO, catalog),
        {
            "horizon_months": 60,
            "workload.monthly_calls": 3_000_000,
            "workload.monthly_growth_pct": 2,
            "category_changes": {"every_months": 3, "new_categories_per_change": 2},
        },
    )
    result = project(scenario, catalog)

    from tcocalc.export.data import monthly_csv, workbook_xlsx
    from tcocalc.export.deck import deck_pptx

    base = median_seconds(lambda: project(scenario, catalog), repeat=20)
    deck = median_seconds(lambda: deck_pptx(result, catalog), repeat=7, warmup=1)
    what = "deck, 60 months (native charts, tornado, 5,000-draw Monte Carlo)"
    report(what, deck, 1.5, base, "one projection")
    xlsx = median_seconds(lambda: workbook_xlsx(result, catalog), repeat=7, warmup=1)
    report("XLSX workbook, 60 months", xlsx, 0.5, base, "one projection")
    csv = median_seconds(lambda: monthly_csv(result), repeat=20)
    report("CSV monthly table, 60 months", csv, None, base, "one projection")

    from tcocalc.export import images

    if not images.chromium_available():
        print(f"  PNG skipped: {images.INSTALL_HINT}")
        return
    if importlib.util.find_spec("tcocalc.present.charts") is not None:
        build = next(iter(images.chart_builders().values()))
        figure, what = build(result), "page chart"
    else:
        import plotly.graph_objects as go

        figure = go.Figure(
            [go.Scatter(y=result.cumulative[i].tolist(), mode="lines") for i in range(3)]
        )
        what = "3-line figure"
    start = median_seconds(lambda: images.figure_png(figure), repeat=1, warmup=0)
    report(f"first PNG ({what}, browser start included)", start)
    png = median_seconds(lambda: images.figure_png(figure), repeat=7, warmup=1)
    report(f"one PNG 1920x1080 ({what}), warm browser", png, 0.5)


if __name__ == "__main__":
    main()
