"""``core.lookups.AnyOf``: ``pk__in`` as one array on PostgreSQL, Django's ``IN`` elsewhere."""

from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from accord.core.lookups import AnyOf
from accord.org.models import Person


def usernames(people) -> list[str]:
    return sorted(people.values_list("username", flat=True))


def test_the_rows_whose_key_is_among_the_values(org):
    ids = [org.li.pk, org.zhou.pk, None, 10**9]
    with CaptureQueriesContext(connection) as queries:
        found = usernames(Person.objects.filter(AnyOf(F("pk"), ids)))

    assert found == ["li", "zhou"]
    expected = "= ANY(" if connection.vendor == "postgresql" else " IN ("
    assert expected in queries[0]["sql"]


def test_combines_with_other_conditions(org):
    either = AnyOf(F("pk"), [org.li.pk]) | Q(username="wang")
    assert usernames(Person.objects.filter(either)) == ["li", "wang"]
    assert usernames(Person.objects.filter(AnyOf(F("pk"), []) | Q(username="wang"))) == ["wang"]


def test_no_values_match_nothing_without_a_query(org, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(Person.objects.filter(AnyOf(F("pk"), [None]))) == []


def test_a_subquery_is_asked_as_django_asks_it(org):
    heads = Person.objects.filter(username__in=["wang", "li"]).values("pk")
    assert usernames(Person.objects.filter(AnyOf(F("pk"), heads))) == ["li", "wang"]
