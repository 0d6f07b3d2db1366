"""Who a person is to Accord as a whole, whatever the meeting: an administrator (an active
superuser) may do everything. The meeting roles build on it (``meetings/roles.py``)."""

from accord.org.models import Person


def is_admin(person: Person) -> bool:
    return person.is_active and person.is_superuser
