"""A large, realistic organisation made fast, for benchmarks and load tests (``accord
seed-scale``; ``benchmarks/planner.py`` and ``benchmarks/analytics.py`` use it too).

Rows are generated here as plain dicts (model attribute names → values), with ids handed out
here, and written in batches by ``seed_writer`` (``COPY`` on PostgreSQL); the names come from
``seed_words``. Nothing goes through the services: no audit trail, no notices, no
per-row password hashing. Everything comes from one ``random.Random(seed)`` and a fixed
"today", so the same seed and day give the same data.

What it makes (the counts at ``scale=1``; every count is multiplied by the scale):

- 50 departments, 5,000 people (each department's first member is its head; a few PMO);
- 100,000 meetings from 18 months ago to 3 months ahead: held ones (distributed or closed,
  with started/ended times, 3–5 topics with actual minutes, positions on some, minutes
  submitted, approved — a version — and distributed, about a quarter of them after the
  24 hours) and coming ones (scheduled or draft); the heads of 3–5 departments take part;
- 1,000,000 action items of the held meetings, owned by people of the taking-part
  departments (the organiser's or another, so the cross-department matrix fills): about
  20 % done (on time or late), 5 % cancelled, the rest open — many overdue, some of those
  with a reason (and its history row) and some escalated; about 8 % re-planned once or
  twice (``due_date`` moved, ``committed_due_date`` kept, one "replan" history row each);
  most items of the distributed minutes signed by their owner.
"""

import dataclasses
import datetime as dt
import random
import sys
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import translation

from accord.actions.models import ActionItem, ActionUpdate, OverdueReason, Signature
from accord.core import clock
from accord.meetings.models import AgendaTopic, Meeting, Participant, Position
from accord.minutes.models import Minutes, MinutesVersion
from accord.ops.seed_words import (
    DEPARTMENT_NAMES,
    GIVEN,
    NUMERALS,
    OBJECTS,
    ROOMS,
    SURNAMES,
    TITLES,
    TOPICS,
    VERBS,
)
from accord.ops.seed_writer import BATCH, Progress, Writer
from accord.org.models import Department, Person
from accord.org.names import search_text_of

UNUSABLE_PASSWORD = "!seed-scale"  # starts with "!": Django's mark of an unusable password

# The counts at scale 1.
DEPARTMENTS = 50
PEOPLE = 5_000
MEETINGS = 100_000
ITEMS = 1_000_000
PAST_DAYS = 548  # 18 months
FUTURE_DAYS = 91  # 3 months

# What `accord demo` loads: a database holding no more than this may be seeded.
DEMO_LIMITS = {Department: 5, Person: 9, Meeting: 2, ActionItem: 4}


# What seed-scale writes, in the order its rows are written.
SEEDED = [
    Department,
    Person,
    Meeting,
    Participant,
    AgendaTopic,
    Position,
    Minutes,
    MinutesVersion,
    ActionItem,
    ActionUpdate,
    Signature,
]


@dataclasses.dataclass(frozen=True)
class Counts:
    departments: int
    people: int
    meetings: int
    items: int

    @classmethod
    def scaled(cls, scale: float) -> "Counts":
        departments = max(3, round(DEPARTMENTS * scale))
        return cls(
            departments=departments,
            people=max(2 * departments, round(PEOPLE * scale)),
            meetings=max(1, round(MEETINGS * scale)),
            items=max(1, round(ITEMS * scale)),
        )


class TooMuchData(Exception):
    """The database holds more than the demo: seeding it would mix real data with made-up."""


def existing_data() -> dict[str, int]:
    """The counts of the tables the demo limits, when one goes past the demo's."""
    found = {model: model.objects.count() for model in DEMO_LIMITS}
    if any(found[model] > limit for model, limit in DEMO_LIMITS.items()):
        with translation.override(None):  # the command speaks English
            return {str(model._meta.verbose_name_plural): n for model, n in found.items()}
    return {}


# -- generating -------------------------------------------------------------------------------


@dataclasses.dataclass
class HeldMeeting:
    """What the items of a held meeting need to know about it."""

    id: int
    departments: list[int]  # taking part; the organiser's first
    topics: list[int]
    ended: dt.datetime
    distributed: dt.datetime


class Seeder:
    def __init__(
        self,
        *,
        seed: int,
        today: dt.date,
        now: dt.datetime,
        counts: Counts,
        password: str = UNUSABLE_PASSWORD,
        progress=None,
    ) -> None:
        self.rng = random.Random(seed)
        self.today, self.now, self.counts = today, now, counts
        self.password = password
        self.progress = progress
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.writer = Writer()
        self.members: dict[int, list[int]] = {}  # department id → person ids
        self.heads: dict[int, int] = {}
        self.held: list[HeldMeeting] = []

    def at(self, day: dt.date, minutes: int) -> dt.datetime:
        """``minutes`` after midnight of ``day``, in the site's time zone."""
        return dt.datetime(day.year, day.month, day.day, tzinfo=self.tz) + dt.timedelta(
            minutes=minutes
        )

    # -- the organisation

    def organisation(self) -> tuple[list[int], list[int]]:
        """Departments and people (each department's first member heads it; every
        thousandth person, at least one, is PMO). Returns the ids of both."""
        rng, n_departments, n_people = self.rng, self.counts.departments, self.counts.people
        first_department = self.writer.next_id(Department)
        first_person = self.writer.next_id(Person)
        department_ids = list(range(first_department, first_department + n_departments))
        person_ids = list(range(first_person, first_person + n_people))
        tag = self._tag()
        for n, person in enumerate(person_ids):
            department = department_ids[n % n_departments]
            self.members.setdefault(department, []).append(person)
        self.heads = {d: members[0] for d, members in self.members.items()}
        departments = []
        for n, department in enumerate(department_ids):
            base = DEPARTMENT_NAMES[n % len(DEPARTMENT_NAMES)]
            number = n // len(DEPARTMENT_NAMES)
            ordinal = NUMERALS[number] if number < len(NUMERALS) else str(number + 1)
            name = f"{base}{ordinal}部{tag}"
            departments.append(
                {
                    "id": department,
                    "name": name,
                    "head_id": self.heads[department],
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        self.writer.write(Department, departments)
        pmo_every = max(1, n_people // max(1, n_people // 1000))
        joined = self.now - dt.timedelta(days=PAST_DAYS + 30)
        people = []
        for n, person in enumerate(person_ids):
            username = f"u{tag}{n:05d}"
            department = department_ids[n % n_departments]
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", *GIVEN))
            people.append(
                {
                    "id": person,
                    "username": username,
                    "name": name,
                    "search_key": search_text_of(name=name, username=username),
                    "email": f"{username}@example.com",
                    "password": self.password,
                    "department_id": department,
                    "title": "部长" if self.heads[department] == person else rng.choice(TITLES),
                    "is_pmo": n % pmo_every == pmo_every - 1,
                    "date_joined": joined,
                }
            )
            if len(people) == BATCH:
                self.writer.write(Person, people)
                people = []
        self.writer.write(Person, people)
        return department_ids, person_ids

    def _tag(self) -> str:
        """ "" on a database without seeded people, else a number that keeps names unique."""
        tag, n = "", 1
        while Person.objects.filter(username=f"u{tag}00000").exists():
            n += 1
            tag = str(n)
        return tag

    # -- meetings

    def meetings(self) -> None:
        """Meetings with their participants, topics, positions and (held ones) minutes."""
        rng, writer, n = self.rng, self.writer, self.counts.meetings
        departments = list(self.members)
        ids = {
            model: writer.next_id(model)
            for model in (Meeting, Participant, AgendaTopic, Position, Minutes, MinutesVersion)
        }
        first_day = self.today - dt.timedelta(days=PAST_DAYS)
        span = PAST_DAYS + FUTURE_DAYS
        progress = Progress(self.progress, "meetings", n)
        kinds = Meeting.Kind.values
        rows: dict[type, list[dict]] = {model: [] for model in ids}

        def new(model: type, row: dict) -> int:
            row["id"] = ids[model]
            ids[model] += 1
            rows[model].append(row)
            return row["id"]

        # In the order they happen, as a real installation's rows are laid down.
        days = sorted(rng.randrange(span + 1) for _ in range(n))
        for number, offset in enumerate(days):
            day = first_day + dt.timedelta(days=offset)
            starts = self.at(day, rng.choice((9 * 60, 10 * 60, 14 * 60, 15 * 60 + 30, 16 * 60)))
            duration = rng.choice((30, 60, 60, 90, 90, 120))
            organiser_department = rng.choice(departments)
            taking_part = [organiser_department] + rng.sample(
                [d for d in departments if d != organiser_department],
                min(len(departments) - 1, rng.randint(2, 4)),
            )
            host = self.heads[organiser_department]
            recorder = rng.choice(self.members[organiser_department])
            held = starts + dt.timedelta(minutes=duration + 30) < self.now
            meeting = {
                "title": f"{rng.choice(TOPICS)}协调会（第{number + 1}次）",
                "goal": "对齐各部门分工与时间节点",
                "kind": rng.choice(kinds),
                "starts_at": starts,
                "duration_minutes": duration,
                "location": rng.choice(ROOMS),
                "organiser_id": rng.choice(
                    (host, recorder, rng.choice(self.members[organiser_department]))
                ),
                "organiser_department_id": organiser_department,
                "host_id": host,
                "recorder_id": recorder,
                "created_at": starts - dt.timedelta(days=rng.randint(2, 14)),
                "updated_at": starts,
            }
            if held:
                started = starts + dt.timedelta(minutes=rng.randint(0, 10))
                ended = started + dt.timedelta(minutes=duration + rng.randint(-15, 25))
                meeting.update(
                    status=rng.choice((Meeting.Status.DISTRIBUTED,) * 3 + (Meeting.Status.CLOSED,)),
                    started_at=started,
                    ended_at=ended,
                )
            else:
                meeting["status"] = rng.choice(
                    (Meeting.Status.SCHEDULED,) * 4 + (Meeting.Status.DRAFT,)
                )
            meeting_id = new(Meeting, meeting)
            people = {host, recorder}
            attendance = Participant.Attendance.PRESENT if held else Participant.Attendance.INVITED
            for department in taking_part:
                head = self.heads[department]
                people.discard(head)
                new(
                    Participant,
                    {
                        "meeting_id": meeting_id,
                        "person_id": head,
                        "department_id": department,
                        "role": Participant.Role.DECISION_MAKER,
                        "attendance": attendance,
                    },
                )
            if recorder in people:
                new(
                    Participant,
                    {
                        "meeting_id": meeting_id,
                        "person_id": recorder,
                        "department_id": organiser_department,
                        "role": Participant.Role.EXECUTOR,
                        "attendance": attendance,
                    },
                )
            topics = []
            for order in range(1, rng.randint(3, 5) + 1):
                planned = rng.choice((10, 15, 20, 30))
                topic_id = new(
                    AgendaTopic,
                    {
                        "meeting_id": meeting_id,
                        "order": order,
                        "title": rng.choice(TOPICS),
                        "lead_department_id": rng.choice(taking_part),
                        "planned_minutes": planned,
                        "actual_minutes": max(5, planned + rng.randint(-5, 15)) if held else None,
                        "created_at": meeting["created_at"],
                        "updated_at": meeting["created_at"],
                    },
                )
                topics.append(topic_id)
                if held and rng.random() < 0.4:
                    for department in rng.sample(taking_part, rng.randint(1, 2)):
                        new(
                            Position,
                            {
                                "topic_id": topic_id,
                                "department_id": department,
                                "statement": "本部门同意该方案，需要补充资源。",
                                "evidence": "近三个月数据",
                                "created_at": meeting["started_at"],
                                "updated_at": meeting["started_at"],
                            },
                        )
            if held:
                ended = meeting["ended_at"]
                # About three quarters within the 24 hours.
                submitted = ended + dt.timedelta(minutes=rng.randint(60, 30 * 60))
                approved = submitted + dt.timedelta(minutes=rng.randint(20, 6 * 60))
                distributed = approved + dt.timedelta(minutes=rng.randint(5, 4 * 60))
                minutes_id = new(
                    Minutes,
                    {
                        "meeting_id": meeting_id,
                        "summary": "会议确定了分工与时间节点。",
                        "due_at": ended + dt.timedelta(hours=24),
                        "submitted_at": submitted,
                        "first_distributed_at": distributed,
                        "created_at": ended,
                        "updated_at": distributed,
                    },
                )
                new(
                    MinutesVersion,
                    {
                        "minutes_id": minutes_id,
                        "number": 1,
                        "record": {
                            "meeting": {"id": meeting_id, "title": meeting["title"]},
                            "topics": [],
                            "consensus": [],
                            "actions": [],
                            "objections": [],
                            "signatures": [],
                            "summary": "会议确定了分工与时间节点。",
                        },
                        "approved_at": approved,
                        "approved_by_id": host,
                        "distributed_at": distributed,
                    },
                )
                self.held.append(HeldMeeting(meeting_id, taking_part, topics, ended, distributed))
            if len(rows[AgendaTopic]) >= BATCH:
                self._flush(rows)
                progress.update(number + 1 - progress.done)
        self._flush(rows)
        progress.update(n - progress.done)
        progress.close()

    def _flush(self, rows: dict[type, list[dict]]) -> None:
        for model, batch in rows.items():
            self.writer.write(model, batch)
            batch.clear()

    # -- action items

    def items(self) -> None:
        rng, writer, n = self.rng, self.writer, self.counts.items
        if not self.held:
            return
        ids = {model: writer.next_id(model) for model in (ActionItem, ActionUpdate, Signature)}
        rows: dict[type, list[dict]] = {model: [] for model in ids}
        progress = Progress(self.progress, "action items", n)
        today, now = self.today, self.now
        latest = today + dt.timedelta(days=FUTURE_DAYS)
        reasons = OverdueReason.values
        Status = ActionItem.Status

        def new(model: type, row: dict) -> int:
            row["id"] = ids[model]
            ids[model] += 1
            rows[model].append(row)
            return row["id"]

        # Each item of a random held meeting, written in the order of the meetings.
        chosen = sorted(rng.randrange(len(self.held)) for _ in range(n))
        for number, choice in enumerate(chosen):
            meeting = self.held[choice]
            department = rng.choice(meeting.departments)
            owner = rng.choice(self.members[department])
            meeting_day = meeting.ended.astimezone(self.tz).date()
            committed = min(latest, meeting_day + dt.timedelta(days=rng.randint(3, 90)))
            due = committed
            replans = 0
            roll = rng.random()
            if roll < 0.05:
                status = Status.CANCELLED
            elif roll < 0.25:
                status = Status.DONE
            else:
                status = rng.choice((Status.OPEN, Status.IN_PROGRESS))
            if status != Status.CANCELLED and rng.random() < 0.08:
                replans = rng.choice((1, 1, 1, 2))
            item = {
                "meeting_id": meeting.id,
                "topic_id": rng.choice(meeting.topics),
                "task": f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}（{number + 1}）",
                "owner_id": owner,
                "department_id": department,
                "status": status,
                "created_at": meeting.ended,
                "updated_at": meeting.ended,
            }
            item_id = new(ActionItem, item)
            asked = meeting.ended
            for _ in range(replans):
                moved = due + dt.timedelta(days=rng.randint(7, 30))
                asked = min(now, asked + dt.timedelta(hours=rng.randint(12, 24 * 20)))
                new(
                    ActionUpdate,
                    {
                        "action_id": item_id,
                        "author_id": owner,
                        "created_at": asked,
                        "kind": ActionUpdate.Kind.REPLAN,
                        "text": "依赖的资源未到位，调整计划。",
                        "old_due_date": due,
                        "new_due_date": moved,
                    },
                )
                due = moved
            item.update(due_date=due, committed_due_date=committed, replan_count=replans)
            if status == Status.DONE:
                finished = self.at(due, 9 * 60) + dt.timedelta(
                    days=rng.randint(-12, 10), minutes=rng.randint(0, 9 * 60)
                )
                if finished > now:
                    finished = now - dt.timedelta(minutes=rng.randint(1, 60 * 24))
                item.update(completed_at=max(finished, asked), progress=100)
            elif status != Status.CANCELLED:
                item["progress"] = 0 if status == Status.OPEN else rng.choice((20, 40, 60, 80))
                if due < today and rng.random() < 0.3:
                    reason = rng.choice(reasons)
                    item.update(overdue_reason=reason, overdue_reason_text="人手不足，等待支持。")
                    new(
                        ActionUpdate,
                        {
                            "action_id": item_id,
                            "author_id": owner,
                            "created_at": min(
                                now, self.at(due, 10 * 60) + dt.timedelta(days=rng.randint(1, 5))
                            ),
                            "kind": ActionUpdate.Kind.OVERDUE_REASON,
                            "text": "人手不足，等待支持。",
                            "reason": reason,
                        },
                    )
                if due < today - dt.timedelta(days=14) and rng.random() < 0.2:
                    item["escalated_at"] = self.at(due, 9 * 60) + dt.timedelta(days=7)
            if status != Status.CANCELLED and rng.random() < 0.85:
                new(
                    Signature,
                    {
                        "action_id": item_id,
                        "person_id": owner,
                        "version": 1,
                        "signed_at": min(
                            now, meeting.distributed + dt.timedelta(minutes=rng.randint(10, 4320))
                        ),
                    },
                )
            if len(rows[ActionItem]) >= BATCH:
                self._flush(rows)
                progress.update(number + 1 - progress.done)
        self._flush(rows)
        progress.update(n - progress.done)
        progress.close()

    def run(self) -> Writer:
        self.organisation()
        self.meetings()
        self.items()
        self.writer.finish(SEEDED)
        return self.writer


def seed(
    *,
    seed: int,
    today: dt.date,
    now: dt.datetime,
    scale: float = 1.0,
    password: str = UNUSABLE_PASSWORD,
    progress=sys.stderr,
) -> Writer:
    """Seed the organisation, in one transaction (the departments name their heads before
    the people are written: the foreign keys are checked at commit); returns the writer with
    the rows and seconds per table."""
    with transaction.atomic():
        return Seeder(
            seed=seed,
            today=today,
            now=now,
            counts=Counts.scaled(scale),
            password=password,
            progress=progress,
        ).run()


def organisation(
    *, departments: int, people: int, seed: int = 0, now: dt.datetime | None = None
) -> list[Person]:
    """Only departments and people (the planner benchmark makes its own meetings)."""
    now = now or clock.now()
    seeder = Seeder(
        seed=seed,
        today=now.date(),
        now=now,
        counts=Counts(departments=departments, people=people, meetings=0, items=0),
    )
    with transaction.atomic():
        _, ids = seeder.organisation()
        seeder.writer.finish([Department, Person])
    return list(Person.objects.filter(pk__in=ids).order_by("pk"))
