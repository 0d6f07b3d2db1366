"""Quick capture (S-MEET-3, S-MEET-4, S-MEET-5): recorders type fast and structure later.
From free text, each *marked* line becomes a proposal — a consensus, a topic sent to the
next meeting, research by a department, an action item or an objection — which the
recorder accepts, edits or discards (``accord.live.capture_services``). Nothing here
writes: this module only reads text and the people and departments it is given.

Markers (at the start of a line, after any bullet or number such as "1. ", "- ", "• ")
----------------------------------------------------------------------------------------
- In brackets, full-width or ASCII: ``【共识】`` ``[共识]``, ``【待办】`` (also 待办事项,
  行动项), ``【异议】``, ``【下次再议】`` (also 下次讨论, 再议), ``【调研】``; English words
  work in brackets too (``[ACTION]``).
- With a colon, full-width or ASCII: ``共识：`` ``待办：`` ``待办事项：`` ``行动项：``
  ``异议：`` ``下次再议：`` ``调研：``, and in any case ``AGREED:`` ``CONSENSUS:``
  ``ACTION:`` ``ACTION ITEM:`` ``TODO:`` ``OBJECTION:`` ``NEXT MEETING:`` ``RESEARCH:``.
- A line without a marker is a plain note: no proposal.

What each kind reads from the rest of the line (``accord.live.capture_resolve``)
---------------------------------------------------------------------------------
- consensus: the text.
- action: ``@name`` the owner (among the meeting's people, by name, pinyin or initials);
  ``资源：…``/``resources: …`` to the end of the line; the due phrase, read by the due-date
  rule with the meeting day as reference (``9月15日前``, ``by Sept 15``; ``尽快`` is refused
  with the rule's own reason); the rest is the task. The department is the owner's unless
  the recorder chooses another.
- research: a department first (``【调研】研发部 …``, by name or pinyin), then as an
  action: an optional ``@owner`` and due phrase, the rest the text.
- next meeting: the text and an optional date (the day it is discussed again).
- objection: who raised it before a colon (``【异议】销售部：…``, a department or a
  person), else the speaker of a transcript line when that is exactly one person.

What cannot be read is flagged on the proposal (``Problem``), never guessed: a name that
fits nobody or several people (listing them), a vague, unreadable or missing date, a
department nobody has, a missing owner or raiser.

Transcripts
-----------
The same parser reads a pasted transcript or an uploaded notes file. The timing and
speaker scaffolding is dropped and the speaker kept as context (``Proposal.speaker``).
Shapes read (written from public descriptions of these exports and common transcript
tools; no vendor sample was at hand, so each shape is matched loosely):

- plain text: every line as typed;
- SRT (SubRip): numbered cues, ``00:01:02,000 --> 00:01:05,000`` timing lines, then the
  words; WebVTT alike (``WEBVTT`` header, ``00:01:02.000 --> …``, ``<v 张专员>`` voices);
- the TXT of Feishu Minutes (飞书妙记) and Tencent Meeting (腾讯会议) transcripts: a
  header line with the speaker and the time — ``张专员 00:01:05``, ``说话人1 01:05``,
  ``王经理(00:12:30)`` — then the words on the lines below, until the next header; and the
  one-line shapes ``[00:01:05] 张专员：…`` and ``张专员(00:01:05)：…``. Lines before the
  first speaker (title, date, 关键词, 文字记录) carry no marker and so propose nothing.

In a transcript a marker may come inside a sentence ("好，那共识：优先开发A。"): each
sentence is read from its marker to its end.

A proposal's ``key`` is a stable hash of its normalized text plus its occurrence among
equal lines of the same source, so the decision taken on it (``accord.live.models``)
holds while the rest of the notes change.
"""

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accord.live import capture_resolve as found
from accord.live.capture_resolve import Due, Problem
from accord.org.models import Department, Person


class Kind(models.TextChoices):
    CONSENSUS = "consensus", pgettext_lazy("capture", "Consensus")
    NEXT_MEETING = "next_meeting", pgettext_lazy("capture", "Next meeting")
    RESEARCH = "research", pgettext_lazy("capture", "Research")
    ACTION = "action", pgettext_lazy("capture", "Action item")
    OBJECTION = "objection", pgettext_lazy("capture", "Objection")


_WORDS: dict[str, Kind] = {
    "共识": Kind.CONSENSUS,
    "待办": Kind.ACTION,
    "待办事项": Kind.ACTION,
    "行动项": Kind.ACTION,
    "异议": Kind.OBJECTION,
    "下次再议": Kind.NEXT_MEETING,
    "调研": Kind.RESEARCH,
    "agreed": Kind.CONSENSUS,
    "consensus": Kind.CONSENSUS,
    "action": Kind.ACTION,
    "action item": Kind.ACTION,
    "todo": Kind.ACTION,
    "objection": Kind.OBJECTION,
    "next meeting": Kind.NEXT_MEETING,
    "research": Kind.RESEARCH,
}
# Only in brackets: with a bare colon these read too often as ordinary words.
_BRACKET_ONLY: dict[str, Kind] = {"下次讨论": Kind.NEXT_MEETING, "再议": Kind.NEXT_MEETING}


def _alternatives(words) -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


_BRACKETED = re.compile(
    r"[【\[〔［]\s*(?P<word>" + _alternatives([*_WORDS, *_BRACKET_ONLY]) + r")\s*[】\]〕］]"
    r"\s*[:：]?\s*",
    re.IGNORECASE,
)
_COLON = re.compile(
    r"(?<![A-Za-z])(?P<word>" + _alternatives(_WORDS) + r")\s*[:：]\s*", re.IGNORECASE
)
_BULLET = re.compile(
    r"^\s*(?:[-*+•·●○▪◦‣]|\d{1,3}[.、．)）]|[（(]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．])\s*"
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")

# -- transcripts ----------------------------------------------------------------------------

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_CUE_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_SPEAKER = r"[^\s\d:：\[\]（）()<>][^:：\[\]（）()<>]{0,29}?"
_HEADER = re.compile(rf"^(?P<speaker>{_SPEAKER})\s*(?:\s|[（(])\s*(?P<time>{_TIME})\s*[)）]?$")
_INLINE_TIME_FIRST = re.compile(
    rf"^\[?(?P<time>{_TIME})\]?\s+(?P<speaker>{_SPEAKER})\s*[:：]\s*(?P<words>.+)$"
)
_INLINE_SPEAKER_FIRST = re.compile(
    rf"^(?P<speaker>{_SPEAKER})\s*[（(\[](?P<time>{_TIME})[)）\]]\s*[:：]?\s*(?P<words>.+)$"
)
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+(?P<speaker>[^>]+)>")
_SAID = re.compile(rf"^(?P<speaker>{_SPEAKER})\s*[:：]\s*(?P<words>.+)$")
_TAG = re.compile(r"</?[a-z][^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One line of text to read, and who spoke it when a transcript says so."""

    text: str
    speaker: str = ""
    spoken: bool = False


def _cue_lines(raw: list[str]) -> list[Line]:
    """SRT and WebVTT: the words of each cue, without numbers, timings and headers."""
    lines: list[Line] = []
    for index, line in enumerate(raw):
        stripped = line.strip()
        following = raw[index + 1] if index + 1 < len(raw) else ""
        if (
            not stripped
            or _CUE_TIMING.match(stripped)
            or stripped.upper().startswith(("WEBVTT", "NOTE", "STYLE", "REGION"))
            or (stripped.isdigit() and _CUE_TIMING.match(following.strip()))
        ):
            continue
        voice = _VOICE.search(stripped)
        speaker = voice.group("speaker").strip() if voice else ""
        words = _TAG.sub("", stripped).strip()
        said = _SAID.match(words)
        if not speaker and said and normalized(said.group("speaker")).casefold() not in _WORDS:
            # A subtitle line that names its speaker ("刘代表：…").
            speaker, words = said.group("speaker").strip(), said.group("words").strip()
        if words:
            lines.append(Line(words, speaker, spoken=True))
    return lines


def lines_of(text: str) -> list[Line]:
    """The lines of notes or a transcript, the scaffolding of the transcript dropped."""
    raw = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if any(_CUE_TIMING.match(line) for line in raw):
        return _cue_lines(raw)
    lines: list[Line] = []
    speaker = ""
    for line in raw:
        stripped = line.strip()
        if not stripped:
            continue
        header = _HEADER.match(stripped)
        if header:
            speaker = header.group("speaker").strip()
            continue
        inline = _INLINE_TIME_FIRST.match(stripped) or _INLINE_SPEAKER_FIRST.match(stripped)
        if inline:
            lines.append(Line(inline.group("words").strip(), inline.group("speaker").strip(), True))
            continue
        lines.append(Line(stripped, speaker, spoken=bool(speaker)))
    return lines


# -- proposals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A record proposed from one marked line; the recorder accepts, edits or discards it."""

    kind: Kind
    line: str  # the marked text, from its marker on
    key: str
    text: str
    speaker: str = ""
    owner: Person | None = None
    department: Department | None = None
    raised_by: Person | None = None
    due: Due | None = None
    resources: str = ""
    problems: tuple[Problem, ...] = field(default=())

    @property
    def due_text(self) -> str:
        return self.due.typed if self.due else ""

    @property
    def due_date(self) -> dt.date | None:
        return self.due.date if self.due else None

    @property
    def problem_codes(self) -> tuple[str, ...]:
        return tuple(problem.code for problem in self.problems)


@dataclass(frozen=True)
class Context:
    """What a line is read against: the meeting's people and departments and its day."""

    people: Sequence[Person]
    departments: Sequence[Department]
    reference: dt.date


def normalized(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def line_key(text: str, occurrence: int) -> str:
    digest = hashlib.sha256(normalized(text).encode("utf-8")).hexdigest()[:32]
    return f"{digest}-{occurrence}"


def _marked(text: str, *, spoken: bool) -> tuple[Kind, str, str] | None:
    """(kind, the text from the marker on, the words after the marker), or None."""
    text = _BULLET.sub("", text, count=1)
    for pattern in (_BRACKETED, _COLON):
        match = pattern.search(text) if spoken else pattern.match(text)
        if match:
            word = normalized(match.group("word")).casefold()
            kind = _WORDS.get(word) or _BRACKET_ONLY[word]
            return kind, text[match.start() :].strip(), text[match.end() :].strip()
    return None


def _owner(body: str, context: Context) -> tuple[Person | None, str, list[Problem]]:
    """The owner named with @ (the first one), and the body without the mentions."""
    named = found.mentions(body, context.people)
    if not named:
        return None, body, []
    problem = named[0].problem()
    rest = found.cut(body, [n.span for n in named])
    return named[0].person, rest, [problem] if problem else []


def _action(body: str, context: Context) -> dict:
    owner, body, problems = _owner(body, context)
    body, resources = found.split_resources(body)
    due, task = found.find_due(body, context.reference)
    if due is None and resources:
        # A due phrase after the resources ("资源：预算 9月15日前") still counts.
        late, rest = found.find_due(resources, context.reference)
        if late is not None and resources.endswith(late.typed):
            due, resources = late, rest
    if owner is None and not problems:
        problems.append(Problem("missing_owner", _("Name the owner with @, e.g. “@张专员”.")))
    problems += _due_problems(due, task, context, _("Give a due date, e.g. “9月15日前”."))
    return {"text": task, "owner": owner, "due": due, "resources": resources, "problems": problems}


def _due_problems(due: Due | None, text: str, context: Context, missing: str) -> list[Problem]:
    if due is None:
        return [found.missing_due(text, context.reference, missing)]
    return [due.problem] if due.problem else []


def _research(body: str, context: Context) -> dict:
    department, words, body = found.leading_department(body, context.departments)
    problems: list[Problem] = []
    if department is None:
        first = body.split(" ", 1)[0]
        if found.looks_like_department(first):
            problems.append(found.unknown_department(first))
            body = found.tidy(body[len(first) :])
        else:
            problems.append(
                Problem("missing_department", _("Name the department that researches it."))
            )
    owner, body, owner_problems = _owner(body, context)
    due, text = found.find_due(body, context.reference)
    problems += owner_problems
    if owner is None and not owner_problems:
        problems.append(Problem("missing_owner", _("Name who leads the research with @.")))
    problems += _due_problems(due, text, context, _("Give a due date for the research."))
    return {
        "text": text,
        "department": department,
        "owner": owner,
        "due": due,
        "problems": problems,
    }


def _next_meeting(body: str, context: Context) -> dict:
    due, text = found.find_due(body, context.reference)
    problems = _due_problems(
        due, text, context, _("Give the date on which it will be discussed again.")
    )
    return {"text": text, "due": due, "problems": problems}


def _objection(body: str, speaker: str, context: Context) -> dict:
    who, colon, rest = _split_colon(body)
    department = raised_by = None
    problems: list[Problem] = []
    text = body
    if colon:
        who = who.strip()
        department = found.department_named(who, context.departments)
        if department is None:
            raised_by = found.person_by_name(who, context.people)
        if department is not None or raised_by is not None:
            text = rest
        elif found.looks_like_department(who) and len(who) <= 20:
            problems.append(found.unknown_department(who))
            text = rest
    if department is None and raised_by is None and not problems:
        named = found.mentions(text, context.people)
        if named:
            raised_by = named[0].person
            problem = named[0].problem()
            problems += [problem] if problem else []
            text = found.cut(text, [n.span for n in named])
        elif speaker:
            raised_by = found.person_by_name(speaker, context.people)
    if department is None and raised_by is None and not problems:
        problems.append(
            Problem(
                "missing_raiser",
                _("Say who raised it: “【异议】销售部：…” or a person with @."),
            )
        )
    return {
        "text": found.tidy(text),
        "department": department,
        "raised_by": raised_by,
        "problems": problems,
    }


def _split_colon(body: str) -> tuple[str, str, str]:
    match = re.search(r"[:：]", body)
    if match is None:
        return body, "", ""
    return body[: match.start()], match.group(), body[match.end() :]


def _read(kind: Kind, body: str, speaker: str, context: Context) -> dict:
    if kind == Kind.ACTION:
        return _action(body, context)
    if kind == Kind.RESEARCH:
        return _research(body, context)
    if kind == Kind.NEXT_MEETING:
        return _next_meeting(body, context)
    if kind == Kind.OBJECTION:
        return _objection(body, speaker, context)
    return {"text": found.tidy(body), "problems": []}


def _pieces(line: Line) -> list[str]:
    """What may carry a marker: a typed line whole; a spoken one sentence by sentence."""
    if not line.spoken:
        return [line.text]
    return [piece.strip() for piece in _SENTENCE_END.split(line.text) if piece.strip()]


def propose(
    text: str,
    *,
    people: Sequence[Person],
    departments: Sequence[Department],
    reference: dt.date,
) -> list[Proposal]:
    """One proposal per marked line (or sentence of a transcript) of ``text``, in order."""
    context = Context(people, departments, reference)
    seen: Counter[str] = Counter()
    proposals = []
    for line in lines_of(text or ""):
        for piece in _pieces(line):
            marked = _marked(piece, spoken=line.spoken)
            if marked is None:
                continue
            kind, marked_text, body = marked
            if line.spoken:
                body = body.rstrip("。！？!?")
            digest = normalized(marked_text)
            occurrence = seen[digest]
            seen[digest] += 1
            values = _read(kind, body, line.speaker, context)
            problems = list(values.pop("problems"))
            if not values["text"]:
                problems.insert(0, Problem("empty_text", _("Write what the line records.")))
            proposals.append(
                Proposal(
                    kind=kind,
                    line=marked_text,
                    key=line_key(marked_text, occurrence),
                    speaker=line.speaker,
                    problems=tuple(problems),
                    **values,
                )
            )
    return proposals
