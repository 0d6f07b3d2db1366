"""How long exporting the demo meeting's minutes takes, as DOCX and as PDF.

The issue's bar: each under half a second on this machine (2 cores), warm — that is, after
the first render in the process, which also loads the libraries (python-docx, WeasyPrint and
pango, fontconfig's cache, the Noto CJK font). The first (cold) render is printed apart.

The script builds the demo organisation (``accord demo``) in a throwaway SQLite database in a
temporary folder (never the one you work in), reads the demo meeting's minutes as a download
does (``minutes_document_record``: the approved version), and renders each format
``--runs`` times (20) in Chinese, then prints a Markdown table: cold, median, p95, max, size.

Run it from the repository root (``make install`` and ``make system-deps`` first)::

    .venv/bin/python benchmarks/exports.py
    .venv/bin/python benchmarks/exports.py --runs 50 --language en
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

_VAR = tempfile.TemporaryDirectory(prefix="accord-bench-exports-")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ["ACCORD_VAR_DIR"] = _VAR.name  # the SQLite file goes there
os.environ["ACCORD_DATABASE_URL"] = ""  # never the database you work in
os.environ.setdefault("ACCORD_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from accord.meetings.models import Meeting  # noqa: E402
from accord.meetings.selectors import meeting_with_record  # noqa: E402
from accord.minutes.selectors import minutes_document_record  # noqa: E402
from accord.ops.demo import MEETING_TITLE, demo_load  # noqa: E402


def renderers() -> dict:
    from accord.exports.pdf import minutes_pdf

    found = {}
    try:
        from accord.exports.docx import minutes_docx
    except ImportError:
        print("accord.exports.docx is missing: PDF only.", file=sys.stderr)
    else:
        found["DOCX"] = minutes_docx
    found["PDF"] = minutes_pdf
    return found


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="warm renders per format (20)")
    parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    demo_load(admin_password="bench-only")
    meeting = Meeting.objects.get(title=MEETING_TITLE)
    record = minutes_document_record(meeting=meeting_with_record(pk=meeting.pk))

    rows = []
    for name, render in renderers().items():
        started = time.perf_counter()
        content = render(record, language=args.language)
        cold = (time.perf_counter() - started) * 1000
        warm = []
        for _ in range(args.runs):
            started = time.perf_counter()
            render(record, language=args.language)
            warm.append((time.perf_counter() - started) * 1000)
        rows.append(
            (
                name,
                f"{cold:,.0f} ms",
                f"{statistics.median(warm):,.0f} ms",
                f"{percentile(warm, 0.95):,.0f} ms",
                f"{max(warm):,.0f} ms",
                f"{len(content) / 1024:,.0f} KiB",
            )
        )
    print(f"Demo meeting minutes, {args.language}, {args.runs} warm renders each:\n")
    print("| format | first (cold) | median (warm) | p95 (warm) | max (warm) | size |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    try:
        main()
    finally:
        _VAR.cleanup()
