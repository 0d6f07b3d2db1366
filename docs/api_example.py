"""Plan the launch meeting, run it, record an action item and read it back — with a
personal token and nothing but Python's standard library.

    ACCORD_URL=http://127.0.0.1:8000 ACCORD_TOKEN=acc_… python docs/api_example.py
"""

import json
import os
import urllib.request

URL = os.environ.get("ACCORD_URL", "http://127.0.0.1:8000").rstrip("/") + "/api/v1"
TOKEN = os.environ["ACCORD_TOKEN"]  # created on the Tokens page, shown once
STARTS = os.environ.get("ACCORD_STARTS", "2026-09-09T14:00:00+08:00")


def call(method, path, body=None):
    request = urllib.request.Request(
        URL + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


me = call("GET", "/me")
meeting = call("POST", "/meetings", {
    "title": "Q3产品上线跨部门协作启动会",
    "goal": "确定Q3产品上线分工",
    "starts_at": STARTS,
    "duration_minutes": 90,
    "location": "3号会议室",
    "host_id": me["id"],
    "recorder_id": me["id"],
})
m = meeting["id"]
call("POST", f"/meetings/{m}/topics", {"title": "责任部门划分", "planned_minutes": 30})
call("POST", f"/meetings/{m}/participants", {"person_id": me["id"], "role": "decision_maker"})
call("POST", f"/meetings/{m}/schedule")
# Held now, days before its planned time: the start says so (else 409, field confirm_time).
call("POST", f"/meetings/{m}/start?confirm_time=true")
action = call("POST", f"/meetings/{m}/actions", {
    "task": "完成产品需求文档",
    "owner_id": me["id"],
    "due": "9月15日前",
})
item = call("GET", f"/actions/{action['id']}")
print(json.dumps({
    "task": item["task"],
    "owner": item["owner"]["name"],
    "due": item["due_date"],
    "said": item["due_text"],
    "status": item["status"],
}, ensure_ascii=False))
