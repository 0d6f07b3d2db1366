"""Schemas shared by several routers."""

from typing import Annotated, Literal

from django.utils.translation import gettext
from ninja import Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError


def _no_null_characters(value: str) -> str:
    # As Django's form fields refuse them: PostgreSQL cannot store them (a 500 otherwise).
    if "\x00" in value:
        raise PydanticCustomError("null_character", gettext("Null characters are not allowed."))
    return value


def choice(values) -> object:
    """A string that is one of a model's choices, as an inline enum of the OpenAPI schema.
    (Model enums share class names such as ``Kind`` and ``Status``, which would collide as
    schema components.)"""
    return Literal[tuple(values)]


# Text input: any string but one holding a NUL character.
Text = Annotated[str, AfterValidator(_no_null_characters)]


class PersonRef(Schema):
    id: int
    name: str
    department: str | None = None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.name or obj.username

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.name if obj.department_id else None


class DepartmentRef(Schema):
    id: int
    name: str


class Done(Schema):
    """What a lifecycle move answers: the object's id and its status after the move."""

    id: int
    status: str


from accord.actions.models import ActionItem, ActionUpdate, OverdueReason  # noqa: E402
from accord.meetings.models import Meeting, Participant, TopicOutcome  # noqa: E402
from accord.org.models import Person  # noqa: E402

MeetingKind = choice(Meeting.Kind.values)
MeetingStatus = choice(Meeting.Status.values)
ParticipantRole = choice(Participant.Role.values)
Attendance = choice(Participant.Attendance.values)
OutcomeKind = choice(TopicOutcome.Kind.values)
ActionStatus = choice(ActionItem.Status.values)
UpdateKind = choice(ActionUpdate.Kind.values)
OverdueReasonChoice = choice(OverdueReason.values)
Locale = choice(Person.Locale.values)
