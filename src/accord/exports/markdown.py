"""The minutes as Markdown (GitHub-style tables), to paste into Feishu docs, wikis and chat.

The same sections and words as the Word document (``accord.exports.minutes_text``). Pure:
the record in, text out.

No table has an empty row or cell: a basic-information row without a value is left out
(``minutes_text.basic_rows``), an empty cell says ``—``, and a section with nothing to list
(no action items, no signatures) says "None recorded." rather than a header without rows.
The action plan says as of when its statuses are (``minutes_text.statuses_as_of``).

Everything the record says — titles, names, notes, positions, tasks, objections, and the
labels too, which are text like any other — goes through ``escape`` (in a table, ``cell``,
the same rule), so the only Markdown in the file is Accord's own: its headings, its tables,
its bold labels, its numbered consensus. The rule, CommonMark's with GitHub's tables:

- ``\\ ` * _ ~ [ ] ( ) |`` are escaped with a backslash wherever they are: no emphasis, code,
  strike-through, link, image, reference or table cell can be formed, and no ``](javascript:``
  is left to find.
- ``<`` and ``>`` become ``&lt;`` and ``&gt;``: no raw HTML, comment or autolink survives, and
  no line can open a quote. ``&`` becomes ``&amp;`` only where it would start a character
  reference (``&lt;``, ``&#60;``), so "A & B" stays as written.
- A line of a value cannot open a block: a leading ``#``, ``-``, ``+`` or ``=`` (heading,
  list, thematic break, setext underline) and the ``.`` of a leading ``1.`` (ordered list) are
  escaped, leading spaces (indented code) dropped; no fence can open, its backticks and
  tildes being escaped. A trailing ``#``, which a heading would drop, is escaped.
- A value of several lines stays one line of Markdown, its lines joined by ``<br>`` as in the
  table cells, so it stays inside its section and paragraph whatever it says; each of those
  lines is escaped as above all the same, for renderers that turn ``<br>`` back into line
  breaks before reading the rest.
"""

import re
from typing import Any

from django.utils import translation

from accord.core.limits import normalise_newlines
from accord.exports import minutes_text as text

_INLINE = str.maketrans(
    {
        **{char: "\\" + char for char in "\\`*_~[]()|"},
        "<": "&lt;",
        ">": "&gt;",
    }
)
_REFERENCE = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_BLOCK_START = re.compile(r"^(?:[#+=-]|(?=\d{1,9}\.(?:\s|$)))")
_LIST_NUMBER = re.compile(r"^(\d{1,9})\.")


def _escape_line(line: str) -> str:
    line = _REFERENCE.sub("&amp;", line.strip()).translate(_INLINE)
    if _BLOCK_START.match(line):
        line = _LIST_NUMBER.sub(r"\1\\.", line) if line[0].isdigit() else "\\" + line
    if line.endswith("#") and not line.endswith("\\#"):
        line = line[:-1] + "\\#"
    return line


def escape(value: Any) -> str:
    """``value`` as Markdown text that renders as itself, on one line (see the module's
    docstring for the rule)."""
    lines = normalise_newlines(str(value if value is not None else ""))
    return "<br>".join(_escape_line(line) for line in lines.strip().split("\n"))


def cell(value: Any) -> str:
    """A table cell: the value escaped as everywhere else, line breaks as ``<br>``."""
    return escape(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = [
        "| " + " | ".join(cell(label) for label in header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return [*lines, ""]


def minutes_markdown(record: dict[str, Any], *, language: str) -> str:
    """The minutes in the template's layout (S-TPL-1..3), in ``language``."""
    with translation.override(language):
        return "\n".join(_lines(record)).rstrip("\n") + "\n"


def _lines(record: dict[str, Any]) -> list[str]:
    labels = text.labels()
    said = {key: escape(label) for key, label in labels.items()}  # outside the tables
    meeting = record["meeting"]
    lines = [f"# {escape(meeting['title'])}", "", f"*{said['document']}*", ""]

    lines += [f"## {said['basic']}", ""]
    lines += _table([labels["item"], labels["details"]], text.basic_rows(meeting, labels))
    if (record.get("summary") or "").strip():
        lines += [f"### {said['summary']}", "", escape(record["summary"]), ""]

    lines += [f"## {said['topics']}", ""]
    for number, topic in enumerate(record.get("topics", []), start=1):
        lines += [f"### {said['topic']} {number}：{escape(topic['title'])}", ""]
        if topic.get("lead_department"):
            lines += [f"{said['lead']}：{escape(topic['lead_department'])}", ""]
        lines += [text.labelled(said["time"], escape(text.topic_time(topic))), ""]
        if topic.get("positions"):
            lines += _table(
                [labels["department"], labels["position"], labels["evidence"]],
                [
                    [p["department"], text.blank(p["statement"]), text.blank(p.get("evidence"))]
                    for p in topic["positions"]
                ],
            )
        else:
            lines += [said["no_positions"], ""]
        if (topic.get("notes") or "").strip():
            lines += [f"**{said['notes']}：** {escape(topic['notes'])}", ""]
        outcome = text.outcome(topic.get("outcome")) or labels["no_outcome"]
        lines += [f"**{said['outcome']}：** {escape(outcome)}", ""]

    lines += [f"## {said['consensus']}", ""]
    if record.get("consensus"):
        lines += [
            f"{number}. **{escape(entry['topic'])}：** {escape(entry['text'])}"
            for number, entry in enumerate(record["consensus"], start=1)
        ]
        lines.append("")
    else:
        lines += [said["none"], ""]

    lines += [f"## {said['actions']}", ""]
    if record.get("actions"):
        if as_of := text.statuses_as_of(record):
            lines += [f"*{escape(as_of)}*", ""]
        lines += _table(
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
                    number,
                    item["task"],
                    item["owner"],
                    item["department"],
                    text.due_date(item),
                    text.blank(item.get("resources")),
                    text.action_status(item),
                ]
                for number, item in enumerate(record["actions"], start=1)
            ],
        )
    else:
        lines += [said["none"], ""]

    lines += [f"## {said['objections']}", ""]
    if record.get("objections"):
        lines += _table(
            [labels["objection"], labels["raised_by"], labels["resolution"]],
            [
                [o["text"], o["raised_by"], text.blank(o.get("resolution"))]
                for o in record["objections"]
            ],
        )
    else:
        lines += [said["none"], ""]

    lines += [f"## {said['signatures']}", ""]
    if record.get("signatures"):
        lines += _table(
            [labels["owner"], labels["task"], labels["signed_at"]],
            [
                [s["owner"], s["task"], text.signed_at(s.get("signed_at"))]
                for s in record["signatures"]
            ],
        )
    else:
        lines += [said["none"], ""]
    return lines
