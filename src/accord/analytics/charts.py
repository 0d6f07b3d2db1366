"""Charts as SVG, drawn on the server so the same chart goes into a page, a PDF or an
e-mail: a bar chart, a line chart and a heat-map. Pure: data in, an SVG string out; every
text is escaped. Each chart is an image to assistive technology (``role="img"`` with an
``aria-label``) and carries a ``<title>``; the numbers it shows are in the table next to it."""

from collections.abc import Sequence
from html import escape

FONT = "font-family=\"system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif\""
PALETTE = ("#2563eb", "#16a34a", "#dc2626", "#d97706", "#7c3aed")
LABEL_WIDTH = 120
ROW_HEIGHT = 26


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _open(title: str, width: int, height: int, description: str = "") -> str:
    label = f"{title}. {description}" if description else title
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{_e(label)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" {FONT} font-size="12"><title>{_e(title)}</title>'
        + (f"<desc>{_e(description)}</desc>" if description else "")
    )


def _empty(title: str, empty_text: str, width: int) -> str:
    return (
        _open(title, width, 40) + f'<text x="8" y="24" fill="#6b7280">{_e(empty_text)}</text></svg>'
    )


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    unit: str = "",
    maximum: float | None = None,
    width: int = 640,
    empty_text: str = "",
) -> str:
    """Horizontal bars, one per label, the value written at the end of each (a missing
    value — ``None`` — is an empty bar marked "–")."""
    if not labels:
        return _empty(title, empty_text, width)
    numbers = [v for v in values if v is not None]
    top = maximum if maximum is not None else max(numbers, default=0) or 1
    height = ROW_HEIGHT * len(labels) + 10
    span = width - LABEL_WIDTH - 60
    parts = [_open(title, width, height)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 5 + i * ROW_HEIGHT
        length = 0 if value is None else max(0.0, min(1.0, value / top)) * span
        shown = "–" if value is None else f"{_number(value)}{unit}"
        parts.append(
            f'<g><text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW_HEIGHT - 8}" '
            f'fill="{PALETTE[0]}"><title>{_e(label)}: {_e(shown)}</title></rect>'
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + 16}">{_e(shown)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    width: int = 640,
    height: int = 240,
    empty_text: str = "",
) -> str:
    """One line per series over the x labels, with a legend; a point per value, each with
    its own title (series, label, value)."""
    if not x_labels or not series:
        return _empty(title, empty_text, width)
    left, right, top, bottom = 40, 10, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for _name, values in series for v in values), default=0) or 1
    step = plot_w / max(len(x_labels) - 1, 1)

    def point(i: int, value: float) -> tuple[float, float]:
        return left + i * step, top + plot_h - value / peak * plot_h

    parts = [_open(title, width, height)]
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#9ca3af"/><text x="{left - 6}" y="{top + 4}" text-anchor="end">'
        f"{_e(_number(peak))}</text>"
        f'<text x="{left - 6}" y="{top + plot_h + 4}" text-anchor="end">0</text>'
    )
    every = max(1, len(x_labels) // 8)  # at most about eight labels under the axis
    for i, label in enumerate(x_labels):
        if i % every == 0:
            x = left + i * step
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle">{_e(label)}</text>'
            )
    for n, (name, values) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        points = [point(i, v) for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<g><title>{_e(name)}</title><polyline points="{path}" fill="none" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        for (x, y), label, value in zip(points, x_labels, values, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{_e(name)} · {_e(label)}: {_e(_number(value))}</title></circle>"
            )
        parts.append("</g>")
        legend_x = left + n * 150
        parts.append(
            f'<rect x="{legend_x}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text x="{legend_x + 16}" y="18">{_e(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def heat_map(
    *,
    title: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    values: Sequence[Sequence[int]],
    notes: Sequence[Sequence[str]] | None = None,
    cell: int = 56,
    empty_text: str = "",
) -> str:
    """A grid, rows × columns, each cell shaded by its value and showing it (plus a note,
    e.g. "2 late", in its title)."""
    if not row_labels or not column_labels:
        return _empty(title, empty_text, 640)
    head = 30
    width = LABEL_WIDTH + cell * len(column_labels) + 10
    height = head + cell * len(row_labels) + 10
    peak = max((v for row in values for v in row), default=0) or 1
    parts = [_open(title, width, height)]
    for j, label in enumerate(column_labels):
        x = LABEL_WIDTH + j * cell + cell / 2
        parts.append(f'<text x="{x:.1f}" y="{head - 10}" text-anchor="middle">{_e(label)}</text>')
    for i, label in enumerate(row_labels):
        y = head + i * cell
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + cell / 2 + 4:.1f}" text-anchor="end">{_e(label)}</text>'
        )
        for j, column in enumerate(column_labels):
            value = values[i][j]
            shade = 0.08 + 0.82 * value / peak if value else 0.0
            note = notes[i][j] if notes else ""
            tip = f"{label} → {column}: {value}" + (f" ({note})" if note else "")
            x = LABEL_WIDTH + j * cell
            ink = "#fff" if shade > 0.5 else "#111827"
            parts.append(
                f'<g><title>{_e(tip)}</title><rect x="{x}" y="{y}" width="{cell - 2}" '
                f'height="{cell - 2}" fill="{PALETTE[0]}" fill-opacity="{shade:.2f}" '
                f'stroke="#e5e7eb"/><text x="{x + cell / 2 - 1:.1f}" y="{y + cell / 2 + 4:.1f}" '
                f'text-anchor="middle" fill="{ink}">{value}</text></g>'
            )
    parts.append("</svg>")
    return "".join(parts)
