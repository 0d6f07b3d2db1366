"""The minutes as a Word document (S-TPL-1..3), and the minutes poured into a company's own
DOCX template.

``minutes_docx`` writes the built-in layout on A4 paper (python-docx's blank document is US
Letter), with Word's Chinese default margins: the title; the basic information table; each
topic with each department's position and evidence, the notes and the outcome; the
consensus list; the action plan table; objections and how they were resolved; the
signature table. Tables are real Word tables whose header row repeats on every page; the
page header carries the meeting name and the footer the page number (a PAGE field). East
Asian text is set in a CJK font (``w:eastAsia``), so Word, WPS and LibreOffice show the
Chinese.

``minutes_docx_from_template`` fills an organisation's own template (its official 纪要
format) with docxtpl. Its placeholders are Jinja expressions; a name Accord does not know is
an error (``StrictUndefined``), so a typo is caught when the template is uploaded rather
than printed as nothing. It is filled in a sandbox, in a child process with a time and a
memory budget (``accord.exports.docx_sandbox``). A company template keeps its own page size,
orientation and margins: it is the organisation's official format, so Accord fills it and
changes nothing of its layout (A4 is only the built-in layout's choice). The placeholders:

``{{ title }}``
    the meeting name. Also ``{{ goal }}``, ``{{ time }}`` (when it was held, then the plan
    when it differs: ``2026-09-09 14:00–15:25 (planned 14:00–15:30)``), ``{{ place }}``
    (room and online meeting), ``{{ location }}``, ``{{ online_meeting_number }}``,
    ``{{ online_link }}``, ``{{ host }}`` and
    ``{{ recorder }}`` (``王经理（经理）``), ``{{ departments_present }}``
    (``市场部：经理、专员；研发部：主管``), ``{{ copied_departments }}`` (``、``-separated),
    ``{{ summary }}`` (the approved summary, empty while written), ``{{ language }}``.
``{% for d in departments %}``
    ``d.department``, ``d.people`` (``经理、专员``).
``{% for t in topics %}``
    ``t.number``, ``t.title``, ``t.lead_department``, ``t.notes``, ``t.outcome`` (kind and
    conclusion as one line), ``t.outcome_kind``, ``t.outcome_text``, ``t.next_meeting_on``
    (``2026-09-16`` for a topic discussed again at the next meeting, else empty),
    ``t.planned_minutes``, ``t.actual_minutes`` (empty when not recorded), ``t.time``
    (``planned 30 min · actual 35 min``), and
    ``{% for p in t.positions %}`` with ``p.department``, ``p.statement``, ``p.evidence``.
``{% for c in consensus %}``
    ``c.number``, ``c.topic``, ``c.text``.
``{%tr for a in actions %}`` (one table row per item)
    ``a.number``, ``a.task``, ``a.owner``, ``a.department``, ``a.due_date``
    (``2026-09-15``, as the minutes committed to), ``a.replanned_to`` (the date it was
    re-planned to since, else empty), ``a.resources``, ``a.status`` (translated; today's, see
    ``{{ statuses_as_of }}``), ``a.topic``.
``{{ statuses_as_of }}``
    ``Statuses as of 2026-09-10 14:00`` (translated): when the statuses were read.
``{%tr for o in objections %}``
    ``o.number``, ``o.text``, ``o.raised_by``, ``o.resolution``.
``{%tr for s in signatures %}``
    ``s.number``, ``s.owner``, ``s.task``, ``s.signed_at`` (``2026-09-10 10:00`` or
    "Not signed").
``{{ labels.task }}`` …
    every label of the built-in layout, translated (see ``minutes_text.labels``).

Pure: the record and the template's bytes in, bytes out; no database."""

import io
from typing import Any

from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table
from docx.text.paragraph import Paragraph

from accord.exports import minutes_text as text
from accord.exports.docx_sandbox import TemplateError, fill

__all__ = ["TemplateError", "minutes_docx", "minutes_docx_from_template", "template_context"]

# Word and WPS on Windows have YaHei; elsewhere the font table's alternative name and the
# GB2312 charset lead LibreOffice and the Mac to a Chinese font (Noto CJK when installed).
CJK_FONT = "Microsoft YaHei"
CJK_FALLBACK = "Noto Sans CJK SC"
LATIN_FONT = "Calibri"

# 210 × 297 mm as Word writes it, in twentieths of a point
A4_WIDTH, A4_HEIGHT = Twips(11906), Twips(16838)

STYLES = ["Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Number", "Header"]


# -- fonts, fields, tables ---------------------------------------------------------------------


def _set_fonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), CJK_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _setup_fonts(document) -> None:
    styles = document.styles
    for name in STYLES:
        try:
            style = styles[name]
        except KeyError:
            continue
        _set_fonts(style.element.get_or_add_rPr())
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_fonts(rpr)
    _declare_font(document)


def _declare_font(document) -> None:
    """The font table entry: the alternative name and the Chinese charset."""
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            root = etree.fromstring(part.blob)
            font = OxmlElement("w:font")
            font.set(qn("w:name"), CJK_FONT)
            for tag, value in [
                ("w:altName", CJK_FALLBACK),
                ("w:charset", "86"),  # GB2312
                ("w:family", "swiss"),
                ("w:pitch", "variable"),
            ]:
                child = OxmlElement(tag)
                child.set(qn("w:val"), value)
                font.append(child)
            root.append(font)
            part._blob = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )
            return


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the reader fills in."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, shown, end):
        run._r.append(element)


def _table(document, header: list[str], rows: list[list[str]]) -> Table:
    """A grid table whose first row is the header, repeated on every page."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    properties = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for cell, label in zip(head.cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(label).bold = True
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), "D9E2F3")
        cell._tc.get_or_add_tcPr().append(shading)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _cell_text(cell, value)
    document.add_paragraph()
    return table


def _cell_text(cell, value: str) -> None:
    """The value, one paragraph per line."""
    lines = str(value or "").split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _a4(section) -> None:
    """A4 portrait with Word's Chinese default margins (2.54 cm top and bottom, 3.17 cm left
    and right): python-docx's blank document is US Letter, which Chinese offices do not use."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
    section.top_margin = section.bottom_margin = Twips(1440)
    section.left_margin = section.right_margin = Twips(1800)


# -- the built-in layout ---------------------------------------------------------------------


def minutes_docx(record: dict[str, Any], *, language: str) -> bytes:
    """The minutes in the template's layout (S-TPL-1..3), in ``language``."""
    with translation.override(language):
        return _build(record)


def _build(record: dict[str, Any]) -> bytes:
    labels = text.labels()
    meeting = record["meeting"]
    document = Document()
    _setup_fonts(document)
    document.core_properties.title = meeting["title"]
    document.core_properties.subject = labels["document"]
    document.core_properties.language = translation.get_language()

    section = document.sections[0]
    _a4(section)
    header = section.header.paragraphs[0]
    header.text = f"{meeting['title']} · {labels['document']}"
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, middle, after = text.page_footer()
    footer.add_run(before)
    _field(footer, "PAGE")
    footer.add_run(middle)
    _field(footer, "NUMPAGES")
    footer.add_run(after)

    document.add_heading(meeting["title"], level=0)
    document.add_paragraph(labels["document"]).runs[0].italic = True

    document.add_heading(labels["basic"], level=1)
    _table(document, [labels["item"], labels["details"]], text.basic_rows(meeting, labels))
    if record.get("summary"):
        document.add_heading(labels["summary"], level=2)
        for line in record["summary"].split("\n"):
            document.add_paragraph(line)

    document.add_heading(labels["topics"], level=1)
    for number, topic in enumerate(record.get("topics", []), start=1):
        document.add_heading(f"{labels['topic']} {number}：{topic['title']}", level=2)
        if topic.get("lead_department"):
            document.add_paragraph(f"{labels['lead']}：{topic['lead_department']}")
        document.add_paragraph(text.labelled(labels["time"], text.topic_time(topic)))
        if topic.get("positions"):
            _table(
                document,
                [labels["department"], labels["position"], labels["evidence"]],
                [
                    [p["department"], text.blank(p["statement"]), text.blank(p.get("evidence"))]
                    for p in topic["positions"]
                ],
            )
        else:
            document.add_paragraph(labels["no_positions"])
        if topic.get("notes"):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{labels['notes']}：").bold = True
            paragraph.add_run(topic["notes"])
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{labels['outcome']}：").bold = True
        paragraph.add_run(text.outcome(topic.get("outcome")) or labels["no_outcome"])

    document.add_heading(labels["consensus"], level=1)
    if record.get("consensus"):
        for entry in record["consensus"]:
            paragraph = document.add_paragraph(style="List Number")
            paragraph.add_run(f"{entry['topic']}：").bold = True
            paragraph.add_run(entry["text"])
    else:
        document.add_paragraph(labels["none"])

    document.add_heading(labels["actions"], level=1)
    if record.get("actions") and (as_of := text.statuses_as_of(record)):
        document.add_paragraph(as_of).runs[0].italic = True
    _table(
        document,
        [
            labels["number"],
            labels["task"],
            labels["owner"],
            labels["department"],
            labels["due_date"],
            labels["resources"],
            labels["status"],
        ],
        [
            [
                str(number),
                item["task"],
                item["owner"],
                item["department"],
                text.due_date(item),
                text.blank(item.get("resources")),
                text.action_status(item),
            ]
            for number, item in enumerate(record.get("actions", []), start=1)
        ],
    )

    document.add_heading(labels["objections"], level=1)
    if record.get("objections"):
        _table(
            document,
            [labels["objection"], labels["raised_by"], labels["resolution"]],
            [
                [o["text"], o["raised_by"], text.blank(o.get("resolution"))]
                for o in record["objections"]
            ],
        )
    else:
        document.add_paragraph(labels["none"])

    document.add_heading(labels["signatures"], level=1)
    _table(
        document,
        [labels["owner"], labels["task"], labels["signed_at"]],
        [
            [s["owner"], s["task"], text.signed_at(s.get("signed_at"))]
            for s in record.get("signatures", [])
        ],
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- company templates -----------------------------------------------------------------------


def template_context(record: dict[str, Any], *, language: str) -> dict[str, Any]:
    """The values a company template's placeholders read (see the module docstring)."""
    with translation.override(language):
        meeting = record["meeting"]
        return {
            "language": language,
            "labels": text.labels(),
            "title": meeting["title"],
            "goal": meeting.get("goal", ""),
            "time": text.meeting_time(meeting),
            "place": text.place(meeting),
            "location": meeting.get("location", ""),
            "online_meeting_number": meeting.get("online_meeting_number", ""),
            "online_link": meeting.get("online_link", ""),
            "host": text.person(meeting.get("host")),
            "recorder": text.person(meeting.get("recorder")),
            "departments_present": "；".join(text.departments_present(meeting)),
            "departments": [
                {"department": d["department"], "people": "、".join(d["people"])}
                for d in meeting.get("departments", [])
            ],
            "copied_departments": "、".join(meeting.get("copied_departments", [])),
            "summary": record.get("summary", ""),
            "statuses_as_of": text.statuses_as_of(record),
            "topics": [
                {
                    "number": number,
                    "title": topic["title"],
                    "lead_department": topic.get("lead_department", ""),
                    "notes": topic.get("notes", ""),
                    "outcome": text.outcome(topic.get("outcome")),
                    "outcome_kind": text.outcome({**topic["outcome"], "text": ""})
                    if topic.get("outcome")
                    else "",
                    "outcome_text": (topic.get("outcome") or {}).get("text", ""),
                    "next_meeting_on": (topic.get("outcome") or {}).get("next_meeting_on") or "",
                    "planned_minutes": topic.get("planned_minutes", ""),
                    "actual_minutes": topic.get("actual_minutes") or "",
                    "time": text.topic_time(topic),
                    "positions": [
                        {
                            "department": p["department"],
                            "statement": p["statement"],
                            "evidence": p.get("evidence", ""),
                        }
                        for p in topic.get("positions", [])
                    ],
                }
                for number, topic in enumerate(record.get("topics", []), start=1)
            ],
            "consensus": [
                {"number": number, "topic": c["topic"], "text": c["text"]}
                for number, c in enumerate(record.get("consensus", []), start=1)
            ],
            "actions": [
                {
                    "number": number,
                    "task": a["task"],
                    "owner": a["owner"],
                    "department": a["department"],
                    "due_date": a["due_date"],
                    "replanned_to": a.get("replanned_to", ""),
                    "resources": a.get("resources", ""),
                    "status": text.action_status(a),
                    "topic": a.get("topic", ""),
                }
                for number, a in enumerate(record.get("actions", []), start=1)
            ],
            "objections": [
                {
                    "number": number,
                    "text": o["text"],
                    "raised_by": o["raised_by"],
                    "resolution": o.get("resolution", ""),
                }
                for number, o in enumerate(record.get("objections", []), start=1)
            ],
            "signatures": [
                {
                    "number": number,
                    "owner": s["owner"],
                    "task": s["task"],
                    "signed_at": text.signed_at(s.get("signed_at")),
                }
                for number, s in enumerate(record.get("signatures", []), start=1)
            ],
        }


def minutes_docx_from_template(
    record: dict[str, Any],
    *,
    language: str,
    template: bytes,
    seconds: int | None = None,
    memory_mb: int | None = None,
) -> bytes:
    """The record poured into a company's DOCX template. The template runs in Jinja's
    sandbox inside a child process that may use ``seconds`` of time and ``memory_mb`` of
    memory (``ACCORD_TEMPLATE_SECONDS``, ``ACCORD_TEMPLATE_MEMORY_MB`` by default; see
    ``accord.exports.docx_sandbox``). ``TemplateError`` says what is wrong with a template
    that is not a DOCX, whose placeholders do not work, or that exceeds its budget."""
    from django.conf import settings

    return fill(
        template,
        template_context(record, language=language),
        seconds=settings.ACCORD_TEMPLATE_SECONDS if seconds is None else seconds,
        memory_mb=settings.ACCORD_TEMPLATE_MEMORY_MB if memory_mb is None else memory_mb,
    )
