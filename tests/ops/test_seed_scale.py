"""`accord seed-scale`: a large made-up organisation, the same for the same seed."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Sum

from accord.actions.models import ActionItem, ActionUpdate
from accord.meetings.models import Meeting
from accord.minutes.models import Minutes
from accord.ops.seed import SEEDED
from accord.org.models import Department, Person

pytestmark = pytest.mark.django_db

MODELS = SEEDED


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def seed_scale(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def fingerprint() -> str:
    """The items as a seed makes them, whatever ids the database handed out."""
    rows = ActionItem.objects.order_by("task").values_list(
        "task",
        "owner__username",
        "department__name",
        "due_date",
        "committed_due_date",
        "status",
        "completed_at",
        "overdue_reason",
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:16]


@pytest.fixture
def seeded():
    return seed_scale("--scale", "0.002", "--seed", "7", "--today", "2026-09-07")


def test_the_counts_of_a_fixed_seed(seeded):
    assert counts() == {
        "Department": 3,
        "Person": 10,
        "Meeting": 200,
        "Participant": 739,
        "AgendaTopic": 807,
        "Position": 442,
        "Minutes": 168,
        "MinutesVersion": 168,
        "ActionItem": 2000,
        "ActionUpdate": 606,
        "Signature": 1637,
    }
    assert "Seeding 3 departments, 10 people, 200 meetings and 2,000 action items" in seeded
    assert "actions_actionitem" in seeded
    assert "Seeded in" in seeded


def test_the_same_seed_makes_the_same_items(seeded):
    assert fingerprint() == "9e3a90720915d4b8"


def test_the_shares_and_the_replans_are_consistent(seeded):
    items = ActionItem.objects.all()
    total = items.count()
    done = items.filter(status=ActionItem.Status.DONE).count()
    assert 0.17 <= done / total <= 0.23
    cancelled = items.filter(status=ActionItem.Status.CANCELLED).count()
    assert 0.03 <= cancelled / total <= 0.07
    # Done on time and done late both occur.
    done_items = list(items.filter(status=ActionItem.Status.DONE))
    assert any(i.completed_at.date() <= i.committed_due_date for i in done_items)
    assert any(i.completed_at.date() > i.committed_due_date for i in done_items)
    assert items.filter(status=ActionItem.Status.DONE, completed_at__isnull=True).count() == 0
    # Overdue (open, due date passed), some with a reason.
    overdue = items.filter(status__in=ActionItem.OPEN_STATUSES, due_date__lt="2026-09-07")
    assert overdue.exclude(overdue_reason="").count() > 0
    assert overdue.filter(overdue_reason="").count() > 0
    # Re-plans: the committed date differs exactly where the item was re-planned.
    replanned = set(items.filter(replan_count__gt=0).values_list("pk", flat=True))
    moved = {i.pk for i in items if i.committed_due_date != i.due_date}
    assert replanned == moved
    assert 0.05 <= len(replanned) / total <= 0.11
    assert set(items.values_list("replan_count", flat=True)) == {0, 1, 2}
    replans = ActionUpdate.objects.filter(kind=ActionUpdate.Kind.REPLAN)
    assert replans.count() == items.aggregate(n=Sum("replan_count"))["n"]
    # Each department's head is one of its people; a PMO exists.
    for department in Department.objects.all():
        assert department.head.department_id == department.pk
    assert Person.objects.filter(is_pmo=True).count() == 1
    assert not Person.objects.first().has_usable_password()
    # Meetings: held ones are distributed or closed, with times; coming ones are not.
    held = Meeting.objects.filter(started_at__isnull=False)
    assert set(held.values_list("status", flat=True)) == {"distributed", "closed"}
    assert held.filter(ended_at__isnull=True).count() == 0
    assert set(
        Meeting.objects.filter(started_at__isnull=True).values_list("status", flat=True)
    ) == {
        "scheduled",
        "draft",
    }
    assert Minutes.objects.count() == held.count()
    # Items are given across departments, not only within the organiser's.
    assert items.exclude(department=F("meeting__organiser_department")).exists()
    assert items.filter(department=F("meeting__organiser_department")).exists()


def test_refuses_a_database_with_more_than_the_demo(seeded):
    before = counts()
    with pytest.raises(CommandError) as refused:
        seed_scale("--scale", "0.002")
    assert refused.value.returncode == 2
    assert str(refused.value) == (
        "The database already holds more than the demo (3 departments, 10 people, "
        "200 meetings, 2,000 action items); run with --force to add the made-up "
        "organisation anyway."
    )
    assert counts() == before


def test_force_adds_a_second_organisation(seeded):
    seed_scale("--scale", "0.002", "--force")
    assert Department.objects.count() == 6
    assert ActionItem.objects.count() == 4000
    assert Person.objects.filter(username="u200000").exists()


def test_the_demo_alone_may_be_seeded():
    call_command("demo", stdout=io.StringIO())
    seed_scale("--scale", "0.002")
    assert ActionItem.objects.count() == 2004


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "0"], "--scale must be greater than 0 and at most 100."),
        (["--scale", "-1"], "--scale must be greater than 0 and at most 100."),
        (["--scale", "x"], "--scale must be a number, not 'x'."),
        (["--seed", "one"], "--seed must be a whole number, not 'one'."),
        (["--today", "2026-13-01"], "--today must be a date as YYYY-MM-DD."),
    ],
)
def test_bad_arguments_exit_with_2_and_add_nothing(args, message):
    with pytest.raises(CommandError) as bad:
        seed_scale(*args)
    assert bad.value.returncode == 2
    assert str(bad.value) == message
    assert set(counts().values()) == {0}
