"""The SVG charts: well-formed XML, a title and an accessible label, every text escaped,
and the values drawn where they should be."""

import xml.etree.ElementTree as ET

from accord.analytics import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    return root


def titles(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}title")]


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_bar_chart():
    svg = charts.bar_chart(
        title="On-time rate (%)",
        labels=["研发部", "设计部", "市场部"],
        values=[40.0, None, 100],
        unit="%",
        maximum=100,
    )
    root = parse(svg)
    assert root.get("aria-label") == "On-time rate (%)"
    assert titles(root) == ["On-time rate (%)", "研发部: 40%", "设计部: –", "市场部: 100%"]
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths == [184.0, 0.0, 460.0]  # 640 − 120 labels − 60 room for the value
    assert texts(root) == ["研发部", "40%", "设计部", "–", "市场部", "100%"]


def test_line_chart():
    svg = charts.line_chart(
        title="By week",
        x_labels=["07-06", "07-13", "07-20"],
        series=[("Due", [1, 2, 4]), ("Late", [0, 1, 0])],
    )
    root = parse(svg)
    assert titles(root)[0] == "By week"
    assert "Due · 07-20: 4" in titles(root)
    assert "Late · 07-13: 1" in titles(root)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    # plot from y = 30 (the peak, 4) down to the axis at y = 200 (zero)
    assert lines[0].get("points") == "40.0,157.5 335.0,115.0 630.0,30.0"
    assert lines[1].get("points") == "40.0,200.0 335.0,157.5 630.0,200.0"
    assert {"07-06", "07-13", "07-20", "Due", "Late"} <= set(texts(root))


def test_heat_map():
    svg = charts.heat_map(
        title="Who gives work to whom",
        row_labels=["市场部", "行政部"],
        column_labels=["研发部", "设计部"],
        values=[[2, 0], [4, 1]],
        notes=[["1 late", "0 late"], ["2 late", "0 late"]],
    )
    root = parse(svg)
    assert titles(root) == [
        "Who gives work to whom",
        "市场部 → 研发部: 2 (1 late)",
        "市场部 → 设计部: 0 (0 late)",
        "行政部 → 研发部: 4 (2 late)",
        "行政部 → 设计部: 1 (0 late)",
    ]
    opacity = [r.get("fill-opacity") for r in root.iter(f"{SVG}rect")]
    assert opacity == ["0.49", "0.00", "0.90", "0.28"]  # 0.08 + 0.82 × value ÷ peak


def test_text_is_escaped():
    nasty = '<script>alert("x")</script> & Co'
    for svg in [
        charts.bar_chart(title=nasty, labels=[nasty], values=[1]),
        charts.line_chart(title=nasty, x_labels=[nasty], series=[(nasty, [1])]),
        charts.heat_map(title=nasty, row_labels=[nasty], column_labels=[nasty], values=[[1]]),
    ]:
        root = parse(svg)
        assert "<script>" not in svg
        assert root.get("aria-label") == nasty
        assert titles(root)[0] == nasty
        assert root.find(f".//{SVG}script") is None


def test_an_empty_chart_says_so():
    for svg in [
        charts.bar_chart(title="T", labels=[], values=[], empty_text="Nothing here."),
        charts.line_chart(title="T", x_labels=[], series=[], empty_text="Nothing here."),
        charts.heat_map(
            title="T", row_labels=[], column_labels=[], values=[], empty_text="Nothing here."
        ),
    ]:
        root = parse(svg)
        assert titles(root) == ["T"]
        assert texts(root) == ["Nothing here."]
