"""The Charts sheet: native Excel charts over small data tables on the same sheet.

Each chart reads a block of values written to the left, so the reader can see
(and copy) the figures behind every bar and line. Series take the product's
colours for severities, log types and priorities.
"""

from __future__ import annotations

from typing import Any

from app.domain.vocab import LOG_TYPE_COLOURS, PRIORITY_COLOURS, PRIORITY_LABELS, SEVERITIES, SEVERITY_COLOURS, Priority
from app.reports import xlsx_style
from app.reports.context import ReportContext
from app.reports.facts import ReportFacts

CHART_COLUMN = "J"
_GAP = 3
_CHART_ROWS = 18


def _block(ws: Any, state: dict[str, int], title: str, headings: list[str], rows: list[list[Any]],
           date_first: bool = False) -> tuple[int, int]:
    """Append a titled block; returns (heading row, last row) of its table."""
    from openpyxl.cell import WriteOnlyCell

    ws.append([xlsx_style.bold(ws, title, 12)])
    state["row"] += 1
    ws.append(xlsx_style.header_row(ws, headings))
    state["row"] += 1
    top = state["row"]
    for values in rows:
        if date_first:
            cell = WriteOnlyCell(ws, value=values[0])
            cell.number_format = "yyyy-mm-dd"
            values = [cell, *values[1:]]
        ws.append(values)
        state["row"] += 1
    # leave room so the next chart does not overlap this one
    pad = max(_GAP, _CHART_ROWS + _GAP - len(rows) - 2)
    for _ in range(pad):
        ws.append([])
        state["row"] += 1
    return top, top + len(rows)


def _colour_series(series: Any, colour: str, line: bool = False) -> None:
    hex_ = colour.lstrip("#").upper()
    if line:
        series.graphicalProperties.line.solidFill = hex_
        series.graphicalProperties.line.width = 20000
        series.smooth = False
    else:
        series.graphicalProperties.solidFill = hex_
        series.graphicalProperties.line.solidFill = hex_


def write_charts(wb: Any, ctx: ReportContext, facts: ReportFacts) -> int:
    """Write the Charts sheet; returns how many charts it holds."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.series import DataPoint

    ws = wb.create_sheet("Charts")
    xlsx_style.print_setup(ws, ctx.page, title_rows=None)
    ws.column_dimensions["A"].width = 14
    state = {"row": 0}
    charts = 0

    def place(chart: Any, top: int) -> None:
        nonlocal charts
        chart.width, chart.height = 24, 9
        ws.add_chart(chart, f"{CHART_COLUMN}{max(top - 1, 1)}")
        charts += 1

    # 1. Events per local day, stacked by severity.
    rows: list[list[Any]] = [[day, *counts] for day, counts in facts.daily_severity]
    top, last = _block(ws, state, f"Events per day by severity ({ctx.zone_label})", ["Day", *SEVERITIES], rows, True)
    if rows:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title, chart.y_axis.title = "Events per day by severity", "events"
        chart.add_data(Reference(ws, min_col=2, max_col=1 + len(SEVERITIES), min_row=top, max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
        chart.x_axis.number_format = "yyyy-mm-dd"
        for series, sev in zip(chart.series, SEVERITIES):
            _colour_series(series, SEVERITY_COLOURS[sev])
        place(chart, top)

    # 2. Incidents opened and resolved per local day.
    rows = [[day, opened, resolved] for day, opened, resolved in facts.daily_incidents]
    top, last = _block(ws, state, "Incidents opened and resolved per day", ["Day", "opened", "resolved"], rows, True)
    if rows:
        chart = LineChart()
        chart.title, chart.y_axis.title = "Incidents opened and resolved per day", "incidents"
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=top, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
        chart.x_axis.number_format = "yyyy-mm-dd"
        _colour_series(chart.series[0], "#dc2626", line=True)
        _colour_series(chart.series[1], "#16a34a", line=True)
        place(chart, top)

    # 3. Incidents by priority.
    rows = [[PRIORITY_LABELS[Priority(p)], facts.by_priority.get(p, 0)] for p in (1, 2, 3, 4)]
    top, last = _block(ws, state, "Incidents by priority", ["Priority", "incidents"], rows)
    chart = BarChart()
    chart.type, chart.title, chart.legend = "bar", "Incidents by priority", None
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
    for i, p in enumerate((1, 2, 3, 4)):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = PRIORITY_COLOURS[p].lstrip("#").upper()
        chart.series[0].dPt.append(point)
    place(chart, top)

    # 4. Events by log type.
    rows = [[t, sum(c.values())] for t, c in facts.cross_table.items()]
    top, last = _block(ws, state, "Events by log type", ["Log type", "events"], rows)
    chart = BarChart()
    chart.type, chart.title, chart.legend = "col", "Events by log type", None
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
    for i, (t, _n) in enumerate(rows):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = LOG_TYPE_COLOURS[t].lstrip("#").upper()
        chart.series[0].dPt.append(point)
    place(chart, top)
    xlsx_style.finish_sheet(ws)
    return charts
