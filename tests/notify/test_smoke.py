from notify.receivers import Answer, HttpReceiver

from accord.meetings import services as meetings
from accord.notify.models import Channel, Notification
from accord.notify.worker import Worker


def test_schedule_reaches_app_mail_and_group_bot(org, draft_meeting, smtp):
    org.li.email = "li@example.cn"
    org.li.save()
    with HttpReceiver(lambda r: Answer(200, {"errcode": 0, "errmsg": "ok"})) as bot:
        Channel.objects.create(
            kind="dingtalk",
            name="研发群",
            department=org.rnd,
            target=bot.url + "/robot/send?access_token=t",
            secret="SECabc",
        )
        meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
        Worker().run(once=True)
    sent = Notification.objects.filter(kind="meeting.invitation", status="sent")
    assert sorted(sent.exclude(via="in_app").values_list("via", flat=True)) == ["dingtalk", "email"]
    assert len(bot.requests) == 1
    # li reads the installation's language
    assert [m["Subject"] for m in smtp.messages if "邀请" in m["Subject"]] == [
        "会议邀请：Q3产品上线跨部门协作启动会"
    ]
    assert Notification.objects.filter(via="in_app", kind="meeting.invitation").count() == 7
