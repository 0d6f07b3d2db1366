"""The minutes as Markdown (GitHub-style tables), to paste into Feishu docs, wikis and chat.

The same sections and words as the Word document (``accord.exports.minutes_text``). Pure:
the record in, text out."""

from typing import Any

from django.utils import translation

from accord.exports import minutes_text as text


def cell(value: Any) -> str:
    """A table cell: pipes and backslashes escaped, line breaks as ``<br>``."""
    value = str(value or "").replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(line.strip() for line in value.replace("\r\n", "\n").split("\n"))


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
    meeting = record["meeting"]
    lines = [f"# {meeting['title']}", "", f"*{labels['document']}*", ""]

    lines += [f"## {labels['basic']}", ""]
    lines += _table([labels["item"], labels["details"]], text.basic_rows(meeting, labels))
    if record.get("summary"):
        lines += [f"### {labels['summary']}", "", record["summary"].strip(), ""]

    lines += [f"## {labels['topics']}", ""]
    for number, topic in enumerate(record.get("topics", []), start=1):
        lines += [f"### {labels['topic']} {number}：{topic['title']}", ""]
        if topic.get("lead_department"):
            lines += [f"{labels['lead']}：{topic['lead_department']}", ""]
        if topic.get("positions"):
            lines += _table(
                [labels["department"], labels["position"], labels["evidence"]],
                [
                    [p["department"], p["statement"], p.get("evidence", "")]
                    for p in topic["positions"]
                ],
            )
        else:
            lines += [labels["no_positions"], ""]
        if topic.get("notes"):
            lines += [f"**{labels['notes']}：** {topic['notes'].strip()}", ""]
        outcome = text.outcome(topic.get("outcome")) or labels["no_outcome"]
        lines += [f"**{labels['outcome']}：** {outcome}", ""]

    lines += [f"## {labels['consensus']}", ""]
    if record.get("consensus"):
        lines += [
            f"{number}. **{entry['topic']}：** {entry['text']}"
            for number, entry in enumerate(record["consensus"], start=1)
        ]
        lines.append("")
    else:
        lines += [labels["none"], ""]

    lines += [f"## {labels['actions']}", ""]
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
                item["due_date"],
                item.get("resources", ""),
                text.status(item["status"]),
            ]
            for number, item in enumerate(record.get("actions", []), start=1)
        ],
    )

    lines += [f"## {labels['objections']}", ""]
    if record.get("objections"):
        lines += _table(
            [labels["objection"], labels["raised_by"], labels["resolution"]],
            [[o["text"], o["raised_by"], o.get("resolution", "")] for o in record["objections"]],
        )
    else:
        lines += [labels["none"], ""]

    lines += [f"## {labels['signatures']}", ""]
    lines += _table(
        [labels["owner"], labels["task"], labels["signed_at"]],
        [
            [s["owner"], s["task"], text.signed_at(s.get("signed_at"))]
            for s in record.get("signatures", [])
        ],
    )
    return lines
