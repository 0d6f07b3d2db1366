"""A meeting and what it holds: participants, copied departments, agenda topics, preparation (questions, answers, materials) and the record of the meeting (positions, outcomes, objections); and the agenda templates a meeting's topics start from."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.limits import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT, Line, Text
from accord.core.models import BaseModel

PERSON = settings.AUTH_USER_MODEL

# The meetings the weekly digest leaves out: confidential or cancelled (Meeting.Status).
HIDDEN_FROM_DIGEST = models.Q(confidential=True) | models.Q(status="cancelled")


class Meeting(BaseModel):
    class Kind(models.TextChoices):
        # S-KIND-1..5
        KICKOFF = "kickoff", _("Project kickoff and progress")
        PROBLEM = "problem", _("Problem solving and conflict coordination")
        PROCESS = "process", _("Process optimisation and rule making")
        RESOURCES = "resources", _("Resource allocation and support")
        ALIGNMENT = "alignment", _("Periodic goal alignment")
        CHECK_IN = "check_in", _("Weekly progress check-in")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        MINUTES_DRAFT = "minutes_draft", _("Minutes being written")
        IN_REVIEW = "in_review", _("Minutes in review")
        APPROVED = "approved", _("Minutes approved")
        DISTRIBUTED = "distributed", _("Minutes distributed")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    # The minutes are approved (frozen) in these states; items are signed in them.
    APPROVED_STATUSES = (Status.APPROVED, Status.DISTRIBUTED, Status.CLOSED)

    title = models.CharField(_("name"), max_length=200, validators=[Line()])
    goal = models.TextField(_("core goal"), blank=True, validators=[Text(SHORT_TEXT)])
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.KICKOFF)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only participants and administrators see a confidential meeting."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=90)
    location = models.CharField(_("place"), max_length=200, blank=True, validators=[Line()])
    online_link = models.URLField(_("online meeting link"), blank=True)
    online_meeting_number = models.CharField(
        _("online meeting number"), max_length=64, blank=True, validators=[Line()]
    )
    organiser = models.ForeignKey(
        PERSON,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_meetings",
    )
    organiser_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("organising department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_meetings",
    )
    host = models.ForeignKey(
        PERSON,
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
    )
    recorder = models.ForeignKey(
        PERSON,
        verbose_name=_("recorder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recorded_meetings",
    )
    series = models.ForeignKey(
        "series.MeetingSeries",
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    previous_meetings = models.ManyToManyField(
        "self",
        verbose_name=_("reviews the plans of"),
        symmetrical=False,
        blank=True,
        related_name="following_meetings",
    )
    copied_departments = models.ManyToManyField(
        "org.Department",
        verbose_name=_("copied departments"),
        through="CopiedDepartment",
        blank=True,
        related_name="copied_meetings",
    )
    calendar_sequence = models.PositiveIntegerField(
        _("calendar revision"),
        default=0,
        editable=False,
        help_text=_("Counts the changes sent to calendars since the invitation (SEQUENCE)."),
    )
    materials_send_at = models.DateTimeField(_("materials go out at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    # Set only when the meeting was held at another time than planned (see ``meeting_start``
    # in ``live/services.py``): ``starts_at`` and ``duration_minutes`` then
    # say when it really took place, these two what had been planned.
    planned_starts_at = models.DateTimeField(
        _("planned start"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the meeting had been planned, if it was held at another time."),
    )
    planned_duration_minutes = models.PositiveSmallIntegerField(
        _("planned length (minutes)"), null=True, blank=True, editable=False
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["organiser", "starts_at"]),
            models.Index(fields=["host"]),
            models.Index(fields=["recorder"]),
            models.Index(fields=["series", "starts_at"]),
            # the few meetings the weekly digest leaves out (selectors.digest_open_items)
            models.Index(
                fields=["id"], condition=HIDDEN_FROM_DIGEST, name="meeting_hidden_from_digest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="meeting_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def held_at_another_time(self) -> bool:
        """Started away from its planned time (and confirmed so): ``starts_at`` moved to
        when it was held, the plan is kept in ``planned_starts_at``."""
        return self.planned_starts_at is not None

    @property
    def planned_start(self) -> dt.datetime:
        return self.planned_starts_at or self.starts_at

    @property
    def planned_end(self) -> dt.datetime:
        minutes = self.planned_duration_minutes or self.duration_minutes
        return self.planned_start + dt.timedelta(minutes=minutes)


class CopiedDepartment(models.Model):
    """A department that receives the minutes but does not attend (抄送部门)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="copies")
    department = models.ForeignKey(
        "org.Department", on_delete=models.CASCADE, related_name="meeting_copies"
    )

    class Meta:
        verbose_name = _("copied department")
        verbose_name_plural = _("copied departments")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "department"], name="copied_department_once")
        ]
        indexes = [models.Index(fields=["department", "meeting"])]

    def __str__(self) -> str:
        return str(self.department_id)


class Participant(models.Model):
    class Role(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision-maker")
        EXECUTOR = "executor", _("Executor")
        OBSERVER = "observer", _("Observer")

    class Attendance(models.TextChoices):
        INVITED = "invited", _("Invited")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        PERSON, verbose_name=_("person"), on_delete=models.PROTECT, related_name="participations"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    attendance = models.CharField(
        _("attendance"), max_length=8, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["department__name", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="participant_once")
        ]
        indexes = [
            models.Index(fields=["person", "meeting"]),
            models.Index(fields=["department", "meeting"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.meeting_id}"


class AgendaTopic(BaseModel):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="topics"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("topic"), max_length=200, validators=[Line()])
    description = models.TextField(_("description"), blank=True, validators=[Text(SHORT_TEXT)])
    lead_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_topics",
    )
    planned_minutes = models.PositiveSmallIntegerField(_("planned minutes"))
    actual_minutes = models.PositiveSmallIntegerField(_("actual minutes"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[Text(LONG_TEXT)])
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    is_review = models.BooleanField(_("review of the previous plan"), default=False, editable=False)

    class Meta:
        verbose_name = _("agenda topic")
        verbose_name_plural = _("agenda topics")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="topic_order_unique"),
            models.CheckConstraint(
                condition=models.Q(planned_minutes__gt=0), name="topic_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PrepQuestion(BaseModel):
    """A pre-discussion question every participating department answers in writing (S-PREP-3)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="questions"
    )
    topic = models.ForeignKey(
        AgendaTopic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    text = models.TextField(_("question"), validators=[Text(SHORT_TEXT)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("pre-discussion question")
        verbose_name_plural = _("pre-discussion questions")
        ordering = ["meeting", "order", "id"]
        indexes = [models.Index(fields=["meeting", "order"])]

    def __str__(self) -> str:
        return self.text[:60]


class PrepAnswer(BaseModel):
    """A department's written answer to a question (S-PREP-4); a draft until submitted."""

    question = models.ForeignKey(
        PrepQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        PERSON, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("answer"), validators=[Text(LONG_TEXT)])
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("written answer")
        verbose_name_plural = _("written answers")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "department"], name="one_answer_per_department"
            )
        ]
        indexes = [models.Index(fields=["department", "question"])]

    def __str__(self) -> str:
        return self.text[:60]


class Material(BaseModel):
    """Background, data or a case sent before the meeting: an upload or a link (S-PREP-3)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="materials"
    )
    topic = models.ForeignKey(
        AgendaTopic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
    )
    title = models.CharField(_("title"), max_length=200, validators=[Line()])
    file = models.FileField(_("file"), upload_to="materials/%Y/%m/", blank=True)
    url = models.URLField(_("link"), blank=True)
    added_by = models.ForeignKey(
        PERSON, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""), name="material_file_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Position(BaseModel):
    """A department's stated view on a topic (S-MEET-2, S-TPL-2)."""

    topic = models.ForeignKey(
        AgendaTopic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="positions"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("position"), validators=[Text(MEDIUM_TEXT)])
    evidence = models.TextField(_("data and facts"), blank=True, validators=[Text(MEDIUM_TEXT)])

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["topic", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "department"], name="one_position_per_department"
            )
        ]

    def __str__(self) -> str:
        return self.statement[:60]


class TopicOutcome(BaseModel):
    """How a topic ended (S-MEET-3)."""

    class Kind(models.TextChoices):
        CONSENSUS = "consensus", _("Consensus")
        NEXT_MEETING = "next_meeting", _("Discuss again at the next meeting")
        RESEARCH = "research", _("A department researches it after the meeting")

    topic = models.OneToOneField(
        AgendaTopic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="outcome"
    )
    kind = models.CharField(_("outcome"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("conclusion"), blank=True, validators=[Text(MEDIUM_TEXT)])
    research_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("researching department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Required for ``next_meeting`` by the service; outcomes recorded before it was asked
    # for have none, so the database does not insist.
    next_meeting_on = models.DateField(_("discussed again on"), null=True, blank=True)

    class Meta:
        verbose_name = _("topic outcome")
        verbose_name_plural = _("topic outcomes")
        indexes = [models.Index(fields=["kind"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="consensus") | ~models.Q(text=""),
                name="consensus_has_text",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="research") | models.Q(research_department__isnull=False),
                name="research_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"


class Objection(BaseModel):
    """An objection raised during the read-back (S-MEET-5); resolved before the meeting ends.

    Who raised it is either a person in the meeting (``raised_by``) or a participating
    department (``raised_by_department``), never both; who typed it is ``recorded_by`` (the
    recorder often notes what a department said)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="objections"
    )
    topic = models.ForeignKey(
        AgendaTopic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objections",
    )
    raised_by = models.ForeignKey(
        PERSON,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_by_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("raised by department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        PERSON, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("objection"), validators=[Text(SHORT_TEXT)])
    resolution = models.TextField(_("resolution"), blank=True, validators=[Text(SHORT_TEXT)])
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["meeting", "id"]
        indexes = [models.Index(fields=["meeting", "resolved_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(raised_by__isnull=False, raised_by_department__isnull=True)
                    | models.Q(raised_by__isnull=True, raised_by_department__isnull=False)
                ),
                name="objection_raised_by_one",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def raised_by_label(self) -> str:
        """Who raised it, as the minutes name them: the person's name, or the department's."""
        if self.raised_by_id is not None:
            return str(self.raised_by)
        return self.raised_by_department.name if self.raised_by_department_id else ""


class AgendaTemplate(BaseModel):
    """A reusable agenda for one kind of meeting (S-KIND-1..5): ordered topics with their
    time allocation. Its owner uses it; shared (by the PMO or an administrator), everyone
    does. The built-in ones are code (``meetings/agenda_templates.py``), not rows."""

    name = models.CharField(_("name"), max_length=200, validators=[Line()])
    kind = models.CharField(_("kind"), max_length=16, choices=Meeting.Kind.choices)
    owner = models.ForeignKey(
        PERSON, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="+"
    )
    shared = models.BooleanField(_("shared with everyone"), default=False)

    class Meta:
        verbose_name = _("agenda template")
        verbose_name_plural = _("agenda templates")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "shared"]), models.Index(fields=["owner"])]

    def __str__(self) -> str:
        return self.name


class AgendaTemplateTopic(models.Model):
    template = models.ForeignKey(
        AgendaTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="topics"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("topic"), max_length=200, validators=[Line()])
    planned_minutes = models.PositiveSmallIntegerField(_("planned minutes"))
    lead_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True, validators=[Text(SHORT_TEXT)])

    class Meta:
        verbose_name = _("agenda template topic")
        verbose_name_plural = _("agenda template topics")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="template_topic_order"),
            models.CheckConstraint(
                condition=models.Q(planned_minutes__gt=0), name="template_topic_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title
