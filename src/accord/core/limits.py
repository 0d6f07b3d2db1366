"""What anyone may type into Accord: how long each text may be, which characters it may hold,
and which dates a meeting or a due date may fall on.

The limits live on the model fields (a ``Line`` or ``Text`` validator, a ``max_length``), so
that one definition serves every entry point: ``check`` runs them whenever a model derived
from ``BaseModel`` is saved, which every service does, and the web forms, the API schemas,
the import and the admin read their limits from the same fields. A refusal is an
``AppError`` that names the field, so the form keeps what was typed and shows why.

- A **line** (a title, a name, a mobile number) holds no control character at all — no line
  break, no tab, no NUL — and no bidirectional override or isolate (U+202A–U+202E,
  U+2066–U+2069), which would make a title read differently from what it is.
- A **text** (a task, notes, a position, a summary) may hold line breaks and tabs; ``\\r\\n``
  and lone ``\\r`` become ``\\n``. Other control characters and bidirectional overrides are
  refused as in a line. Its limit is sized for real use: a task is a sentence or two, notes
  and an answer a page, a summary several pages.
- **Dates** of meetings and due dates lie between ``FIRST_DATE`` and ``LAST_DATE``: a range
  that holds any real meeting and plan with room to spare, and keeps every renderer (the
  calendar feed, date arithmetic a week or a month on) far from the year 9999.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accord.core.errors import AppError

FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)

# Sizes of the texts, in characters.
SHORT_TEXT = 2000  # a task, resources, a question, an objection, a reason
MEDIUM_TEXT = 5000  # a position and its evidence, an outcome, a review comment
LONG_TEXT = 10000  # a topic's notes, a department's answer
SUMMARY_TEXT = 20000  # the minutes' summary

_BIDI = "\u202a-\u202e\u2066-\u2069"
_LINE_FORBIDDEN = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_TEXT_FORBIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


@deconstructible
class Line:
    """A single line: no control characters, no bidirectional overrides. Its length is the
    field's ``max_length``."""

    code = "bad_characters"

    def __call__(self, value: str) -> None:
        found = _LINE_FORBIDDEN.search(value or "")
        if found:
            raise ValidationError(
                _(
                    "Write this on one line, without line breaks, tabs, control characters "
                    "or text-direction marks (found %(char)s)."
                )
                % {"char": _describe(found.group())},
                code=self.code,
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Line)

    def __hash__(self) -> int:
        return hash(Line)


@deconstructible
class Text:
    """A text of at most ``max_length`` characters, line breaks and tabs allowed."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __call__(self, value: str) -> None:
        value = value or ""
        if len(value) > self.max_length:
            raise ValidationError(too_long_message(self.max_length, len(value)), code="too_long")
        found = _TEXT_FORBIDDEN.search(value)
        if found:
            raise ValidationError(
                _("Remove the control characters or text-direction marks (found %(char)s).")
                % {"char": _describe(found.group())},
                code="bad_characters",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and other.max_length == self.max_length

    def __hash__(self) -> int:
        return hash((Text, self.max_length))


def too_long_message(limit: int, length: int) -> str:
    return _("Keep it to %(limit)d characters (this has %(length)d).") % {
        "limit": limit,
        "length": length,
    }


def normalise_newlines(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def limit(model: type[models.Model], name: str) -> int:
    """The most characters ``model.name`` takes, for forms and API schemas."""
    field = model._meta.get_field(name)
    for validator in field.validators:
        if isinstance(validator, Text):
            return validator.max_length
    return field.max_length


def _checked_fields(model: type[models.Model]) -> list[tuple[models.Field, bool, int | None]]:
    """(field, is a text, its length limit) for each field with a ``Line`` or ``Text`` rule,
    computed once a model."""
    cached = _FIELDS.get(model)
    if cached is None:
        cached = []
        for field in model._meta.concrete_fields:
            for validator in field.validators:
                if isinstance(validator, Text):
                    cached.append((field, True, validator.max_length))
                elif isinstance(validator, Line):
                    cached.append((field, False, field.max_length))
        _FIELDS[model] = cached
    return cached


_FIELDS: dict[type[models.Model], list] = {}


def _loaded(instance: models.Model, attname: str) -> object:
    """The value ``attname`` had when ``instance`` was read from the database, or a marker
    that equals nothing when it was not read (a new row, a deferred field)."""
    names, values = instance.__dict__.get("_loaded_row", ((), ()))
    try:
        return values[names.index(attname)]
    except ValueError:
        return _NOT_READ


_NOT_READ = object()


def check(instance: models.Model, update_fields=None) -> None:
    """Refuse the first text of ``instance`` that breaks its field's rule, as an ``AppError``
    naming the field; normalise the line breaks of texts on the way. A text unchanged since
    the row was read is left as it is: whoever edits that text must bring it within today's
    rule, whoever edits another field need not."""
    for field, is_text, max_length in _checked_fields(type(instance)):
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str) or not value or value == _loaded(instance, field.attname):
            continue
        if is_text:
            value = normalise_newlines(value)
            setattr(instance, field.attname, value)
        _judge(value, max_length=max_length, is_text=is_text, field=field.name)


def _judge(value: str, *, max_length: int, is_text: bool, field: str) -> None:
    """Refuse ``value`` as an ``AppError`` naming ``field`` when it breaks the rule of a text
    (``is_text``) or a line of at most ``max_length`` characters."""
    try:
        if is_text:
            Text(max_length)(value)
        else:
            if len(value) > max_length:
                raise ValidationError(too_long_message(max_length, len(value)), code="too_long")
            Line()(value)
    except ValidationError as error:
        raise AppError(error.messages[0], field=field, code=error.code) from None


def require_line(value: str, *, field: str, max_length: int) -> str:
    """``value`` stripped and checked as a line of at most ``max_length`` characters, for
    inputs that are not a model field of their own (a search text, a reason)."""
    value = (value or "").strip()
    _judge(value, max_length=max_length, is_text=False, field=field)
    return value


def require_text(value: str, *, field: str, max_length: int) -> str:
    """``value`` with its line breaks normalised, checked as a text of ``max_length``."""
    value = normalise_newlines(value or "")
    _judge(value, max_length=max_length, is_text=True, field=field)
    return value


def date_range_message() -> str:
    return _("Choose a date between %(first)s and %(last)s.") % {
        "first": date_format(FIRST_DATE, "Y-m-d"),
        "last": date_format(LAST_DATE, "Y-m-d"),
    }


def in_range(value: dt.date | dt.datetime) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return FIRST_DATE <= day <= LAST_DATE


def require_date_in_range(value: dt.date | dt.datetime, *, field: str) -> None:
    """Refuse a meeting time or due date outside the accepted range."""
    if not in_range(value):
        raise AppError(date_range_message(), field=field, code="out_of_range")
