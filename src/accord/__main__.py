"""The ``accord`` command: Django's management commands with Accord's settings."""

import os
import sys

# Commands spelt with a hyphen on the command line (Django names them after their module).
ALIASES = {"seed-scale": "seed_scale"}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "accord"
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"accord: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
