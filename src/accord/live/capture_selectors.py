"""Reads for quick capture (S-MEET-3..5): the texts of a meeting proposals are read from,
the decisions already taken, the people and departments a line is read against, and the
proposals still open — parsed notes minus the decided lines (``accord.live.models``).

The people and departments come from the meeting as ``meeting_with_record`` loaded it, so
reading them runs no query; the sources and the decisions are one query each."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from accord.actions.rules import meeting_date
from accord.live.capture import Proposal, propose
from accord.live.models import CaptureDecision, CaptureSource
from accord.meetings.models import AgendaTopic, Meeting
from accord.meetings.selectors import meeting_departments
from accord.org.models import Person


def meeting_people(meeting: Meeting) -> list[Person]:
    """Who an ``@name`` may mean: the participants, then the host and the recorder."""
    people: dict[int, Person] = {}
    for participant in meeting.participants.all():
        person = participant.person
        if person.department_id == participant.department_id:
            # Their own department, loaded with the seat: naming them ("研发部 李主管") reads nothing.
            person.department = participant.department
        people.setdefault(participant.person_id, person)
    for extra in (meeting.host, meeting.recorder):
        if extra is not None:
            people.setdefault(extra.pk, extra)
    return list(people.values())


def topic_scope(topic: AgendaTopic) -> str:
    return f"topic-{topic.pk}"


@dataclass
class Notes:
    """One text proposals are read from: a topic's notes or a ``CaptureSource``."""

    scope: str
    text: str
    topic: AgendaTopic | None  # where accepted records go unless another topic is chosen
    source: CaptureSource | None = None
    proposals: list[Proposal] = field(default_factory=list)


def capture_sources(*, meeting: Meeting) -> list[CaptureSource]:
    return list(CaptureSource.objects.filter(meeting=meeting).order_by("id"))


def decided_keys(*, meeting: Meeting) -> set[tuple[str, str]]:
    """(scope, key) of every proposal of the meeting already accepted or discarded."""
    return set(CaptureDecision.objects.filter(meeting=meeting).values_list("scope", "key"))


def notes_of(
    *, meeting: Meeting, scope: str, sources: Iterable[CaptureSource] | None = None
) -> Notes | None:
    """The text ``scope`` names in this meeting (None when it names nothing of it)."""
    kind, _sep, pk = scope.partition("-")
    if kind == "topic":
        topic = next((t for t in meeting.topics.all() if str(t.pk) == pk), None)
        return Notes(scope, topic.notes, topic) if topic is not None else None
    if kind == "source" and pk.isdigit():
        if sources is None:
            sources = CaptureSource.objects.filter(meeting=meeting, pk=int(pk))
        source = next((s for s in sources if str(s.pk) == pk), None)
        if source is None:
            return None
        topics = {t.pk: t for t in meeting.topics.all()}
        return Notes(scope, source.text, topics.get(source.topic_id), source)
    return None


def proposals_of(
    *, meeting: Meeting, text: str, decided: set[tuple[str, str]] | None = None, scope: str = ""
) -> list[Proposal]:
    """The proposals of ``text`` read against the meeting, without those decided."""
    found = propose(
        text,
        people=meeting_people(meeting),
        departments=meeting_departments(meeting),
        reference=meeting_date(meeting),
    )
    decided = decided or set()
    return [p for p in found if (scope, p.key) not in decided]


def open_notes(*, meeting: Meeting, topic: AgendaTopic | None) -> list[Notes]:
    """The texts shown with ``topic`` — its notes, the meeting notes box, the transcripts —
    each with its open proposals (two queries, whatever the number of proposals)."""
    sources = capture_sources(meeting=meeting)
    decided = decided_keys(meeting=meeting)
    texts = [Notes(topic_scope(topic), topic.notes, topic)] if topic is not None else []
    topics = {t.pk: t for t in meeting.topics.all()}
    for source in sources:
        texts.append(Notes(source.scope, source.text, topics.get(source.topic_id) or topic, source))
    for notes in texts:
        notes.proposals = proposals_of(
            meeting=meeting, text=notes.text, decided=decided, scope=notes.scope
        )
    return texts
