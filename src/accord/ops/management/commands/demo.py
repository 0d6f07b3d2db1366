import os

from django.core.management.base import BaseCommand

from accord.ops.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo organisation (the source's Q3 launch meeting); running it again changes nothing."

    def handle(self, *args, **options) -> None:
        result = demo_load(admin_password=os.environ.get("ACCORD_DEMO_PASSWORD") or None)
        if not result.created:
            self.stdout.write("The demo organisation is already loaded; nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS("Demo organisation loaded."))
        self.stdout.write(
            f"Sign in as 'admin' (or any demo person, e.g. 'sun.zhuren') with the password: "
            f"{result.admin_password}"
        )
