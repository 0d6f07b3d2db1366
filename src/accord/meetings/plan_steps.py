"""Planning a meeting as a guided flow (S-PREP-1..5): the steps in their order — goal, time
and place; topics; departments and people; questions and materials; review and publish —,
the step each missing item belongs to (``rules.meeting_missing``), and whether each step is
done, still lacks what scheduling needs, or is only recommended."""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.meetings.models import Meeting
from accord.meetings.rules import Missing

DETAILS = "details"
TOPICS = "topics"
PEOPLE = "people"
PREPARATION = "preparation"
REVIEW = "review"

STEPS: list[tuple[str, Promise]] = [
    (DETAILS, _("Goal, time and place")),
    (TOPICS, _("Topics")),
    (PEOPLE, _("Departments and people")),
    (PREPARATION, _("Questions and materials")),
    (REVIEW, _("Review and publish")),
]
SLUGS = [slug for slug, _label in STEPS]

# Where a person fixes each item that scheduling refuses without.
STEP_OF_FIELD = {
    "title": DETAILS,
    "starts_at": DETAILS,
    "topics": TOPICS,
    "host": PEOPLE,
    "recorder": PEOPLE,
    "participants": PEOPLE,
}


class State:
    DONE = "done"
    MISSING = "missing"  # scheduling needs something here
    OPEN = "open"  # recommended, not needed to schedule


@dataclass
class Step:
    slug: str
    label: Promise
    number: int
    state: str
    current: bool
    missing: list[Missing] = field(default_factory=list)


def next_slug(slug: str) -> str | None:
    index = SLUGS.index(slug)
    return SLUGS[index + 1] if index + 1 < len(SLUGS) else None


def previous_slug(slug: str) -> str | None:
    index = SLUGS.index(slug)
    return SLUGS[index - 1] if index > 0 else None


def plan_steps(
    meeting: Meeting,
    *,
    missing: list[Missing],
    has_preparation: bool,
    current: str,
) -> list[Step]:
    """The steps as the step bar shows them. A step with a missing item is ``missing``;
    otherwise it is ``done`` when what it asks is there (a goal for the first step, some
    question or material for the preparation, a scheduled meeting for the last), ``open``
    when only something recommended is left."""
    by_step: dict[str, list[Missing]] = {}
    for item in missing:
        by_step.setdefault(STEP_OF_FIELD.get(item.field, REVIEW), []).append(item)
    complete = {
        DETAILS: bool(meeting.goal),
        TOPICS: True,
        PEOPLE: True,
        PREPARATION: has_preparation,
        REVIEW: meeting.status != Meeting.Status.DRAFT,
    }
    steps = []
    for number, (slug, label) in enumerate(STEPS, start=1):
        items = by_step.get(slug, [])
        state = State.MISSING if items else State.DONE if complete[slug] else State.OPEN
        steps.append(Step(slug, label, number, state, slug == current, items))
    return steps
