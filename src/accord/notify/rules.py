"""Who may do what with channels and notices: manage a person's or a department's channels,
send a notice again. Read by the pages (what to offer) and the services (what to allow)."""

from accord.notify.models import Channel, Notification
from accord.org.models import Department, Person


def can_manage_channel(person: Person, channel: Channel) -> bool:
    """Their own channels; a department's channels: its head, the PMO and admins."""
    if person.is_superuser or channel.person_id == person.pk:
        return True
    if channel.department_id is None:
        return False
    return person.is_pmo or channel.department.head_id == person.pk


def can_manage_department_channels(person: Person, department: Department) -> bool:
    return person.is_superuser or person.is_pmo or department.head_id == person.pk


def can_resend(person: Person, n: Notification) -> bool:
    if person.is_superuser or person.is_pmo:
        return True
    if n.channel is not None:
        return can_manage_channel(person, n.channel)
    return n.recipient_id == person.pk
