"""Server-rendered SVG charts for the statistics pages: no script, no CDN, colours by CSS class.
Each chart is drawn from a statistics table and is shown beside it, so the numbers are always
readable as text too. Suppressed cells (for sharing) are drawn as nothing."""

from __future__ import annotations

from django.utils.html import escape, format_html, mark_safe
from django.utils.translation import gettext as _

from placements.reporting.statistics import Table, cell_text

BAR_H = 22
GAP = 8
LABEL_W = 190
PLOT_W = 420


def _value(cell, share: bool) -> int:
    if cell.suppressed(share) or cell.value is None:
        return 0
    return int(cell.value)


def _svg(title: str, width: int, height: int, body: str) -> str:
    return mark_safe(  # noqa: S308 - every text inside is escaped below
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def stacked_bars(table: Table, share: bool, series: list[str], skip: tuple[str, ...] = ("total",)):
    """One horizontal bar per row, stacked by the first ``len(series)`` columns (gender)."""
    rows = [r for r in table.rows if r.key not in skip]
    totals = [sum(_value(c, share) for c in r.cells[: len(series)]) for r in rows]
    top = max(totals, default=0) or 1
    legend_h = 24
    height = legend_h + len(rows) * (BAR_H + GAP) + GAP
    parts = []
    x = 4
    for i, name in enumerate(series):
        parts.append(
            format_html(
                '<rect class="s{}" x="{}" y="4" width="12" height="12"/>'
                '<text x="{}" y="15" class="legend">{}</text>',
                i,
                x,
                x + 16,
                name,
            )
        )
        x += 16 + 7 * len(str(name)) + 18  # about 7 px a character at 12 px
    for j, (row, total) in enumerate(zip(rows, totals, strict=True)):
        y = legend_h + GAP + j * (BAR_H + GAP)
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="label" text-anchor="end">{}</text>',
                LABEL_W - 8,
                y + 15,
                row.label if len(row.label) <= 28 else row.label[:27] + "…",
            )
        )
        x = LABEL_W
        for i, cell in enumerate(row.cells[: len(series)]):
            w = round(PLOT_W * _value(cell, share) / top, 1)
            if w:
                parts.append(
                    format_html(
                        '<rect class="s{}" x="{}" y="{}" width="{}" height="{}">'
                        "<title>{}: {}</title></rect>",
                        i,
                        x,
                        y,
                        w,
                        BAR_H,
                        series[i],
                        cell_text(cell, share),
                    )
                )
            x += w
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="value">{}</text>', x + 4, y + 15, total if total else ""
            )
        )
    return _svg(table.title, LABEL_W + PLOT_W + 60, height, "".join(parts))


def funnel(table: Table, share: bool, column: int = -1, skip: tuple[str, ...] = ("returns",)):
    """Centred bars narrowing with each step (the total column); ``skip`` rows are not phases."""
    rows = [r for r in table.rows if r.key not in skip]
    values = [_value(r.cells[column], share) for r in rows]
    top = max(values, default=0) or 1
    width = LABEL_W + PLOT_W + 60
    parts = []
    for j, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = GAP + j * (BAR_H + GAP)
        w = max(round(PLOT_W * value / top, 1), 1 if value else 0)
        x = LABEL_W + (PLOT_W - w) / 2
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="label" text-anchor="end">{}</text>'
                '<rect class="s{}" x="{}" y="{}" width="{}" height="{}"/>'
                '<text x="{}" y="{}" class="value" text-anchor="middle">{}</text>',
                LABEL_W - 8,
                y + 15,
                row.label if len(row.label) <= 30 else row.label[:29] + "…",
                j % 4,
                round(x, 1),
                y,
                w,
                BAR_H,
                LABEL_W + PLOT_W / 2,
                y + 15,
                cell_text(row.cells[column], share),
            )
        )
    return _svg(table.title, width, GAP + len(rows) * (BAR_H + GAP) + GAP, "".join(parts))


def line(table: Table, share: bool, column: int = -1):
    """A percentage per row (months) as a line on a 0–100 % scale."""
    rows = table.rows
    width, height, left, bottom, top_pad = 520, 220, 40, 30, 10
    plot_h = height - bottom - top_pad
    step = (width - left - 20) / max(len(rows) - 1, 1)
    parts = [
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text x="{}" y="{}" class="legend" text-anchor="end">100 %</text>'
            '<text x="{}" y="{}" class="legend" text-anchor="end">0 %</text>',
            left,
            height - bottom,
            width - 10,
            height - bottom,
            left - 4,
            top_pad + 10,
            left - 4,
            height - bottom,
        )
    ]
    points = []
    for i, row in enumerate(rows):
        x = round(left + i * step, 1)
        cell = row.cells[column]
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="legend" text-anchor="middle">{}</text>',
                x,
                height - 10,
                row.label,
            )
        )
        if cell.value is None or cell.suppressed(share):
            continue
        y = round(top_pad + plot_h * (1 - cell.value / 100), 1)
        points.append(f"{x},{y}")
        parts.append(
            format_html(
                '<circle class="s0" cx="{}" cy="{}" r="4"><title>{}: {}</title></circle>',
                x,
                y,
                row.label,
                cell_text(cell, share),
            )
        )
    if len(points) > 1:
        parts.insert(1, format_html('<polyline class="line" points="{}"/>', " ".join(points)))
    if not points:
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="legend">{}</text>', left + 10, height / 2, _("No data")
            )
        )
    return _svg(table.title, width, height, "".join(parts))
