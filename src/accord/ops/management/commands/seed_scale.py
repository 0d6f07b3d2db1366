import datetime as dt
import sys
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accord.core import clock
from accord.ops import seed
from accord.ops.seed import Counts


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = (
        "Fill the database with a large made-up organisation for benchmarks: 50 departments, "
        "5,000 people, 100,000 meetings and 1,000,000 action items at --scale 1."
    )

    def add_arguments(self, parser) -> None:
        # Parsed in handle(), so that call_command() reports a bad value with exit code 2 too.
        parser.add_argument("--scale", default="1", help="multiplies every count (1)")
        parser.add_argument("--seed", default="1", help="the random seed (1)")
        parser.add_argument("--today", default="", help="the base day, YYYY-MM-DD (today)")
        parser.add_argument(
            "--password",
            default="",
            help="one password for every person, hashed once (default: none can sign in)",
        )
        parser.add_argument(
            "--force", action="store_true", help="seed a database that holds more than the demo"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options) -> None:
        try:
            scale = float(options["scale"])
        except ValueError:
            raise _fail(f"--scale must be a number, not {options['scale']!r}.") from None
        if not 0 < scale <= 100:
            raise _fail("--scale must be greater than 0 and at most 100.")
        try:
            seed_value = int(options["seed"])
        except ValueError:
            raise _fail(f"--seed must be a whole number, not {options['seed']!r}.") from None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise _fail("--today must be a date as YYYY-MM-DD.") from None
            now = timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
        else:
            today, now = clock.today(), clock.now()
        found = seed.existing_data()
        if found and not options["force"]:
            held = ", ".join(f"{n:,} {name}" for name, n in found.items())
            raise _fail(
                f"The database already holds more than the demo ({held}); "
                "run with --force to add the made-up organisation anyway."
            )
        password = make_password(options["password"]) if options["password"] else None
        counts = Counts.scaled(scale)
        self.stdout.write(
            f"Seeding {counts.departments:,} departments, {counts.people:,} people, "
            f"{counts.meetings:,} meetings and {counts.items:,} action items "
            f"(seed {seed_value}, today {today.isoformat()})."
        )
        started = time.perf_counter()
        with transaction.atomic():
            writer = seed.seed(
                seed=seed_value,
                today=today,
                now=now,
                scale=scale,
                password=password or seed.UNUSABLE_PASSWORD,
                progress=None if options["no_progress"] else (self.stderr._out or sys.stderr),
            )
        total = time.perf_counter() - started
        self.stdout.write(f"{'table':<26} {'rows':>12} {'seconds':>9}")
        for table, rows in writer.rows.items():
            self.stdout.write(f"{table:<26} {rows:>12,} {writer.seconds[table]:>9.1f}")
        if "ANALYZE" in writer.seconds:
            self.stdout.write(f"{'ANALYZE':<26} {'':>12} {writer.seconds['ANALYZE']:>9.1f}")
        self.stdout.write(self.style.SUCCESS(f"Seeded in {total:.1f} seconds."))
