"""What quick capture (``accord.live.capture``) reads inside a marked line: who ``@name``
means among the meeting's people (``accord.org.names.matching``), which department a word
names (its name, the name without 部/部门, or their pinyin), the due phrase and what the
due-date rule (``accord.actions.deadlines.parse_due_date``, S-MEET-4) makes of it, and the
resources. Nothing is guessed: a name that fits nobody or several people, an unreadable or
vague date, a department nobody has, each comes back as a problem for the recorder.

Pure: it reads the objects it is given and writes nothing."""

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accord.actions.deadline_phrases import normalize, resolve
from accord.actions.deadlines import VAGUE_RE, parse_due_date
from accord.core.errors import AppError
from accord.org.models import Department, Person
from accord.org.names import fold, matching, person_keys, pinyin_of


@dataclass(frozen=True)
class Problem:
    """Why a proposal cannot be accepted as it stands; ``code`` is stable for programs."""

    code: str
    message: str


_CJK = re.compile(r"[\u3400-\u9fff]")
_MENTION = re.compile(r"[@＠]([^\s@＠，,；;：:。、()（）]+)")
_SEPARATORS = re.compile(r"[^\s，,；;]+")
_RESOURCES = re.compile(
    r"(?:所需资源|需要资源|资源|\bresources?\b|\bneeds?\b)\s*[:：]\s*(?P<resources>.*)$",
    re.IGNORECASE,
)
_DEPARTMENT_SUFFIXES = ("部门", "部")
_LOOKS_LIKE_DEPARTMENT = re.compile(r"(?:部|部门|中心|组|办|\bdept\.?|\bdepartment|\bteam)$", re.I)
# Words that may stand beside a vague word without making it a date ("尽快完成").
_FILLER = {"", "完成", "处理", "提交", "落实", "安排", "please", "pls", "done", "完成初稿"}
# A run of at most this many separated words is tried as a due phrase ("no later than Sept 15").
_MAX_WORDS = 5


def tidy(text: str) -> str:
    """Single spaces, and no separators left dangling at either end once parts were cut out."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^[\s,，;；:：、]+|[\s,，;；:：、]+$", "", text)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


# -- people ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """What one ``@name`` came to: the person when exactly one fits, else the candidates."""

    typed: str
    person: Person | None
    candidates: tuple[Person, ...]
    span: tuple[int, int]

    def problem(self) -> Problem | None:
        if self.person is not None:
            return None
        if self.candidates:
            return Problem(
                "ambiguous_name",
                _("“@%(typed)s” fits several people: %(names)s. Choose one.")
                % {
                    "typed": self.typed,
                    "names": pgettext("list separator", ", ").join(p.name for p in self.candidates),
                },
            )
        return Problem(
            "unknown_name",
            _("Nobody in this meeting is called “%(typed)s”.") % {"typed": self.typed},
        )


def _exact(typed: str, people: Sequence[Person]) -> list[Person]:
    """Those one of whose whole keys (name, pinyin, initials, surname) ``typed`` is."""
    key = fold(typed)
    return [p for p in people if key and key in person_keys(p)]


def people_named(token: str, people: Sequence[Person]) -> tuple[list[Person], str]:
    """The people ``token`` (what follows an @) names, and the part of it that is the name.

    A Chinese name may run into the words after it ("@张专员整理"): then the longest start
    of the token that is someone's full name counts, and the rest is text again. A surname
    alone is not taken from such a run ("@王五" is nobody, not 王经理)."""
    found = matching(token, list(people))
    if found or not has_cjk(token):
        return found, token
    for end in range(len(token) - 1, 1, -1):
        found = [p for p in people if fold(p.name) == fold(token[:end])]
        if found:
            return found, token[:end]
    return [], token


def mentions(text: str, people: Sequence[Person]) -> list[Named]:
    """Every ``@name`` in ``text``, resolved against ``people``."""
    named = []
    for match in _MENTION.finditer(text):
        found, name = people_named(match.group(1), people)
        start = match.start()
        person = found[0] if len(found) == 1 else None
        named.append(Named(name, person, tuple(found), (start, start + 1 + len(name))))
    return named


def person_by_name(text: str, people: Sequence[Person]) -> Person | None:
    """The one person ``text`` (a name without @) names exactly, or None."""
    found = _exact(text.strip().lstrip("@＠"), people)
    return found[0] if len(found) == 1 else None


def cut(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` without the given spans, tidied."""
    kept, last = [], 0
    for start, end in sorted(spans):
        kept.append(text[last:start])
        last = max(last, end)
    kept.append(text[last:])
    return tidy(" ".join(part for part in kept))


# -- departments ----------------------------------------------------------------------------


def _department_keys(department: Department) -> set[str]:
    name = department.name.strip()
    names = {name}
    for suffix in _DEPARTMENT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            names.add(name[: -len(suffix)])
    keys = {fold(n) for n in names} | {pinyin_of(n) for n in names}
    keys.discard("")
    return keys


def department_named(text: str, departments: Sequence[Department]) -> Department | None:
    """The one department ``text`` names (name, name without 部, or pinyin), or None."""
    key = fold(text)
    found = [d for d in departments if key in _department_keys(d)]
    return found[0] if len(found) == 1 else None


def leading_department(
    text: str, departments: Sequence[Department]
) -> tuple[Department | None, str, str]:
    """A department named at the start of ``text``: (department, the words that named it,
    the rest). A Chinese name may run into the text ("研发部评估D需求"); a Latin or pinyin
    one is the first word."""
    body = text.lstrip()
    for department in sorted(departments, key=lambda d: len(d.name), reverse=True):
        if department.name and body.startswith(department.name):
            return department, department.name, tidy(body[len(department.name) :])
    first, _sep, rest = body.partition(" ")
    found = department_named(first, departments) if first else None
    if found is not None:
        return found, first, tidy(rest)
    return None, "", body


def looks_like_department(words: str) -> bool:
    return bool(_LOOKS_LIKE_DEPARTMENT.search(words.strip()))


def unknown_department(words: str) -> Problem:
    return Problem(
        "unknown_department",
        _("No department of this meeting is called “%(name)s”.") % {"name": words},
    )


# -- resources ------------------------------------------------------------------------------


def split_resources(text: str) -> tuple[str, str]:
    """(text before ``资源：``/``resources:``, the resources named after it to the end)."""
    match = _RESOURCES.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], tidy(match.group("resources"))


# -- due dates ------------------------------------------------------------------------------


def _reads(phrase: str, reference: dt.date) -> bool:
    return resolve(normalize(phrase), reference) is not None


def _candidates(text: str, reference: dt.date) -> list[tuple[int, int]]:
    """Spans of ``text`` the due-date rule reads as a date: runs of up to ``_MAX_WORDS``
    separated words, and within a Chinese word, its starts and ends ("初稿9月15日前")."""
    words = [m.span() for m in _SEPARATORS.finditer(text)]
    found = []
    for i in range(len(words)):
        for j in range(i, min(len(words), i + _MAX_WORDS)):
            span = (words[i][0], words[j][1])
            if _reads(text[span[0] : span[1]], reference):
                found.append(span)
    for start, end in words:
        word = text[start:end]
        if not has_cjk(word):
            continue
        for k in range(start + 1, end):
            if _reads(text[k:end], reference):
                found.append((k, end))
            if _reads(text[start:k], reference):
                found.append((start, k))
    return found


def _vague_words(text: str) -> list[tuple[int, int]]:
    """Separated words that are a vague word and nothing else of substance ("尽快完成")."""
    spans = []
    for start, end in (m.span() for m in _SEPARATORS.finditer(text)):
        word = text[start:end]
        if not VAGUE_RE.search(word):
            continue
        rest = unicodedata.normalize("NFKC", VAGUE_RE.sub("", word)).casefold()
        if re.sub(r"[\W_]+", "", rest) in _FILLER:
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Due:
    """A due phrase found in a line: as typed, its date (None when the rule refuses it),
    and the refusal's own message."""

    typed: str
    date: dt.date | None
    problem: Problem | None


def read_due(typed: str, reference: dt.date) -> Due:
    """What the due-date rule makes of ``typed``, with the meeting day as reference and
    earliest day (S-MEET-4: "尽快" is refused with the rule's own reason)."""
    try:
        day = parse_due_date(typed, reference=reference, not_before=reference)
    except AppError as error:
        code = {"vague_due_date": "vague_date", "due_date_before_meeting": "past_date"}.get(
            error.code, "unreadable_date"
        )
        return Due(typed, None, Problem(code, str(error.message)))
    return Due(typed, day, None)


def find_due(text: str, reference: dt.date) -> tuple[Due | None, str]:
    """The due phrase in ``text`` and the text without it.

    The longest span the rule reads as a date wins (the later one on a tie); failing that,
    a word that is only a vague one ("尽快", "ASAP"), which the rule then refuses. A vague
    word inside other words ("尽快整理") is not cut out of them: the proposal then has no
    due phrase and says why the word is no date."""
    spans = _candidates(text, reference)
    if spans:
        start, end = max(spans, key=lambda span: (span[1] - span[0], span[0]))
        return read_due(text[start:end].strip(), reference), cut(text, [(start, end)])
    vague = _vague_words(text)
    if vague:
        start, end = vague[-1]
        return read_due(text[start:end], reference), cut(text, [(start, end)])
    return None, tidy(text)


def missing_due(text: str, reference: dt.date, message: str) -> Problem:
    """No due phrase: a vague word in the text is named with the rule's reason; otherwise
    ``message`` says what is missing."""
    found = VAGUE_RE.search(text)
    if found is not None:
        problem = read_due(found.group(), reference).problem
        if problem is not None:
            return problem
    return Problem("missing_date", message)
