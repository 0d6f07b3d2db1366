"""The load runner works end to end (issue #8): a smoke run at a small scale seeds its own
SQLite database, starts `accord serve`, drives every operation with wrk and prints the table.
Not a timed test: it asserts that every operation answered without an error, not how fast."""

import os
import re
import subprocess
import sys
from pathlib import Path

from benchmarks.wrk import parse_wrk

ROOT = Path(__file__).resolve().parents[2]

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:8951/bench/hello/
  2 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.00us  1.02ms  12.64ms   95.12%
  Latency Distribution
     50%  567.00us
     75%    0.90ms
     90%    1.22ms
     99%    1.50s
  2047 requests in 1.00s, 512.00KB read
  Non-2xx or 3xx responses: 3
Requests/sec:   2041.18
Transfer/sec:    511.45KB
"""


def test_parse_wrk_reads_rate_percentiles_and_failures():
    assert parse_wrk(WRK_OUTPUT) == {
        "rps": 2041.18,
        "requests": 2047,
        "p50": 0.567,
        "p99": 1500.0,
        "bad": 3,
        "socket_errors": 0,
    }


def test_a_smoke_run_measures_every_operation(tmp_path):
    env = {
        **os.environ,
        "ACCORD_DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "ACCORD_VAR_DIR": str(tmp_path / "var"),
    }
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/run.py",
            "--scale",
            "0.0005",
            "--duration",
            "2",
            "--rounds",
            "1",
            "--connections",
            "2",
            "--port",
            "8967",
            "--out",
            str(tmp_path / "table.md"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    table = (tmp_path / "table.md").read_text()
    rows = {
        m.group(1): m.groups()[1:]
        for m in re.finditer(
            r"^\| (\w+) \| 2 \| ([\d,.]+) \| ([\d.]+) \| ([\d.]+) \| (\d+)% \| (\d+) \|$",
            table,
            re.M,
        )
    }
    assert sorted(rows) == [
        "analytics",
        "create_item",
        "department_board",
        "docx",
        "hello",
        "meeting_page",
        "minutes_page",
        "my_items",
        "overdue_board",
        "pdf",
        "sign_item",
    ]
    for op, (rps, _p50, _p99, _ratio, errors) in rows.items():
        assert errors == "0", op
        assert float(rps.replace(",", "")) > 0, op
    assert rows["hello"][3] == "100"
    assert re.search(r"One planner pass \(every rule, in process\): [\d,]+ ms", table)
