from django.core.management.base import BaseCommand, CommandError

from accord.notify.worker import Worker


class Command(BaseCommand):
    help = (
        "Plan and deliver notifications: loops until SIGTERM (which lets the batch finish), "
        "or with --once delivers everything due and exits (for cron)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="deliver what is due, then exit")
        parser.add_argument("--batch", type=int, default=None, help="rows claimed at a time")
        parser.add_argument("--interval", type=float, default=None, help="seconds between polls")

    def handle(self, *args, once: bool, batch: int | None, interval: float | None, **options):
        if batch is not None and not 1 <= batch <= 10000:
            raise CommandError("--batch must be between 1 and 10000.", returncode=2)
        if interval is not None and interval <= 0:
            raise CommandError("--interval must be more than 0 seconds.", returncode=2)
        worker = Worker(batch=batch)
        worker.install_signal_handlers()
        self.stdout.write(f"Accord worker {worker.token[:8]} started" + (" (once)" if once else ""))
        totals = worker.run(once=once, interval=interval)
        self.stdout.write(
            "Accord worker stopped: "
            + ", ".join(f"{name} {count}" for name, count in sorted(totals.items()))
        )
