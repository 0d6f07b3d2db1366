"""Who may do what to a meeting. Services ask these; they never decide from the UI."""

from accord.meetings.models import Meeting, Participant
from accord.org.models import Person
from accord.org.rules import is_admin


def can_organise(person: Person, meeting: Meeting) -> bool:
    """Plan the meeting, change its agenda and participants, re-plan its action items."""
    return person.is_active and (
        is_admin(person)
        # PMO organises what it may see without taking part: not confidential meetings.
        or (person.is_pmo and not meeting.confidential)
        or person.pk in (meeting.organiser_id, meeting.host_id)
    )


def can_run(person: Person, meeting: Meeting) -> bool:
    """Start and end the meeting, resolve objections (the host keeps time, S-PREP-5)."""
    return person.is_active and (
        is_admin(person) or person.pk in (meeting.host_id, meeting.organiser_id)
    )


def can_record(person: Person, meeting: Meeting) -> bool:
    """Record positions, outcomes, actual time and action items."""
    return person.is_active and (
        is_admin(person) or person.pk in (meeting.recorder_id, meeting.host_id)
    )


def can_review(person: Person, meeting: Meeting) -> bool:
    """Approve or return the minutes (S-POST-2: the host reviews)."""
    return person.is_active and (is_admin(person) or person.pk == meeting.host_id)


def is_participant(person: Person, meeting: Meeting) -> bool:
    return person.is_active and Participant.objects.filter(meeting=meeting, person=person).exists()


def can_answer_for(person: Person, meeting: Meeting, department_id: int) -> bool:
    """Write a department's answers: its participants in this meeting, or its head."""
    if not person.is_active:
        return False
    if Participant.objects.filter(
        meeting=meeting, person=person, department_id=department_id
    ).exists():
        return True
    return person.headed_departments.filter(pk=department_id).exists()
