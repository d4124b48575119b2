"""Server-rendered SVG of one progression indicator over time: the participant's own rating as a
line with points, the guide's rating as hollow squares. No script; every value also has a
``<title>`` and the table beside the chart shows the numbers."""

from __future__ import annotations

from django.utils.html import escape, format_html, mark_safe
from django.utils.translation import gettext as _

W, H, LEFT, RIGHT, TOP, BOTTOM = 360, 150, 28, 12, 10, 26


def indicator_chart(label: str, points: list[tuple]) -> str:
    """``points``: (date, participant value or None, guide value or None), oldest first."""
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def y(v: int) -> float:
        return round(TOP + plot_h * (10 - v) / 9, 1)

    parts = [
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<line class="mid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="legend" x="{}" y="{}" text-anchor="end">10</text>'
            '<text class="legend" x="{}" y="{}" text-anchor="end">5</text>'
            '<text class="legend" x="{}" y="{}" text-anchor="end">1</text>',
            LEFT,
            H - BOTTOM,
            W - RIGHT,
            H - BOTTOM,
            LEFT,
            y(5),
            W - RIGHT,
            y(5),
            LEFT - 4,
            y(10) + 4,
            LEFT - 4,
            y(5) + 4,
            LEFT - 4,
            y(1) + 4,
        )
    ]
    line = []
    for i, (day, own, guide) in enumerate(points):
        x = round(LEFT + i * step if len(points) > 1 else LEFT + plot_w / 2, 1)
        parts.append(
            format_html(
                '<text class="legend" x="{}" y="{}" text-anchor="middle">{}</text>',
                x,
                H - 8,
                day.strftime("%Y-%m-%d")[2:],
            )
        )
        if own is not None:
            line.append(f"{x},{y(own)}")
            parts.append(
                format_html(
                    '<circle class="s0" cx="{}" cy="{}" r="4"><title>{} {}: {}</title></circle>',
                    x,
                    y(own),
                    _("Participant"),
                    day,
                    own,
                )
            )
        if guide is not None:
            parts.append(
                format_html(
                    '<rect class="guide-mark" x="{}" y="{}" width="8" height="8">'
                    "<title>{} {}: {}</title></rect>",
                    x - 4,
                    y(guide) - 4,
                    _("Guide"),
                    day,
                    guide,
                )
            )
    if len(line) > 1:
        parts.insert(1, format_html('<polyline class="line" points="{}"/>', " ".join(line)))
    return mark_safe(  # noqa: S308 - every text above is escaped by format_html
        f'<svg class="chart progression-chart" viewBox="0 0 {W} {H}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(parts)}</svg>"
    )


def score_sparkline(label: str, scores: list[tuple[str, int | None]]) -> str:
    """A small line of 1–5 scores over quarters, for the fidelity trend table."""
    w, h, pad = 120, 28, 4
    step = (w - 2 * pad) / max(len(scores) - 1, 1)
    points, parts = [], []
    for i, (quarter, value) in enumerate(scores):
        if value is None:
            continue
        x = round(pad + i * step, 1)
        y = round(pad + (h - 2 * pad) * (5 - value) / 4, 1)
        points.append(f"{x},{y}")
        parts.append(
            format_html(
                '<circle class="s0" cx="{}" cy="{}" r="2.5"><title>{}: {}</title></circle>',
                x,
                y,
                quarter,
                value,
            )
        )
    if len(points) > 1:
        parts.insert(0, format_html('<polyline class="line" points="{}"/>', " ".join(points)))
    return mark_safe(  # noqa: S308 - every text above is escaped by format_html
        f'<svg class="sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(parts)}</svg>"
    )
