"""The query plans of the hot lists, as PostgreSQL runs them on a seeded database: each query
the page or endpoint makes, with ``EXPLAIN (ANALYZE, BUFFERS)``, for the people
``benchmarks/run.py`` uses. Read-only: run it after ``benchmarks/run.py`` (or ``accord
seed-scale``) on the same database::

    ACCORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_bench \\
        .venv/bin/python benchmarks/explain.py [--full]

Without ``--full`` it prints each plan's scans, sorts and timing lines.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accord.actions.models import ActionItem  # noqa: E402
from accord.api.services import token_create, token_revoke  # noqa: E402
from accord.org.models import Department, Person  # noqa: E402

KEEP = ("Scan", "Sort", "Limit", "Join", "Aggregate", "Execution Time", "Planning Time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="print whole plans")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("benchmarks/explain.py reads PostgreSQL's plans: set ACCORD_DATABASE_URL")
    me = Person.objects.get(
        pk=ActionItem.objects.filter(status=ActionItem.Status.OPEN)
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner")
        .values_list("owner", flat=True)[0]
    )
    pmo = Person.objects.filter(is_pmo=True, is_active=True).order_by("pk").first()
    department = Department.objects.filter(head__isnull=False).exclude(head=pmo).first()
    token, text = token_create(actor=me, name="explain")
    requests = [
        ("my open items (API, first page)", me, f"/api/v1/actions?owner={me.pk}&status=open", text),
        ("department board", department.head, f"/actions/boards/department/{department.pk}/", ""),
        ("overdue board", pmo, "/actions/boards/overdue/", ""),
        ("analytics page", pmo, "/analytics/", ""),
    ]
    try:
        for title, person, path, bearer in requests:
            client = Client(HTTP_HOST="127.0.0.1")
            headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer else {}
            if not bearer:
                client.force_login(person)
            with CaptureQueriesContext(connection) as captured:
                status = client.get(path, **headers).status_code
            print(f"\n## {title}: GET {path} as {person.username} → {status}")
            with connection.cursor() as cursor:
                for query in captured.captured_queries:
                    sql = query["sql"]
                    if not sql.startswith("SELECT") or "django_session" in sql:
                        continue
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = [line for (line,) in cursor.fetchall()]
                    print(f"\n{sql[:160]}…")
                    for line in plan:
                        if args.full or any(word in line for word in KEEP):
                            print("    " + line[:170])
    finally:
        token_revoke(actor=me, token=token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
