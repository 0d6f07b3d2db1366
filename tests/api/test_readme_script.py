"""The README's API example (docs/api_example.py) runs, as an integrator would run it,
against a live server, with a personal token."""

import json
import os
import subprocess
import sys
from pathlib import Path

from accord.actions.models import ActionItem
from accord.api.services import token_create

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api_example.py"


def test_the_readme_script_plans_runs_and_reads_back_an_action_item(live_server, org):
    _, text = token_create(actor=org.sun, name="README")
    # The server's clock is the tests' frozen one (Monday 2026-09-07 09:00), shared with the
    # live server thread: the meeting is planned for the Wednesday after it.
    env = {
        **os.environ,
        "ACCORD_URL": live_server.url,
        "ACCORD_TOKEN": text,
        "ACCORD_STARTS": "2026-09-09T14:00:00+08:00",
    }
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "task": "完成产品需求文档",
        "owner": "孙主任",
        "due": "2026-09-15",
        "said": "9月15日前",
        "status": "open",
    }
    item = ActionItem.objects.get()
    assert (item.task, item.owner, item.due_date.isoformat()) == (
        "完成产品需求文档",
        org.sun,
        "2026-09-15",
    )
    assert item.meeting.title == "Q3产品上线跨部门协作启动会"
