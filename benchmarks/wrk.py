"""wrk, the load generator of ``benchmarks/run.py``: how it is started and how its report is
read. No Django here, so the tests can read a report without a configured project."""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LUA_POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[%s]]
"""
# Each wrk thread has its own Lua state: ``setup`` gives each its offset, so the threads
# take every n-th item of the list and never sign the same one twice.
LUA_SIGN = """
ids = {%s}
counter = 0
local threads = 0
setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
request = function()
  local id = ids[(counter * %d + offset) %% #ids + 1]
  counter = counter + 1
  return wrk.format("POST", "/api/v1/actions/" .. id .. "/sign", nil, "")
end
"""


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        sys.exit("benchmarks/run.py needs wrk: sudo apt-get install wrk (make bench does it)")
    return found


def parse_wrk(text: str) -> dict:
    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    requests = re.search(r"(\d+) requests in", text)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": int(requests.group(1)) if requests else 0,
        "p50": latency("50"),
        "p99": latency("99"),
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(int(g) for g in errors.groups()) if errors else 0,
    }


def run_wrk(url: str, *, connections: int, duration: float, headers: dict, lua: str = "") -> dict:
    command = [
        wrk_path(),
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory() as folder:
        if lua:
            script = Path(folder) / "script.lua"
            script.write_text(lua)
            command += ["-s", str(script)]
        done = subprocess.run(command + [url], capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)
