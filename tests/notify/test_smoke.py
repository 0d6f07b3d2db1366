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
        counts = Worker().run(once=True)
    assert counts["sent"] == 2
    assert len(bot.requests) == 1
    assert len(smtp.messages) == 1
    assert Notification.objects.filter(via="in_app", kind="meeting.invitation").count() == 7
